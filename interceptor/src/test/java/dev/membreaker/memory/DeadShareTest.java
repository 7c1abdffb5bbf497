package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DeadShareTest {

  private static final long HEAP = 1000;
  private final DeadShare share = new DeadShare(HEAP);

  @Test
  void theFirstAnchorTeachesThatBytesDiedButNeverThatStartUpsSurvived() {
    // Start-up kept 0.2 of the heap and promoted 0.12 more: read against the empty heap the
    // breaker first saw, this looked like 60 % of promoted bytes surviving, and the breaker then
    // trusted promoted garbage as live.
    share.learn(0, 200, 320, true);
    assertThat(share.value()).isEqualTo(-1);
    DeadShare garbage = new DeadShare(HEAP);
    garbage.learn(0, 200, 700, true); // 0.5 of the 0.7 promoted was found dead: certain
    assertThat(garbage.value()).isCloseTo(1 - 180.0 / 700, within(1e-9));
  }

  @Test
  void promotedBytesAFullCollectionFoundDeadRaiseTheShareByHalves() {
    share.learn(200, 200, 700, false); // all of 0.5 promoted died
    assertThat(share.value()).isEqualTo(1.0);
    share.learn(200, 400, 700, false); // 0.2 of 0.5 survived (less 0.02 of slack): falls at once
    assertThat(share.value()).isCloseTo(1 - 180.0 / 500, within(1e-9));
    double fallen = share.value();
    share.learn(400, 400, 900, false); // all died again: rises halfway
    assertThat(share.value()).isCloseTo(0.5 * fallen + 0.5, within(1e-9));
  }

  @Test
  void aReleaseCountsAsDiedAndTooLittlePromotedTeachesNothing() {
    share.learn(600, 200, 620, false); // the surge's bytes released
    assertThat(share.value()).isEqualTo(1.0);
    share.learn(200, 230, 230, false); // 0.03 promoted: under a twentieth of the heap
    assertThat(share.value()).isEqualTo(1.0);
  }
}
