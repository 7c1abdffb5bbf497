package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.memory.LiveSetEstimator.Seen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The live-set estimator on given figures (MiB of a 1000 MiB heap), one rule per case, each with
 * the collector quirk that asks for it (docs/breaker.md, "What it measures").
 */
class LiveSetEstimatorTest {

  private static final long MIB = 1 << 20;
  private static final long HEAP = 1000 * MIB;

  private static LiveSetEstimator started(Collector collector, long mib) {
    LiveSetEstimator e = new LiveSetEstimator(collector, HEAP);
    e.begin(mib * MIB);
    return e;
  }

  private static Seen young(long liveMib, long oldMib) {
    return new Seen(liveMib * MIB, oldMib * MIB, (liveMib - oldMib) * MIB, false);
  }

  private static Seen full(long liveMib) {
    return new Seen(liveMib * MIB, liveMib * MIB, 0, true);
  }

  private static long mib(long bytes) {
    return Math.round((double) bytes / MIB);
  }

  @Test
  void beforeAnyAnchorTheEstimateIsTheUpperBoundFromTheFirstFigureOn() {
    LiveSetEstimator e = new LiveSetEstimator(Collector.G1, HEAP);
    assertThat(e.begun()).isFalse();
    // A server whose cache is in the old generation already: the first figure is what it holds.
    e.begin(800 * MIB);
    assertThat(e.begun()).isTrue();
    assertThat(mib(e.estimate())).isEqualTo(800);
    assertThat(e.anchorEpoch()).isZero();

    e.collected(young(820, 810));
    assertThat(mib(e.estimate())).isEqualTo(820);
    assertThat(e.measuredEpoch()).isZero(); // a young collection is no measurement
  }

  @Test
  void theFirstAnchorIsComparedWithTheFirstFigure() {
    // A server started with its cache in place (0.5), then 400 MiB promoted and found dead: the
    // first anchor teaches that, against the first figure (not against an empty heap, where half
    // of it would have looked retained and taught nothing).
    LiveSetEstimator e = started(Collector.G1, 500);
    e.collected(young(900, 890));
    e.collected(full(500));
    assertThat(e.deadShare()).isEqualTo(1.0);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Collector.class,
      names = {"G1", "PARALLEL", "SERIAL", "ZGC", "SHENANDOAH"})
  void aMarkingCollectionIsAnAnchorOnEveryCollector(Collector collector) {
    LiveSetEstimator e = started(collector, 100);
    e.collected(young(400, 390));

    assertThat(e.collected(full(150))).isTrue();
    assertThat(mib(e.anchor())).isEqualTo(150);
    assertThat(mib(e.estimate())).isEqualTo(150);
    assertThat(e.anchorEpoch()).isEqualTo(1);
    assertThat(e.measuredEpoch()).isEqualTo(1);
  }

  @Test
  void promotedGarbageThatAnchorsFoundDeadIsDiscountedFromTheUpperBound() {
    // G1 churn: objects living about a second are promoted and die in the old generation; the
    // after-young figure climbs while 0.2 is live. Anchors teach that it dies.
    LiveSetEstimator e = started(Collector.G1, 200);
    e.collected(full(200)); // the first anchor: no promotion yet
    e.collected(young(600, 590));
    e.collected(full(200)); // 400 MiB promoted, all dead
    assertThat(e.deadShare()).isEqualTo(1.0);

    e.collected(young(650, 640));
    assertThat(mib(e.upper())).isEqualTo(650);
    assertThat(mib(e.estimate())).isEqualTo(200); // A + (1 - 1) x (U - A)
  }

  @Test
  void promotedBytesThatAnchorsFoundLiveCountInFull() {
    // A surge: what is promoted stays.
    LiveSetEstimator e = started(Collector.G1, 200);
    e.collected(full(200));
    e.collected(young(500, 490));
    e.collected(full(500)); // 300 MiB promoted, all live but the 2 % of slack anchors wobble by
    assertThat(e.deadShare()).isCloseTo(0.067, within(0.001));

    e.collected(young(700, 690));
    assertThat(mib(e.estimate())).isEqualTo(687); // 500 + (1 - 0.067) x 200
  }

  @Test
  void aHalfDeadShareCountsHalfOfWhatWasPromotedSince() {
    LiveSetEstimator e = started(Collector.G1, 200);
    e.collected(full(200));
    e.collected(young(600, 590));
    // 400 promoted, 200 + 20 (the 2 % slack) survived: (220 - 200 - 20) / 400 = 0.5 of it survived
    e.collected(full(420));
    assertThat(e.deadShare()).isEqualTo(0.5);

    e.collected(young(620, 610));
    assertThat(mib(e.estimate())).isEqualTo(520); // 420 + 0.5 x 200
  }

  @Test
  void g1RemarkDropLowersTheUpperBoundButIsNoAnchor() {
    // G1's Remark frees old regions that hold nothing live with no notification: the old pool's
    // usage drops between two reads with no collection between them.
    LiveSetEstimator e = started(Collector.G1, 100);
    e.collected(young(600, 580)); // 20 MiB of survivors
    e.polled(580 * MIB, false);
    assertThat(e.polled(300 * MIB, false)).isFalse();

    assertThat(mib(e.upper())).isEqualTo(320); // the old pool now, and the survivors
    assertThat(e.anchorEpoch()).isZero();
    assertThat(e.measuredEpoch()).isZero();
  }

  @Test
  void underExplicitGcInvokesConcurrentTheRemarkOfAConfirmationIsItsVerdict() {
    // A confirmation starts a concurrent cycle, which brings no "end of major GC": the Remark
    // that follows it is the only verdict there is. An upper figure: it errs towards shedding.
    LiveSetEstimator e = started(Collector.G1, 100);
    e.collected(young(600, 580));
    e.polled(580 * MIB, true);
    assertThat(e.polled(300 * MIB, true)).isTrue();

    assertThat(mib(e.anchor())).isEqualTo(320);
    assertThat(e.anchorEpoch()).isEqualTo(1);
    assertThat(mib(e.estimate())).isEqualTo(320);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // why the drop is not a Remark's, collector, old at the first read, collection between, old now
    "a collection came between the reads, G1, 580, true, 300",
    "a drop within 1 % of the heap, G1, 580, false, 571",
    "Parallel has no Remark, PARALLEL, 580, false, 300",
    "Serial has no Remark, SERIAL, 580, false, 300",
  })
  void aDropOfTheOldPoolIsARemarkOnlyOnG1WithNoCollectionBetween(
      String why, Collector collector, long firstMib, boolean between, long nowMib) {
    LiveSetEstimator e = started(collector, 100);
    e.collected(young(600, 580));
    e.polled(firstMib * MIB, true);
    if (between) {
      e.collected(young(600, 590));
    }
    assertThat(e.polled(nowMib * MIB, true)).as(why).isFalse();
    assertThat(mib(e.upper())).as(why).isEqualTo(600);
    assertThat(e.anchorEpoch()).as(why).isZero();
  }

  @Test
  void bytesAllocatedStraightIntoTheOldGenerationAreUnseenUntilTheNextCollection() {
    // G1's humongous objects (and Parallel's and Serial's objects too large for the young
    // generation) grow the old pool with no collection: not in the upper bound, but counted.
    LiveSetEstimator e = started(Collector.G1, 100);
    e.collected(young(300, 280));
    e.polled(280 * MIB, false);
    e.polled(500 * MIB, false);
    assertThat(mib(e.unseen())).isEqualTo(220);
    assertThat(mib(e.upper())).isEqualTo(300);

    e.collected(young(320, 300)); // a collection has seen them: the dead ones are gone
    assertThat(e.unseen()).isZero();
    e.polled(350 * MIB, false);
    assertThat(mib(e.unseen())).isEqualTo(50);
  }

  @Test
  void aHeapWithNoOldPoolOfItsOwnHasNoUnseenBytes() {
    // ZGC (one generation on JDK 17) and Shenandoah: no old pool, and no figure for one.
    LiveSetEstimator e = started(Collector.ZGC, 100);
    e.collected(new Seen(300 * MIB, -1, 0, false));
    e.polled(500 * MIB, false);
    assertThat(e.unseen()).isZero();
  }

  @Test
  void whereNoConfirmationCanBeHadEveryCollectionCountsAsMeasured() {
    // -XX:+DisableExplicitGC, or a pause that cannot fit the budget: no anchor will be asked
    // for, so the latest collection's figure is the freshest there is.
    LiveSetEstimator e = started(Collector.G1, 100);
    e.collected(young(300, 280));
    e.measuredWithoutAnchor();
    assertThat(e.measuredEpoch()).isEqualTo(1);
    assertThat(e.anchorEpoch()).isZero();
  }
}
