package dev.membreaker.contenders.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Elasticsearch's parent breaker and its G1 over-limit strategy, on readings the test sets. */
class ElasticsearchRealMemoryCheckTest {

  private static final long REGION = 100; // a 1000-byte heap of 10 regions

  private final FakeHeap heap = new FakeHeap();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final AtomicLong youngCollections = new AtomicLong();
  private final AtomicInteger allocations = new AtomicInteger();
  private final AtomicInteger fullCollections = new AtomicInteger();
  private Runnable onAllocation = () -> {};
  private double afterFullCollection = -1;

  private ElasticsearchRealMemoryCheck withG1() {
    return withG1(REGION);
  }

  private ElasticsearchRealMemoryCheck withG1(long region) {
    var strategy =
        new ElasticsearchRealMemoryCheck.G1OverLimitStrategy(
            heap,
            youngCollections::get,
            clock::get,
            () -> {
              allocations.incrementAndGet();
              onAllocation.run();
            },
            () -> {
              fullCollections.incrementAndGet();
              if (afterFullCollection >= 0) {
                heap.at(afterFullCollection);
              }
            },
            FakeHeap.MAX,
            region);
    return new ElasticsearchRealMemoryCheck(heap, FakeHeap.MAX, strategy);
  }

  @Test
  void withoutG1ItTripsAboveNinetyFivePercentOfHeapUsed() {
    ElasticsearchRealMemoryCheck es = new ElasticsearchRealMemoryCheck(heap, FakeHeap.MAX, null);
    heap.at(0.95);
    assertThat(es.admits()).as("the limit itself is not over it").isTrue();
    heap.at(0.96);
    assertThat(es.admits()).isFalse();
    heap.at(0.3);
    assertThat(es.admits()).isTrue();
  }

  @Test
  void underTheLimitTheStrategyIsNotAsked() {
    ElasticsearchRealMemoryCheck es = withG1();
    heap.at(0.94);
    assertThat(es.admits()).isTrue();
    assertThat(allocations).hasValue(0);
    assertThat(fullCollections).hasValue(0);
  }

  @Test
  void aYoungCollectionProvokedByHumongousAllocationsClearsTheTrip() {
    ElasticsearchRealMemoryCheck es = withG1(10); // 4 free regions of 10 at 0.96: up to 5 arrays
    heap.at(0.96);
    onAllocation =
        () -> {
          if (allocations.get() == 2) { // the second humongous array starts a young collection
            youngCollections.incrementAndGet();
            heap.at(0.60);
          }
        };
    assertThat(es.admits()).isTrue();
    assertThat(allocations)
        .as("it stops as soon as the young collection count changes")
        .hasValue(2);
    assertThat(fullCollections).as("memory came down: no System.gc()").hasValue(0);
    assertThat(es.reading()).isEqualTo(0.60);
  }

  @Test
  void whenAllocationsReclaimNothingItCallsSystemGcAtMostEveryTwoSeconds() {
    ElasticsearchRealMemoryCheck es = withG1();
    heap.at(0.97);
    afterFullCollection = 0.97; // nothing dead: the collection gives nothing back
    assertThat(es.admits()).isFalse();
    assertThat(allocations).as("free regions (0) + 1").hasValue(1);
    assertThat(fullCollections).hasValue(1);

    clock.addAndGet(400);
    assertThat(es.admits()).isFalse();
    assertThat(allocations).as("not again within 500 ms").hasValue(1);
    assertThat(fullCollections).as("not again within 2 s").hasValue(1);

    clock.addAndGet(200); // 600 ms after the first
    assertThat(es.admits()).isFalse();
    assertThat(allocations).hasValue(2);
    assertThat(fullCollections).hasValue(1);

    clock.addAndGet(1500); // 2.1 s after the first System.gc()
    afterFullCollection = 0.50;
    assertThat(es.admits()).as("the full collection found the heap mostly dead").isTrue();
    assertThat(fullCollections).hasValue(2);
  }

  @Test
  void allocatesAtMostOneHalfRegionArrayPerFreeRegionPlusOne() {
    ElasticsearchRealMemoryCheck es =
        new ElasticsearchRealMemoryCheck(
            heap,
            FakeHeap.MAX,
            new ElasticsearchRealMemoryCheck.G1OverLimitStrategy(
                heap,
                youngCollections::get,
                clock::get,
                allocations::incrementAndGet,
                fullCollections::incrementAndGet,
                FakeHeap.MAX,
                10));
    heap.at(0.96); // 40 bytes free: 4 regions of 10, + 1
    assertThat(es.admits()).isFalse();
    assertThat(allocations).hasValue(5);
  }
}
