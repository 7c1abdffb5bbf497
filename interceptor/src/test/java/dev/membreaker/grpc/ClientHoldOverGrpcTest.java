package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.policy.Priority;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client interceptor against a real server on loopback whose breaker the test drives: while the
 * server is DEGRADED, SHEDDABLE calls stop reaching it (counted on the server), and after it
 * recovers they go through again.
 */
class ClientHoldOverGrpcTest {

  private static final int CALLS = 200;
  private GrpcHarness h;
  private MemoryBreakerClientInterceptor client;
  private Channel holding;

  @BeforeEach
  void start() throws Exception {
    h = new GrpcHarness();
    client =
        MemoryBreakerClientInterceptor.builder()
            .priorities(
                MethodPriorities.builder().put("test.Payments/Report", Priority.SHEDDABLE).build())
            .defaultHold(Duration.ofSeconds(5))
            .ticker(h.ticker)
            .build();
    holding = ClientInterceptors.intercept(h.channel, client);
  }

  @AfterEach
  void close() {
    h.close();
  }

  /** SHEDDABLE calls that reached the server: shed there or admitted. */
  private long reportsAtServer() {
    ShedCounters c = h.interceptor.counters();
    return c.count(ShedCounters.Kind.SHED, Priority.SHEDDABLE)
        + c.count(ShedCounters.Kind.ADMITTED, Priority.SHEDDABLE);
  }

  private static Status.Code call(
      Channel channel, io.grpc.MethodDescriptor<String, String> method) {
    try {
      ClientCalls.blockingUnaryCall(
          channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "x");
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void whileTheServerIsDegradedSheddableCallsStayOnTheClientAndAfterRecoveryTheyGoAgain() {
    h.pressure(0.8001); // DEGRADED at its watermark: SHEDDABLE shed at the server, DEFAULT admitted
    assertThat(h.breaker.status().state().name()).isEqualTo("DEGRADED");

    long before = reportsAtServer();
    for (int i = 0; i < CALLS; i++) {
      assertThat(call(h.channel, TestService.REPORT)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    long withoutInterceptor = reportsAtServer() - before;

    before = reportsAtServer();
    for (int i = 0; i < CALLS; i++) {
      assertThat(call(holding, TestService.REPORT)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    long withInterceptor = reportsAtServer() - before;

    System.out.printf(
        "SHEDDABLE calls reaching the DEGRADED server: %d of %d without the client interceptor,"
            + " %d of %d with it (%d held on the client)%n",
        withoutInterceptor, CALLS, withInterceptor, CALLS, client.heldCalls());
    assertThat(withoutInterceptor).isEqualTo(CALLS);
    assertThat(withInterceptor)
        .as("only the calls that find out the state reach it")
        .isLessThan(CALLS / 10);
    assertThat(client.heldCalls()).isEqualTo(CALLS - withInterceptor);

    // Other priorities are never held.
    assertThat(call(holding, TestService.PAY)).isEqualTo(Status.Code.OK);

    for (int i = 0;
        i < 400 && h.breaker.status().state() != dev.membreaker.breaker.BreakerState.HEALTHY;
        i++) {
      h.ticker.advance(
          Duration.ofMillis(200)); // recovery: low pressure for long enough, on the fake clock
      h.pressure(0.2);
    }
    assertThat(h.breaker.status().state().name()).isEqualTo("HEALTHY");
    // The first answer without the state trailer ends the hold at once (no waiting out the 5 s).
    assertThat(call(holding, TestService.PAY)).isEqualTo(Status.Code.OK);
    before = reportsAtServer();
    for (int i = 0; i < 20; i++) {
      assertThat(call(holding, TestService.REPORT)).isEqualTo(Status.Code.OK);
    }
    assertThat(reportsAtServer() - before)
        .as("after recovery every call reaches the server")
        .isEqualTo(20);
  }

  @Test
  void anAdmittedCallThatSaysDegradedStartsAHoldToo() {
    h.pressure(0.8001);
    assertThat(call(holding, TestService.PAY))
        .isEqualTo(Status.Code.OK); // admitted, trailer says DEGRADED

    long before = reportsAtServer();
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    holding, TestService.REPORT, CallOptions.DEFAULT, "x"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("held locally"));
    assertThat(reportsAtServer()).isEqualTo(before);
  }

  @Test
  void aHeaderThatWouldRaiseASheddableCallIsJudgedAsTheServerJudgesIt() {
    h.pressure(0.8001);
    assertThat(call(holding, TestService.PAY)).isEqualTo(Status.Code.OK); // starts a hold
    io.grpc.Metadata raise = new io.grpc.Metadata();
    raise.put(
        io.grpc.Metadata.Key.of("membreaker-priority", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "critical");
    Channel raising =
        ClientInterceptors.intercept(
            holding, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(raise));

    long before = reportsAtServer();
    long held = client.heldCalls();
    assertThat(call(raising, TestService.REPORT))
        .as("the server does not let a header raise a call")
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(client.heldCalls())
        .as("so the client held it instead of sending it")
        .isEqualTo(held + 1);
    assertThat(reportsAtServer()).isEqualTo(before);
  }

  @Test
  void aHoldEndsWhenItsTimeHasPassedOnTheInjectedClock() {
    h.pressure(0.8001);
    assertThat(call(holding, TestService.PAY)).isEqualTo(Status.Code.OK); // starts a 5 s hold
    assertThat(client.holding(h.channel.authority())).isTrue();
    h.ticker.advance(Duration.ofMillis(4999));
    assertThat(client.holding(h.channel.authority())).isTrue();
    h.ticker.advance(Duration.ofMillis(1));
    assertThat(client.holding(h.channel.authority())).isFalse();
    long before = reportsAtServer();
    assertThat(call(holding, TestService.REPORT))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED); // shed there
    assertThat(reportsAtServer()).as("the call went to the server again").isEqualTo(before + 1);
  }

  @Test
  void aHealthyServerSendsNoStateTrailerAndNothingIsHeld() {
    for (int i = 0; i < 20; i++) {
      assertThat(call(holding, TestService.REPORT)).isEqualTo(Status.Code.OK);
    }
    assertThat(client.heldCalls()).isZero();
    assertThat(client.holding(h.channel.authority())).isFalse();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(
            () -> MemoryBreakerClientInterceptor.builder().defaultHold(Duration.ofMinutes(2)))
        .hasMessageContaining("defaultHold must be in [0, 1m]");
    assertThatThrownBy(
            () -> MemoryBreakerClientInterceptor.builder().maxHold(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxHold");
  }
}
