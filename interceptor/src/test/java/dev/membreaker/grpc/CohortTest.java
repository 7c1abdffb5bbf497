package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.Cohort;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.config.ConfigFile;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two threshold profiles compared live: calls split by a stable hash of a header. */
class CohortTest {

  private static final Metadata.Key<String> TENANT =
      Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);

  /** A call that only remembers how it was closed. */
  static final class RecordingCall extends ServerCall<String, String> {
    Status closed;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closed = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return TestService.QUOTE;
    }
  }

  private static final ServerCallHandler<String, String> HANDLER =
      (call, headers) -> {
        call.close(Status.OK, new Metadata());
        return new ServerCall.Listener<>() {};
      };

  private static boolean admitted(MemoryBreakerServerInterceptor interceptor, String tenant) {
    RecordingCall call = new RecordingCall();
    Metadata headers = new Metadata();
    if (tenant != null) {
      headers.put(TENANT, tenant);
    }
    interceptor.interceptCall(call, headers, HANDLER);
    return call.closed.isOk();
  }

  @Test
  void tenThousandCallsSplitByTheConfiguredSharesAndEachCohortIsShedByItsOwnThresholds() {
    // The file is what operators write; its profiles overlay the breaker section.
    ConfigFile file =
        ConfigFile.parse(
            "cohorts.yaml",
            String.join(
                "\n",
                "breaker:",
                "  ewma_alpha: 1.0",
                "  occupancy_floor: 1.0",
                "cohorts:",
                "  header: x-tenant",
                "  profiles:",
                "    conservative: {share: 30, recover: 0.55, warning: 0.60, degraded: 0.70, open:"
                    + " 0.80}",
                "    aggressive: {share: 50, recover: 0.80, warning: 0.86, degraded: 0.90, open:"
                    + " 0.95}",
                ""));
    FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.85);
    MemoryBreaker breaker =
        MemoryBreaker.builder()
            .config(file.breaker())
            .cohorts(file.cohorts().profiles())
            .sources(List.of(live))
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    // At 0.85: default (0.70/0.80/0.90) DEGRADED, conservative OPEN, aggressive HEALTHY.
    assertThat(breaker.admission(0).status().state()).isEqualTo(BreakerState.DEGRADED);
    assertThat(breaker.admission(1).status().state()).isEqualTo(BreakerState.OPEN);
    assertThat(breaker.admission(2).status().state()).isEqualTo(BreakerState.HEALTHY);
    MemoryBreakerServerInterceptor interceptor =
        MemoryBreakerServerInterceptor.builder(breaker)
            .cohortHeader(file.cohorts().header())
            .build();

    Random random = new Random(7);
    int calls = 10_000;
    for (int i = 0; i < calls; i++) {
      admitted(interceptor, new UUID(random.nextLong(), random.nextLong()).toString());
    }
    long[] perCohort = new long[3];
    for (int c = 0; c < 3; c++) {
      ShedCounters counters = interceptor.cohortCounters(c);
      perCohort[c] =
          counters.count(ShedCounters.Kind.ADMITTED) + counters.count(ShedCounters.Kind.SHED);
    }
    System.out.printf(
        "10000 calls: default %d, conservative %d, aggressive %d%n",
        perCohort[0], perCohort[1], perCohort[2]);
    assertThat(perCohort[0] + perCohort[1] + perCohort[2]).isEqualTo(calls);
    assertThat(perCohort[1] / (double) calls).isCloseTo(0.30, within(0.02));
    assertThat(perCohort[2] / (double) calls).isCloseTo(0.50, within(0.02));
    assertThat(perCohort[0] / (double) calls).isCloseTo(0.20, within(0.02));
    // Each cohort by its own thresholds: conservative (OPEN) sheds every DEFAULT call, aggressive
    // (HEALTHY) none, the default profile (DEGRADED at 0.85) about half.
    assertThat(interceptor.cohortCounters(1).count(ShedCounters.Kind.ADMITTED)).isZero();
    assertThat(interceptor.cohortCounters(2).count(ShedCounters.Kind.SHED)).isZero();
    double defaultAdmitted =
        interceptor.cohortCounters(0).count(ShedCounters.Kind.ADMITTED) / (double) perCohort[0];
    assertThat(defaultAdmitted).isCloseTo(0.5, within(0.06));
    breaker.close();
  }

  @Test
  void theSameIdAlwaysLandsInTheSameCohortAndCallsWithoutTheHeaderUseTheDefault() {
    FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.75);
    BreakerConfig base = BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build();
    MemoryBreaker breaker =
        MemoryBreaker.builder()
            .config(base)
            .cohorts(
                List.of(
                    new Cohort(
                        "strict",
                        50,
                        base.toBuilder()
                            .recover(0.5)
                            .warning(0.55)
                            .degraded(0.6)
                            .open(0.7)
                            .build())))
            .sources(List.of(live))
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    MemoryBreakerServerInterceptor interceptor =
        MemoryBreakerServerInterceptor.builder(breaker).cohortHeader("x-tenant").build();
    for (int i = 0; i < 200; i++) {
      String id = "tenant-" + i;
      int bucket = MemoryBreakerServerInterceptor.bucket(id);
      boolean strict = breaker.cohortOfBucket(bucket) == 1;
      for (int repeat = 0; repeat < 5; repeat++) {
        assertThat(MemoryBreakerServerInterceptor.bucket(id)).isEqualTo(bucket);
        assertThat(admitted(interceptor, id)).as("%s (strict: %s)", id, strict).isEqualTo(!strict);
      }
    }
    assertThat(admitted(interceptor, null)).isTrue(); // WARNING in the default profile
    // An override wins in every cohort at once.
    breaker.setOverride(OverrideMode.FORCED_CLOSED, "test", null);
    for (int i = 0; i < 50; i++) {
      assertThat(admitted(interceptor, "tenant-" + i)).isTrue();
    }
    breaker.close();
  }

  @Test
  void sharesOverAHundredOrDuplicateNamesAreRefused() {
    BreakerConfig c = BreakerConfig.defaults();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                MemoryBreaker.builder()
                    .cohorts(List.of(new Cohort("a", 60, c), new Cohort("b", 50, c))))
        .hasMessageContaining("at most 100");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                MemoryBreaker.builder()
                    .cohorts(List.of(new Cohort("a", 10, c), new Cohort("a", 10, c))))
        .hasMessageContaining("'a' appears twice");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConfigFile.parse(
                    "f", "cohorts:\n  header: x\n  profiles:\n    a: {warning: 0.5}\n"))
        .hasMessageContaining("cohorts.profiles.a.share");
  }
}
