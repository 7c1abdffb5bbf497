package dev.membreaker.contenders.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The naive guard, Solr's and OpenSearch's, on readings the test sets. */
class SimpleChecksTest {

  @Test
  void naiveHeapRefusesFromNinetyPercentOfHeapUsed() {
    FakeHeap heap = new FakeHeap();
    NaiveHeapCheck naive = new NaiveHeapCheck(heap, FakeHeap.MAX);
    assertThat(naive.admits()).isTrue(); // 0 used
    assertThat(heap.at(0.899).used).isEqualTo(899);
    assertThat(naive.admits()).isTrue();
    heap.at(0.90);
    assertThat(naive.admits()).isFalse();
    assertThat(naive.reading()).isEqualTo(0.90);
    heap.at(0.5);
    assertThat(naive.admits())
        .as("no memory of the past: it admits as soon as the reading is lower")
        .isTrue();
  }

  @Test
  void solrTripsOnTheOldGenerationAfterItsLastCollectionAtSeventyFivePercent() {
    FakeHeap afterCollection = new FakeHeap();
    SolrMemoryCheck solr = new SolrMemoryCheck(afterCollection, FakeHeap.MAX);
    assertThat(solr.admits()).as("0 before the first collection: never trips").isTrue();
    afterCollection.at(0.749);
    assertThat(solr.admits()).isTrue();
    afterCollection.at(0.75);
    assertThat(solr.admits()).isFalse();
    assertThat(solr.state()).isEqualTo("tripped");
    afterCollection.at(0.2);
    assertThat(solr.admits()).isTrue();
    assertThat(afterCollection.reads).as("read on every call").isEqualTo(4);
  }

  @Test
  void solrReadsThePoolAfterCollectionNotTheHeapNow() {
    // On this JVM: the supplier Solr uses is the old pool's collection usage, which no allocation
    // moves until a collection touches the old pool.
    long before = HeapMeter.oldGenAfterCollection().getAsLong();
    byte[][] garbage = new byte[8][];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = new byte[1 << 16];
    }
    assertThat(garbage[7]).hasSize(1 << 16);
    assertThat(HeapMeter.oldGenAfterCollection().getAsLong())
        .isGreaterThanOrEqualTo(0)
        .isEqualTo(before);
  }

  @Test
  void openSearchIsInDuressAfterThreeSuccessiveSamplesAtSeventyPercent() {
    FakeHeap heap = new FakeHeap().at(0.70);
    OpenSearchNodeDuress duress = new OpenSearchNodeDuress(heap, FakeHeap.MAX);
    duress.sample();
    duress.sample();
    assertThat(duress.admits()).as("two breaches are not duress").isTrue();
    duress.sample();
    assertThat(duress.admits()).isFalse();
    assertThat(duress.state()).isEqualTo("duress");
    heap.at(0.69);
    duress.sample();
    assertThat(duress.admits()).as("one sample under the threshold ends the streak").isTrue();
    heap.at(0.95);
    duress.sample();
    duress.sample();
    assertThat(duress.admits()).as("the streak starts again from nothing").isTrue();
    duress.sample();
    assertThat(duress.admits()).isFalse();
  }
}
