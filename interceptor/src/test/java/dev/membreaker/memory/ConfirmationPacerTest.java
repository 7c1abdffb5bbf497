package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.memory.ConfirmationPacer.Pacing;
import dev.membreaker.memory.LiveSetSource.Confirmation;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pacing of the breaker's own collections, on fake time (nanoseconds given to the pacer). */
class ConfirmationPacerTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final long HEAP = 1L << 30;

  /** A live set whose full collection the prior predicts at about 10 ms: inside every cap. */
  private static final long SMALL = 32L << 20;

  /** What a full collection of small objects marks in {@code millis} by the prior (1 s / 3 GiB). */
  private static long marking(long millis) {
    return (long) (millis * MS / PauseBudget.PRIOR_NANOS_PER_BYTE);
  }

  private static ConfirmationPacer stopTheWorld() {
    return new ConfirmationPacer(false, false, HEAP);
  }

  /** A pacer whose one collection, paced by {@code first}, ended at 10 s after {@code pause}. */
  private static ConfirmationPacer after(Pacing first, long pause) {
    ConfirmationPacer p = stopTheWorld();
    assertThat(p.admit(10 * S - pause, first, SMALL)).isEqualTo(Confirmation.STARTED);
    p.ended(10 * S - pause, 10 * S);
    p.verdict(100L << 20, 300L << 20); // a verdict that changed what was known: no back-off
    return p;
  }

  @ParameterizedTest(name = "{0} after a {1} ms pause: {2} ms")
  @CsvSource({
    // pacing, last pause (ms), spacing (ms)
    "CONFIRM, 1, 2000", // the floor
    "CONFIRM, 50, 5000", // 100 x the pause
    "REFRESH, 1, 500", // the floor
    "REFRESH, 20, 1000", // 50 x the pause
    "REFRESH, 100, 2000", // capped: recovery is not held for 50 x one slow pause
    "URGENT, 1, 100", // the floor
    "URGENT, 20, 200", // 10 x the pause
    "URGENT, 300, 2000" // capped
  })
  void eachPacingKeepsItsSpacingFromTheLastEnd(
      Pacing pacing, long pauseMillis, long spacingMillis) {
    ConfirmationPacer p = after(Pacing.CONFIRM, pauseMillis * MS);
    long end = 10 * S;

    assertThat(p.spacing(pacing)).isEqualTo(spacingMillis * MS);
    assertThat(p.admit(end + spacingMillis * MS - 1, pacing, SMALL))
        .isEqualTo(Confirmation.TOO_SOON);
    assertThat(p.admit(end + spacingMillis * MS, pacing, SMALL)).isEqualTo(Confirmation.STARTED);
  }

  @Test
  void confirmationsThatFindNothingNewBackOffTo30SecondsAndOneThatDoesResetsThem() {
    ConfirmationPacer p = stopTheWorld();
    long anchor = 200L << 20;
    long t = 0;
    long[] expected = {4, 8, 16, 30, 30};
    for (long seconds : expected) {
      assertThat(p.admit(t, Pacing.CONFIRM, SMALL)).isEqualTo(Confirmation.STARTED);
      p.ended(t, t + MS);
      assertThat(p.verdict(anchor, anchor + (HEAP / 100))).as("awaited").isTrue(); // within 2 %
      assertThat(p.spacing(Pacing.CONFIRM)).isEqualTo(seconds * S);
      t += seconds * S + MS;
    }
    assertThat(p.admit(t, Pacing.CONFIRM, SMALL)).isEqualTo(Confirmation.STARTED);
    p.ended(t, t + MS);
    p.verdict(anchor, anchor + HEAP / 10); // the live set moved: back to the floor
    assertThat(p.spacing(Pacing.CONFIRM)).isEqualTo(2 * S);
  }

  @Test
  void urgentVerdictsThatFindNothingNewSpaceTheNextFurtherUpTo2Seconds() {
    ConfirmationPacer p = stopTheWorld();
    long t = 0;
    long[] expected = {100, 200, 400, 800, 1600, 2000};
    for (long millis : expected) {
      assertThat(p.admit(t, Pacing.URGENT, SMALL)).isEqualTo(Confirmation.STARTED);
      p.ended(t, t + MS);
      p.verdict(0, 1); // the unseen bytes were dead
      assertThat(p.spacing(Pacing.URGENT)).isEqualTo(millis * MS);
      t += millis * MS + MS;
    }
    assertThat(p.admit(t, Pacing.URGENT, SMALL)).isEqualTo(Confirmation.STARTED);
    p.ended(t, t + MS);
    p.verdict(0, HEAP / 4); // they were live: the floor again
    assertThat(p.spacing(Pacing.URGENT)).isEqualTo(100 * MS);
  }

  @Test
  void refreshesNeverBackOffSinceTheyEndShedding() {
    ConfirmationPacer p = stopTheWorld();
    long t = 0;
    for (int i = 0; i < 5; i++) {
      assertThat(p.admit(t, Pacing.REFRESH, SMALL)).isEqualTo(Confirmation.STARTED);
      p.ended(t, t + MS);
      p.verdict(HEAP / 2, HEAP / 2);
      t += 500 * MS + MS;
    }
    assertThat(p.spacing(Pacing.REFRESH)).isEqualTo(500 * MS);
    assertThat(p.spacing(Pacing.CONFIRM))
        .as("nor do they move the confirm spacing")
        .isEqualTo(2 * S);
  }

  @Test
  void oneAtATime() {
    ConfirmationPacer p = stopTheWorld();
    assertThat(p.admit(0, Pacing.CONFIRM, SMALL)).isEqualTo(Confirmation.STARTED);
    for (Pacing pacing : Pacing.values()) {
      assertThat(p.admit(10 * S, pacing, SMALL)).isEqualTo(Confirmation.IN_FLIGHT);
    }
    p.ended(0, 30 * S);
    assertThat(p.admit(30 * S + 100 * MS, Pacing.URGENT, SMALL))
        .as("spaced from the end of a 30 s one, not its start")
        .isEqualTo(Confirmation.TOO_SOON);
  }

  @Test
  void underDisableExplicitGcNothingRuns() {
    ConfirmationPacer p = new ConfirmationPacer(true, false, HEAP);
    for (Pacing pacing : Pacing.values()) {
      assertThat(p.admit(0, pacing, SMALL)).isEqualTo(Confirmation.DISABLED);
    }
    assertThat(p.canConfirm(0, SMALL)).isFalse();
    assertThat(p.confirmations()).isZero();
  }

  @Test
  void thePauseBudgetHoldsAgainstAStreamOfSlowRefreshes() {
    // Refreshes asked for every 100 ms for five minutes, each pausing 150 ms, on a collector whose
    // own pauses reach 100 ms (so the single-pause cap is 200 ms and lets them run at all). Their
    // spacing alone (50 x 150 ms, capped at 2 s) would pause 7.5 % of the time.
    ConfirmationPacer p = stopTheWorld();
    long pause = 150 * MS;
    long marked = marking(150);
    Deque<long[]> pauses = new ArrayDeque<>();
    long worstMinute = 0;
    int started = 0;
    for (long t = 0; t < 300 * S; t += 100 * MS) {
      if (t % (10 * S) == 0) {
        p.budget().natural(t, 100 * MS);
      }
      Confirmation c = p.admit(t, Pacing.REFRESH, marked);
      if (c == Confirmation.STARTED) {
        started++;
        p.ended(t, t + pause);
        p.verdict(HEAP / 2, HEAP / 2);
        pauses.add(new long[] {t + pause, pause});
      }
      while (!pauses.isEmpty() && pauses.peekFirst()[0] <= t - 60 * S) {
        pauses.removeFirst();
      }
      worstMinute = Math.max(worstMinute, pauses.stream().mapToLong(x -> x[1]).sum());
    }
    assertThat(started).as("refreshes did run").isGreaterThanOrEqualTo(15);
    assertThat(worstMinute)
        .as("paused in the worst minute: 1 % of it (600 ms), overrun by one pause at most")
        .isLessThanOrEqualTo(600 * MS + pause);
  }

  @Test
  void anUrgentConfirmationIsHeldToTheSinglePauseCapOnlyAndSpendsNothing() {
    ConfirmationPacer p = stopTheWorld();
    long marked = marking(90); // under the 100 ms floor of the single-pause cap
    long t = 0;
    for (int i = 0; i < 20 && p.admit(t, Pacing.REFRESH, marked) == Confirmation.STARTED; i++) {
      // Refreshes spend the minute's share (6 of 90 ms fit 600 ms).
      p.ended(t, t + 90 * MS);
      p.verdict(HEAP / 2, HEAP / 2);
      t += 90 * MS + 2 * S; // its end, and the refresh spacing (50 x 90 ms, capped at 2 s)
    }
    assertThat(p.admit(t, Pacing.REFRESH, marked)).isEqualTo(Confirmation.OVER_BUDGET);
    assertThat(p.admit(t, Pacing.URGENT, marked)).isEqualTo(Confirmation.STARTED);
    p.ended(t, t + 90 * MS);
    p.verdict(HEAP / 2, HEAP / 2 + HEAP / 10);
    assertThat(p.budget().spentNanos(t + 90 * MS))
        .as("the urgent pause is not spent")
        .isLessThanOrEqualTo(600 * MS);

    assertThat(p.admit(t + 10 * S, Pacing.URGENT, marking(300)))
        .as("a pause longer than the collector's own (floor 100 ms) is refused even when urgent")
        .isEqualTo(Confirmation.OVER_BUDGET);
    assertThat(p.canConfirm(t + 10 * S, marking(300))).isFalse();
  }

  @Test
  void concurrentConfirmationsAreHeldToTheirSpacingNotToTheBudget() {
    ConfirmationPacer p = new ConfirmationPacer(false, true, HEAP);
    long huge = marking(5_000); // a 5 s full collection, were it one
    assertThat(p.canConfirm(0, huge)).isTrue();
    long t = 0;
    for (int i = 0; i < 50; i++) {
      assertThat(p.admit(t, Pacing.REFRESH, huge)).isEqualTo(Confirmation.STARTED);
      p.ended(t, t + 2 * MS);
      p.verdict(HEAP / 2, HEAP / 2);
      t += 2 * MS + 500 * MS; // its end, and the refresh spacing
    }
    assertThat(p.budget().spentNanos(t)).as("nothing spent").isZero();
  }

  @Test
  void aConfirmationCountsAsAvailableWhileItAwaitsItsVerdictForASecond() {
    ConfirmationPacer p = stopTheWorld();
    assertThat(p.available(0, SMALL)).isTrue();
    assertThat(p.admit(0, Pacing.CONFIRM, SMALL)).isEqualTo(Confirmation.STARTED);
    assertThat(p.available(1 * MS, SMALL)).as("running").isTrue();
    p.ended(0, 10 * MS);
    assertThat(p.pending()).isTrue();
    assertThat(p.available(10 * MS + 999 * MS, SMALL))
        .as("its notification may come late")
        .isTrue();
    assertThat(p.available(10 * MS + S, SMALL))
        .as("no verdict in a second, and the next is too soon")
        .isFalse();
    assertThat(p.verdict(0, HEAP / 2)).isTrue();
    assertThat(p.pending()).isFalse();
    assertThat(p.verdict(0, HEAP / 2)).as("an anchor no confirmation awaited").isFalse();
    assertThat(p.available(10 * MS + 2 * S, SMALL)).isTrue();
  }
}
