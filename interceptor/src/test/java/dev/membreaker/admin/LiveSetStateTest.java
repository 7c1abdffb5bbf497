package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.admin.v1.BreakerState;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeLiveSetSource;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GetState says what the live-set estimate rests on, and nothing when its source gives no evidence.
 */
class LiveSetStateTest {

  @Test
  void theEvidenceIsInTheState() {
    FakeLiveSetSource live = new FakeLiveSetSource(1000).deadShare(0.75);
    live.anchor(0.20).young(0.60, 0.30).unseen(0.15);
    try (MemoryBreaker breaker =
        MemoryBreaker.builder().sources(List.of(live)).ticker(new FakeTicker()).build()) {
      breaker.evaluateNow();
      BreakerState s =
          StateMessages.state(
              breaker,
              MemoryBreakerServerInterceptor.of(breaker).counters(),
              null,
              Clock.systemUTC());
      assertThat(s.hasLiveSet()).isTrue();
      assertThat(s.getLiveSet().getCollector()).isEqualTo("other");
      assertThat(s.getLiveSet().getAnchorBytes()).isEqualTo(200);
      assertThat(s.getLiveSet().getUpperBytes()).isEqualTo(600);
      assertThat(s.getLiveSet().getUnseenBytes()).isEqualTo(150);
      assertThat(s.getLiveSet().getAnchors()).isEqualTo(1);
      assertThat(s.getLiveSet().getDeadShare()).isEqualTo(0.75);
      assertThat(s.getLiveSet().getCanConfirm()).isTrue();
    }
  }

  @Test
  void aSourceWithoutEvidenceLeavesItOut() {
    try (MemoryBreaker breaker =
        MemoryBreaker.builder()
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.2)))
            .ticker(new FakeTicker())
            .build()) {
      breaker.evaluateNow();
      assertThat(
              StateMessages.state(
                      breaker,
                      MemoryBreakerServerInterceptor.of(breaker).counters(),
                      null,
                      Clock.systemUTC())
                  .hasLiveSet())
          .isFalse();
    }
  }
}
