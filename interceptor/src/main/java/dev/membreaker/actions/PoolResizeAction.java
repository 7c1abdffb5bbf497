package dev.membreaker.actions;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.IntConsumer;

/**
 * Shrinks a pool while the breaker is DEGRADED or worse (OPEN, HALF_OPEN) and restores it when the
 * breaker falls below DEGRADED: fewer workers, fewer requests held in memory at once.
 */
public final class PoolResizeAction implements DegradationAction {

  private final IntConsumer resize;
  private final int normalSize;
  private final int degradedSize;

  private PoolResizeAction(IntConsumer resize, int normalSize, int degradedSize) {
    if (normalSize < 1 || degradedSize < 1) {
      throw new IllegalArgumentException(
          "pool sizes must be positive, were normal "
              + normalSize
              + " and degraded "
              + degradedSize);
    }
    this.resize = Objects.requireNonNull(resize, "resize");
    this.normalSize = normalSize;
    this.degradedSize = degradedSize;
  }

  /** Resizes any pool through a callback. */
  public static PoolResizeAction of(IntConsumer resize, int normalSize, int degradedSize) {
    return new PoolResizeAction(resize, normalSize, degradedSize);
  }

  /**
   * Resizes a {@link ThreadPoolExecutor} (core and maximum together) from its current core size to
   * {@code degradedSize} and back.
   */
  public static PoolResizeAction of(ThreadPoolExecutor pool, int degradedSize) {
    return new PoolResizeAction(size -> resize(pool, size), pool.getCorePoolSize(), degradedSize);
  }

  private static void resize(ThreadPoolExecutor pool, int size) {
    // Keep core <= maximum at every step.
    if (size < pool.getCorePoolSize()) {
      pool.setCorePoolSize(size);
      pool.setMaximumPoolSize(size);
    } else {
      pool.setMaximumPoolSize(size);
      pool.setCorePoolSize(size);
    }
  }

  @Override
  public String name() {
    return "pool_resize";
  }

  @Override
  public void onLevelChange(BreakerState from, BreakerState to, BreakerStatus status) {
    int degraded = BreakerState.DEGRADED.severity();
    if (from.severity() < degraded && to.severity() >= degraded) {
      resize.accept(degradedSize);
    } else if (from.severity() >= degraded && to.severity() < degraded) {
      resize.accept(normalSize);
    }
  }
}
