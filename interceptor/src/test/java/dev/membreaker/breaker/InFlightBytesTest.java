package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Priority;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightBytesTest {

  private static final long MIB = 1 << 20;

  @Test
  void theBudgetIsAShareOfDirectMemoryOrBytes() {
    BreakerConfig share = BreakerConfig.defaults();
    InFlightBytes account = new InFlightBytes(64 * MIB, share);
    assertThat(budgetOf(account, share)).isEqualTo(16 * MIB); // default 0.25
    BreakerConfig bytes = share.toBuilder().inFlightBudgetBytes(10 * MIB).build();
    assertThat(budgetOf(account, bytes)).isEqualTo(10 * MIB);
    BreakerConfig half = bytes.toBuilder().inFlightBudgetShare(0.5).build();
    assertThat(half.inFlightBudgetBytes()).as("a share replaces a budget in bytes").isZero();
    assertThat(budgetOf(account, half)).isEqualTo(32 * MIB);
  }

  private static long budgetOf(InFlightBytes account, BreakerConfig config) {
    account.apply(config);
    return account.budget();
  }

  @Test
  void newCallsAreRefusedByPriorityAndCriticalOnesNever() {
    BreakerConfig config = BreakerConfig.builder().inFlightBudgetBytes(100 * MIB).build();
    InFlightBytes account = new InFlightBytes(64 * MIB, config);
    account.add(79 * MIB);
    assertThat(account.refuses(Priority.SHEDDABLE)).isFalse();
    account.add(MIB); // 80 MiB: degraded (0.80) x budget
    assertThat(account.refuses(Priority.SHEDDABLE)).isTrue();
    assertThat(account.refuses(Priority.DEFAULT)).isFalse();
    account.add(10 * MIB); // 90 MiB: open (0.90) x budget
    assertThat(account.refuses(Priority.DEFAULT)).isTrue();
    account.add(50 * MIB); // far over the budget
    assertThat(account.refuses(Priority.CRITICAL))
        .as("a call's start adds next to nothing")
        .isFalse();
    assertThat(account.overLimit(Priority.CRITICAL))
        .as("but a CRITICAL request stops being read")
        .isTrue();
    account.release(60 * MIB); // 80 MiB
    assertThat(account.overLimit(Priority.CRITICAL)).isFalse();
    assertThat(account.limit(Priority.CRITICAL)).isEqualTo(95 * MIB); // critical_cap
  }

  @Test
  void withoutTheDimensionNothingIsRefused() {
    EnumSet<Dimension> dims = EnumSet.allOf(Dimension.class);
    dims.remove(Dimension.IN_FLIGHT);
    BreakerConfig config =
        BreakerConfig.builder().inFlightBudgetBytes(MIB).dimensions(dims).build();
    InFlightBytes account = new InFlightBytes(64 * MIB, config);
    account.add(10 * MIB);
    assertThat(account.refuses(Priority.SHEDDABLE)).isFalse();
    assertThat(account.overLimit(Priority.SHEDDABLE)).isFalse();
  }

  @Test
  void risingPastTheWarningWatermarkWakesTheSamplerOnce() {
    BreakerConfig config = BreakerConfig.builder().inFlightBudgetBytes(100 * MIB).build();
    InFlightBytes account = new InFlightBytes(64 * MIB, config);
    AtomicInteger wakes = new AtomicInteger();
    account.onRise(wakes::incrementAndGet);
    account.add(69 * MIB);
    assertThat(wakes).hasValue(0);
    account.add(2 * MIB); // past 70 MiB
    account.add(MIB);
    assertThat(wakes).hasValue(1);
    account.release(10 * MIB);
    account.add(10 * MIB);
    assertThat(wakes).hasValue(2);
  }

  @Test
  void theSourceReadsBytesAgainstTheBudgetInForce() {
    BreakerConfig config = BreakerConfig.builder().inFlightBudgetBytes(8 * MIB).build();
    InFlightBytes account = new InFlightBytes(64 * MIB, config);
    account.add(2 * MIB);
    assertThat(account.source().dimension()).isEqualTo(Dimension.IN_FLIGHT);
    assertThat(account.source().read().pressure()).isEqualTo(0.25);
    account.apply(config.toBuilder().inFlightBudgetBytes(4 * MIB).build());
    assertThat(account.source().read().pressure()).isEqualTo(0.5);
  }

  @Test
  void badBudgetsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> BreakerConfig.builder().inFlightBudgetShare(0))
        .hasMessageContaining("in_flight_budget");
    assertThatThrownBy(() -> BreakerConfig.builder().inFlightBudgetShare(1.5))
        .hasMessageContaining("in_flight_budget");
    assertThatThrownBy(() -> BreakerConfig.builder().inFlightBudgetBytes(0))
        .hasMessageContaining("in_flight_budget");
    assertThatThrownBy(() -> BreakerConfig.builder().maxQueuedBytesPerCall(1000))
        .hasMessageContaining("max_queued_bytes_per_call");
    assertThat(BreakerConfig.defaults().maxQueuedBytesPerCall(16 * MIB))
        .as("auto: a sixteenth")
        .isEqualTo(MIB);
    assertThat(
            BreakerConfig.builder()
                .maxQueuedBytesPerCall(BreakerConfig.QUEUE_LIMIT_OFF)
                .build()
                .maxQueuedBytesPerCall(16 * MIB))
        .isZero();
    assertThatThrownBy(() -> new InFlightBytes(0, BreakerConfig.defaults()))
        .hasMessageContaining("maxDirectMemory");
  }
}
