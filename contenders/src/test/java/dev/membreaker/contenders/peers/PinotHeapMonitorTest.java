package dev.membreaker.contenders.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pinot's watcher cycle by cycle, on readings the test sets. */
class PinotHeapMonitorTest {

  private final FakeHeap heap = new FakeHeap();
  private final AtomicInteger collections = new AtomicInteger();
  private double afterCollection = -1;
  private final PinotHeapMonitor pinot =
      new PinotHeapMonitor(
          heap,
          FakeHeap.MAX,
          () -> {
            collections.incrementAndGet();
            if (afterCollection >= 0) {
              heap.at(afterCollection);
            }
          });

  @Test
  void samplesFasterAboveTheAlarmingLevelAndRefusesOnlyAboveCritical() {
    assertThat(pinot.cycle()).isEqualTo(30);
    heap.at(0.76);
    assertThat(pinot.cycle()).isEqualTo(10);
    assertThat(pinot.admits()).isTrue();
    heap.at(0.96);
    pinot.cycle();
    assertThat(pinot.admits()).as("critical is strictly above 0.96").isTrue();
    heap.at(0.97);
    assertThat(pinot.cycle()).isEqualTo(30);
    assertThat(pinot.admits()).isFalse();
    heap.at(0.5);
    pinot.cycle();
    assertThat(pinot.admits()).isTrue();
    assertThat(collections).hasValue(0);
  }

  @Test
  void afterFiveRefusingCyclesItCollectsAndAdmitsWhenTheHeapFallsUnderCriticalLessFifteen() {
    heap.at(0.97);
    afterCollection = 0.80;
    for (int i = 0; i < 5; i++) {
      pinot.cycle();
      assertThat(pinot.admits()).isFalse();
    }
    assertThat(collections).hasValue(0);
    pinot.cycle();
    assertThat(collections).hasValue(1);
    assertThat(pinot.admits()).as("0.80 < 0.96 - 0.15").isTrue();
  }

  @Test
  void aCollectionThatLeavesTheHeapAboveCriticalLessFifteenStillRefuses() {
    heap.at(0.97);
    afterCollection = 0.82;
    for (int i = 0; i < 6; i++) {
      pinot.cycle();
    }
    assertThat(collections).hasValue(1);
    assertThat(pinot.admits()).isFalse();
    for (int i = 0; i < 5; i++) {
      pinot.cycle(); // 0.82 is not critical: admits, and the count of kills in a row stays
    }
    assertThat(pinot.admits()).isTrue();
  }

  @Test
  void atThePanicLevelItCollectsEveryCycle() {
    heap.at(0.995);
    pinot.cycle();
    pinot.cycle();
    assertThat(pinot.admits()).isFalse();
    assertThat(pinot.state()).isEqualTo("panic");
    assertThat(collections).hasValue(2);
  }
}
