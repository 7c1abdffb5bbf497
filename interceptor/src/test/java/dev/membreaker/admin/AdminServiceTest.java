package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.BreakerConfig;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.ListTransitionsRequest;
import dev.membreaker.admin.v1.SetOverrideRequest;
import dev.membreaker.admin.v1.SimulateRequest;
import dev.membreaker.admin.v1.SimulateResponse;
import dev.membreaker.admin.v1.State;
import dev.membreaker.admin.v1.StateUpdate;
import dev.membreaker.admin.v1.UpdateConfigRequest;
import dev.membreaker.admin.v1.WatchStateRequest;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every admin RPC over a real loopback server. */
class AdminServiceTest {

  private static final String TOKEN = "s3cret-token";

  private final FakeTicker ticker = new FakeTicker();
  private final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3);
  private MemoryBreaker breaker;
  private Server server;
  private ManagedChannel channel;

  private void start(
      Consumer<BreakerAdminService.Builder> customize, Consumer<NettyChannelBuilder> channelOptions)
      throws Exception {
    breaker =
        MemoryBreaker.builder()
            .config(
                dev.membreaker.breaker.BreakerConfig.builder()
                    .ewmaAlpha(1.0)
                    .occupancyFloor(1.0)
                    .build())
            .sources(List.of(live))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    MemoryBreakerServerInterceptor interceptor = MemoryBreakerServerInterceptor.of(breaker);
    BreakerAdminService.Builder b =
        BreakerAdminService.builder(breaker).counters(interceptor.counters());
    customize.accept(b);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(b.build().bindService())
            .build()
            .start();
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext();
    channelOptions.accept(cb);
    channel = cb.build();
  }

  private void start() throws Exception {
    start(b -> b.token(AdminToken.of(TOKEN)), c -> {});
  }

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      breaker.close();
    }
  }

  private void pressure(double p) {
    live.setPressure(p);
    ticker.advanceMillis(50);
    breaker.evaluateNow();
  }

  private BreakerAdminGrpc.BreakerAdminBlockingStub stub() {
    return BreakerAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private BreakerAdminGrpc.BreakerAdminBlockingStub stub(String bearer) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
    return stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static StatusRuntimeException error(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void getStateSaysHowCloseTheServerIsAndWhy() throws Exception {
    start();
    pressure(0.85);
    dev.membreaker.admin.v1.BreakerState s = stub().getState(GetStateRequest.getDefaultInstance());
    assertThat(s.getState()).isEqualTo(State.DEGRADED);
    assertThat(s.getCause()).isEqualTo("PRESSURE");
    assertThat(s.getDrivingDimension()).isEqualTo("heap_live");
    assertThat(s.getPressure()).isCloseTo(0.85, within(0.001));
    // The fake heap source, and the in-flight account every breaker keeps (nothing in flight here).
    assertThat(s.getDimensionsList())
        .extracting(d -> d.getName())
        .containsExactly("heap_live", "in_flight");
    assertThat(s.getDimensions(0))
        .satisfies(
            d -> {
              assertThat(d.getLimit()).isEqualTo(1L << 30);
              assertThat(d.getPressure()).isCloseTo(0.85, within(0.001));
            });
    assertThat(s.getDimensions(1).getUsed()).isZero();
    assertThat(s.getWatermarks().getOpen()).isEqualTo(0.90);
    assertThat(s.getSamplerHealth()).isEqualTo(dev.membreaker.admin.v1.SamplerHealth.RUNNING);
    assertThat(s.getConfigVersion()).isEqualTo(1);
    assertThat(s.getTransitions()).isEqualTo(1);
    assertThat(s.getLastConfigError()).isEmpty();
  }

  @Test
  void watchStateSendsTheCurrentStateThenEachChangeInOrder() throws Exception {
    start();
    List<StateUpdate> updates = new CopyOnWriteArrayList<>();
    BreakerAdminGrpc.newStub(channel)
        .watchState(
            WatchStateRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(StateUpdate u) {
                updates.add(u);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 1);
    assertThat(updates.get(0).getCurrent().getState()).isEqualTo(State.HEALTHY);

    stub(TOKEN)
        .setOverride(
            SetOverrideRequest.newBuilder()
                .setOverride(dev.membreaker.admin.v1.Override.FORCED_OPEN)
                .setReason("drill")
                .build());
    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 2);
    assertThat(updates.get(1).getCurrent().getOverride())
        .isEqualTo(dev.membreaker.admin.v1.Override.FORCED_OPEN);

    pressure(0.95);
    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 3);
    assertThat(updates.get(2).getTransition().getFrom()).isEqualTo(State.HEALTHY);
    assertThat(updates.get(2).getTransition().getTo()).isEqualTo(State.OPEN);
    assertThat(updates.get(2).getTransition().getPressuresMap()).containsKey("heap_live");
  }

  @Test
  void aSlowWatcherIsCutOffWhileTheBreakerKeepsGoing() throws Exception {
    start(b -> b.token(AdminToken.of(TOKEN)).watchBuffer(4), c -> c.flowControlWindow(16 * 1024));
    ClientCall<WatchStateRequest, StateUpdate> call =
        channel.newCall(
            BreakerAdminGrpc.getWatchStateMethod(),
            CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    List<StateUpdate> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(StateUpdate message) {
            received.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.sendMessage(WatchStateRequest.getDefaultInstance());
    call.halfClose();
    call.request(1); // reads the first message, then nothing: a watcher that stopped reading
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);

    long start = System.nanoTime();
    OverrideMode[] modes = {OverrideMode.SHADOW, OverrideMode.NONE};
    int changes = 0;
    while (changes < 5_000) { // bounded; a few hundred fill the 16 KiB window and the buffer of 4
      breaker.setOverride(modes[changes % 2], "churn", null);
      changes++;
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000L;
    call.request(Integer.MAX_VALUE); // now read whatever arrived
    Status status = closed.get(20, TimeUnit.SECONDS);
    System.out.println(
        "slow watcher cut off after "
            + changes
            + " changes in "
            + tookMillis
            + " ms: "
            + status
            + " "
            + (status.getCause() == null ? "" : status.getCause().toString()));
    assertThat(status.getCode()).isEqualTo(Status.Code.OK);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !received.isEmpty() && received.get(received.size() - 1).hasOverflow());
    assertThat(received.get(received.size() - 1).getOverflow())
        .contains("fell more than 4 updates behind");
    // The breaker went on: every change applied, and more still apply.
    breaker.setOverride(OverrideMode.FORCED_OPEN, "after", null);
    assertThat(breaker.status().override()).isEqualTo(OverrideMode.FORCED_OPEN);
    pressure(0.95);
    assertThat(breaker.status().state()).isEqualTo(dev.membreaker.breaker.BreakerState.OPEN);
  }

  @Test
  void updatesArePartialVersionedAndAtomic() throws Exception {
    start();
    ConfigSnapshot first = stub().getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(first.getVersion()).isEqualTo(1);
    assertThat(first.getConfig().getWarning()).isEqualTo(0.70);
    assertThat(first.getConfig().getOpenMin().getSeconds()).isEqualTo(5);
    ConfigSnapshot second =
        stub(TOKEN)
            .updateConfig(
                UpdateConfigRequest.newBuilder()
                    .setExpectedVersion(1)
                    .setChanges(BreakerConfig.newBuilder().setWarning(0.72).setDegraded(0.82))
                    .setReason("tuning")
                    .build());
    assertThat(second.getVersion()).isEqualTo(2);
    assertThat(second.getConfig().getWarning()).isEqualTo(0.72);
    assertThat(second.getConfig().getDegraded()).isEqualTo(0.82);
    assertThat(second.getConfig().getOpen()).isEqualTo(0.90); // untouched
    assertThat(breaker.config().warning()).isEqualTo(0.72);

    StatusRuntimeException stale =
        error(
            () ->
                stub(TOKEN)
                    .updateConfig(
                        UpdateConfigRequest.newBuilder()
                            .setExpectedVersion(1)
                            .setChanges(BreakerConfig.newBuilder().setWarning(0.71))
                            .build()));
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(stale.getStatus().getDescription())
        .contains("version 1 is stale")
        .contains("current version is 2");
    assertThat(stub().getConfig(GetConfigRequest.getDefaultInstance())).isEqualTo(second);
  }

  @Test
  void confirmGcAndRecoverTimeAreReadAndChangedAtRuntime() throws Exception {
    start();
    ConfigSnapshot first = stub().getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(first.getConfig().getConfirmGc()).isEqualTo("auto");
    assertThat(first.getConfig().getRecoverTime().getNanos()).isEqualTo(500_000_000);
    ConfigSnapshot next =
        stub(TOKEN)
            .updateConfig(
                UpdateConfigRequest.newBuilder()
                    .setChanges(
                        BreakerConfig.newBuilder()
                            .setConfirmGc("off")
                            .setRecoverTime(
                                com.google.protobuf.Duration.newBuilder().setSeconds(2)))
                    .setReason("no System.gc here")
                    .build());
    assertThat(next.getConfig().getConfirmGc()).isEqualTo("off");
    assertThat(breaker.config().confirmGc()).isEqualTo(dev.membreaker.breaker.ConfirmGc.OFF);
    assertThat(breaker.config().recoverTime()).isEqualTo(java.time.Duration.ofSeconds(2));
  }

  @Test
  void concurrentUpdatesOfDifferentKeysWithoutAVersionAreAllKept() throws Exception {
    start();
    int rounds = 60;
    Thread warnings =
        new Thread(
            () -> {
              for (int i = 0; i < rounds; i++) {
                stub(TOKEN)
                    .updateConfig(
                        UpdateConfigRequest.newBuilder()
                            .setChanges(
                                BreakerConfig.newBuilder().setWarning(0.70 + (i % 5) / 100.0))
                            .build());
              }
            });
    Thread openMins =
        new Thread(
            () -> {
              for (int i = 0; i < rounds; i++) {
                stub(TOKEN)
                    .updateConfig(
                        UpdateConfigRequest.newBuilder()
                            .setChanges(
                                BreakerConfig.newBuilder()
                                    .setOpenMin(
                                        com.google.protobuf.Duration.newBuilder()
                                            .setSeconds(1 + i % 7)))
                            .build());
              }
            });
    warnings.start();
    openMins.start();
    warnings.join(60_000);
    openMins.join(60_000);
    ConfigSnapshot last = stub().getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(last.getVersion()).as("every update applied once").isEqualTo(1 + 2 * rounds);
    assertThat(last.getConfig().getWarning()).isEqualTo(0.70 + ((rounds - 1) % 5) / 100.0);
    assertThat(last.getConfig().getOpenMin().getSeconds()).isEqualTo(1 + (rounds - 1) % 7);
  }

  @Test
  void everyBadInputIsInvalidArgumentNamingTheFieldAndChangesNothing() throws Exception {
    start();
    ConfigSnapshot before = stub().getConfig(GetConfigRequest.getDefaultInstance());
    List<Object[]> bad =
        List.of(
            new Object[] {"warning", BreakerConfig.newBuilder().setWarning(Double.NaN)},
            new Object[] {"open", BreakerConfig.newBuilder().setOpen(1.5)},
            new Object[] {"watermarks must rise", BreakerConfig.newBuilder().setRecover(0.75)},
            new Object[] {
              "sample_interval",
              BreakerConfig.newBuilder()
                  .setSampleInterval(com.google.protobuf.Duration.newBuilder().setSeconds(60))
            },
            new Object[] {
              "open_min",
              BreakerConfig.newBuilder()
                  .setOpenMin(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(-5))
            },
            new Object[] {"outcome_min_calls", BreakerConfig.newBuilder().setOutcomeMinCalls(500)},
            new Object[] {"confirm_gc", BreakerConfig.newBuilder().setConfirmGc("sometimes")},
            new Object[] {
              "recover_time",
              BreakerConfig.newBuilder()
                  .setRecoverTime(com.google.protobuf.Duration.newBuilder().setSeconds(7200))
            });
    for (Object[] b : bad) {
      StatusRuntimeException e =
          error(
              () ->
                  stub(TOKEN)
                      .updateConfig(
                          UpdateConfigRequest.newBuilder()
                              .setChanges((BreakerConfig.Builder) b[1])
                              .build()));
      assertThat(e.getStatus().getCode()).as("%s", b[0]).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains((String) b[0]);
    }
    StatusRuntimeException unknownEnum =
        error(
            () ->
                stub(TOKEN)
                    .setOverride(
                        SetOverrideRequest.newBuilder()
                            .setOverrideValue(99)
                            .setReason("x")
                            .build()));
    assertThat(unknownEnum.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unknownEnum.getStatus().getDescription()).contains("override").contains("99");
    StatusRuntimeException past =
        error(
            () ->
                stub(TOKEN)
                    .setOverride(
                        SetOverrideRequest.newBuilder()
                            .setOverride(dev.membreaker.admin.v1.Override.FORCED_OPEN)
                            .setReason("x")
                            .setExpiresAt(
                                Timestamp.newBuilder()
                                    .setSeconds(System.currentTimeMillis() / 1000 - 60))
                            .build()));
    assertThat(past.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(past.getStatus().getDescription()).contains("expires_at");
    StatusRuntimeException limit =
        error(
            () -> stub().listTransitions(ListTransitionsRequest.newBuilder().setLimit(-1).build()));
    assertThat(limit.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(limit.getStatus().getDescription()).contains("limit");
    assertThat(stub().getConfig(GetConfigRequest.getDefaultInstance())).isEqualTo(before);
    assertThat(breaker.status().override()).isEqualTo(OverrideMode.NONE);
  }

  @Test
  void tokensGuardTheMutatingRpcsOnly() throws Exception {
    start();
    SetOverrideRequest shadow =
        SetOverrideRequest.newBuilder()
            .setOverride(dev.membreaker.admin.v1.Override.SHADOW)
            .setReason("t")
            .build();
    assertThat(codeOf(() -> stub().setOverride(shadow))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> stub("wrong").setOverride(shadow)))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(codeOf(() -> stub("wrong").updateConfig(UpdateConfigRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(breaker.status().override()).isEqualTo(OverrideMode.NONE);
    assertThat(codeOf(() -> stub(TOKEN).setOverride(shadow))).isEqualTo(Status.Code.OK);
    assertThat(breaker.status().override()).isEqualTo(OverrideMode.SHADOW);
    // Read-only RPCs need no token, and a wrong one is no reason to refuse them.
    assertThat(codeOf(() -> stub().getState(GetStateRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.OK);
    assertThat(codeOf(() -> stub("wrong").getConfig(GetConfigRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void withoutATokenChangesAreDeniedUnlessInsecureLocalDevIsAllowed() throws Exception {
    start(b -> {}, c -> {});
    SetOverrideRequest shadow =
        SetOverrideRequest.newBuilder()
            .setOverride(dev.membreaker.admin.v1.Override.SHADOW)
            .setReason("t")
            .build();
    StatusRuntimeException e = error(() -> stub("anything").setOverride(shadow));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription()).contains("no admin token");
    close();
    start(b -> b.allowInsecureLocalDev(true), c -> {});
    assertThat(codeOf(() -> stub().setOverride(shadow))).isEqualTo(Status.Code.OK);
  }

  @Test
  void listTransitionsGivesTheMostRecent() throws Exception {
    start();
    pressure(0.75);
    pressure(0.85);
    pressure(0.95);
    assertThat(
            stub()
                .listTransitions(ListTransitionsRequest.getDefaultInstance())
                .getTransitionsList())
        .extracting(t -> t.getTo())
        .containsExactly(State.WARNING, State.DEGRADED, State.OPEN);
    assertThat(
            stub()
                .listTransitions(ListTransitionsRequest.newBuilder().setLimit(1).build())
                .getTransitionsList())
        .extracting(t -> t.getTo())
        .containsExactly(State.OPEN);
  }

  @Test
  void simulateAnswersDifferentlyForStricterAndLooserThresholdsAndChangesNothing()
      throws Exception {
    start();
    for (int i = 0; i < 40; i++) {
      pressure(0.60 + 0.005 * i); // 0.60 to 0.795
    }
    for (int i = 0; i < 40; i++) {
      pressure(0.795 - 0.005 * i);
    }
    ConfigSnapshot before = stub().getConfig(GetConfigRequest.getDefaultInstance());
    long transitionsBefore = breaker.status().transitions();
    SimulateResponse stricter =
        stub()
            .simulate(
                SimulateRequest.newBuilder()
                    .setCandidate(
                        BreakerConfig.newBuilder()
                            .setRecover(0.55)
                            .setWarning(0.60)
                            .setDegraded(0.65)
                            .setOpen(0.75))
                    .build());
    SimulateResponse looser =
        stub()
            .simulate(
                SimulateRequest.newBuilder()
                    .setCandidate(
                        BreakerConfig.newBuilder()
                            .setWarning(0.90)
                            .setDegraded(0.95)
                            .setOpen(0.98)
                            .setCriticalCap(1.0)
                            .setEmergency(1.0))
                    .build());
    assertThat(stricter.getSamples()).isEqualTo(looser.getSamples()).isGreaterThanOrEqualTo(80);
    assertThat(stricter.getTransitionsList()).extracting(t -> t.getTo()).contains(State.OPEN);
    assertThat(stricter.getShedShareSheddable()).isGreaterThan(0.2);
    assertThat(looser.getTransitionsList()).isEmpty();
    assertThat(looser.getShedShareSheddable()).isZero();
    assertThat(stub().getConfig(GetConfigRequest.getDefaultInstance())).isEqualTo(before);
    assertThat(breaker.status().transitions()).isEqualTo(transitionsBefore);
    StatusRuntimeException bad =
        error(
            () ->
                stub()
                    .simulate(
                        SimulateRequest.newBuilder()
                            .setCandidate(BreakerConfig.newBuilder().setOpen(0.5))
                            .build()));
    assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }
}
