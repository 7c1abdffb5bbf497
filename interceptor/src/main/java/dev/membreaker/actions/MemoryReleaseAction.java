package dev.membreaker.actions;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs memory-release hooks (trim a cache, drop a pool of buffers) whenever the breaker rises to
 * WARNING or above. Each hook runs even if another throws; failures are logged and counted, and the
 * action as a whole still succeeds.
 */
public final class MemoryReleaseAction implements DegradationAction {

  private static final System.Logger LOG = System.getLogger(MemoryReleaseAction.class.getName());

  private final List<Runnable> hooks;
  private final LongAdder runs = new LongAdder();
  private final LongAdder hookFailures = new LongAdder();

  private MemoryReleaseAction(List<Runnable> hooks) {
    this.hooks = List.copyOf(hooks);
  }

  /** An action running these hooks on every rise to WARNING or above. */
  public static MemoryReleaseAction of(List<Runnable> hooks) {
    return new MemoryReleaseAction(hooks);
  }

  @Override
  public String name() {
    return "memory_release";
  }

  @Override
  public void onLevelChange(BreakerState from, BreakerState to, BreakerStatus status) {
    if (to.severity() < BreakerState.WARNING.severity() || to.severity() <= from.severity()) {
      return;
    }
    runs.increment();
    for (Runnable hook : hooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        hookFailures.increment();
        LOG.log(System.Logger.Level.WARNING, "membreaker: a memory-release hook failed", e);
      }
    }
  }

  /** How often the hooks have been run. */
  public long runs() {
    return runs.sum();
  }

  /** Hook calls that threw. */
  public long hookFailures() {
    return hookFailures.sum();
  }
}
