package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The demand counts are rates, not a ledger, but threads counting at once lose next to nothing. */
class CallDemandTest {

  @Test
  void threadsCountingAtOnceAreCountedAndAdmittedAndRefusedApart() throws InterruptedException {
    CallDemand demand = new CallDemand();
    int threads = 8;
    int each = 200_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean admit = t % 2 == 0;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  if (admit) {
                    demand.admitted();
                  } else {
                    demand.refused();
                  }
                }
              });
      thread.start();
      all.add(thread);
    }
    start.countDown();
    for (Thread thread : all) {
      thread.join(30_000);
    }
    long expected = (long) threads / 2 * each;
    assertThat(demand.admittedCount()).isBetween((long) (expected * 0.99), expected);
    assertThat(demand.refusedCount()).isBetween((long) (expected * 0.99), expected);
  }
}
