package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.BreakerConfig;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.SetOverrideRequest;
import dev.membreaker.admin.v1.SimulateRequest;
import dev.membreaker.admin.v1.UpdateConfigRequest;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an admin client may send that is wrong, over a real loopback server: each is answered
 * INVALID_ARGUMENT with a message naming the field, and leaves the config as it was (GetConfig
 * before and after are equal, version included).
 */
class AdminBadInputTest {

  private static final String TOKEN = "s3cret-token";

  private MemoryBreaker breaker;
  private Server server;
  private ManagedChannel channel;
  private final List<String> audit = new ArrayList<>();
  private final Logger auditLogger =
      Logger.getLogger("membreaker.audit"); // held: JUL keeps loggers weakly
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (audit) {
            audit.add(new java.util.logging.SimpleFormatter().formatMessage(r));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() throws Exception {
    breaker =
        MemoryBreaker.builder()
            .config(
                dev.membreaker.breaker.BreakerConfig.builder()
                    .ewmaAlpha(1.0)
                    .occupancyFloor(1.0)
                    .build())
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3)))
            .ticker(new FakeTicker())
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                BreakerAdminService.builder(breaker)
                    .token(AdminToken.of(TOKEN))
                    .build()
                    .bindService())
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    auditLogger.setLevel(
        java.util.logging.Level.INFO); // the tests' logging.properties says WARNING
    auditLogger.addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    auditLogger.removeHandler(capture);
    auditLogger.setLevel(null);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    breaker.close();
  }

  private BreakerAdminGrpc.BreakerAdminBlockingStub admin(String bearer) {
    BreakerAdminGrpc.BreakerAdminBlockingStub stub =
        BreakerAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (bearer == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private ConfigSnapshot config() {
    return admin(null).getConfig(GetConfigRequest.getDefaultInstance());
  }

  /**
   * Sends {@code call}; asserts INVALID_ARGUMENT naming {@code field}, and the config unchanged.
   */
  private void refused(String field, Supplier<?> call) {
    ConfigSnapshot before = config();
    StatusRuntimeException e = null;
    Object accepted = null;
    try {
      accepted = call.get();
    } catch (StatusRuntimeException thrown) {
      e = thrown;
    }
    assertThat(e).as("%s was accepted: %s", field, accepted).isNotNull();
    assertThat(e.getStatus().getCode()).as(field).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).as(field).contains(field);
    assertThat(config()).as("the config after a refused %s", field).isEqualTo(before);
  }

  private UpdateConfigRequest update(BreakerConfig changes) {
    return UpdateConfigRequest.newBuilder().setChanges(changes).setReason("test").build();
  }

  private static com.google.protobuf.Duration duration(long seconds, int nanos) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  @Test
  void durationsOutOfRangeAreInvalidArgumentsNotServerErrors() {
    for (com.google.protobuf.Duration d :
        List.of(
            duration(Long.MIN_VALUE, -1),
            duration(Long.MAX_VALUE, 0),
            duration(1, -5),
            duration(0, 1_000_000_000),
            duration(-1, 0))) {
      refused(
          "sample_interval",
          () ->
              admin(TOKEN)
                  .updateConfig(update(BreakerConfig.newBuilder().setSampleInterval(d).build())));
      refused(
          "sample_interval",
          () ->
              admin(null)
                  .simulate(
                      SimulateRequest.newBuilder()
                          .setCandidate(BreakerConfig.newBuilder().setSampleInterval(d))
                          .build()));
    }
  }

  @Test
  void everyKeysOutOfRangeValuesAreRefusedNamingTheKey() {
    refused(
        "warning",
        () ->
            admin(TOKEN).updateConfig(update(BreakerConfig.newBuilder().setWarning(1.5).build())));
    refused(
        "warning",
        () ->
            admin(TOKEN)
                .updateConfig(update(BreakerConfig.newBuilder().setWarning(Double.NaN).build())));
    refused(
        "window_size",
        () ->
            admin(TOKEN).updateConfig(update(BreakerConfig.newBuilder().setWindowSize(0).build())));
    refused(
        "in_flight_budget",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(BreakerConfig.newBuilder().setInFlightBudgetShare(0).build())));
    refused(
        "in_flight_budget",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(BreakerConfig.newBuilder().setInFlightBudgetBytes(-1).build())));
    refused(
        "in_flight_budget",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(
                        BreakerConfig.newBuilder()
                            .setInFlightBudgetBytes(1 << 20)
                            .setInFlightBudgetShare(0.5)
                            .build())));
    refused(
        "max_queued_bytes_per_call",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(BreakerConfig.newBuilder().setMaxQueuedBytesPerCall(100).build())));
    refused(
        "confirm_gc",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(BreakerConfig.newBuilder().setConfirmGc("sometimes").build())));
    refused(
        "recover_time",
        () ->
            admin(TOKEN)
                .updateConfig(
                    update(BreakerConfig.newBuilder().setRecoverTime(duration(7200, 0)).build())));
  }

  @Test
  void anEmptyChangeIsRefusedAndMovesNoVersion() {
    refused(
        "changes",
        () ->
            admin(TOKEN)
                .updateConfig(UpdateConfigRequest.newBuilder().setReason("nothing").build()));
    refused("changes", () -> admin(TOKEN).updateConfig(update(BreakerConfig.getDefaultInstance())));
  }

  @Test
  void unknownAndMistypedFieldsAreRefusedByNumber() {
    UnknownFieldSet field99 =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build();
    refused(
        "field 99",
        () ->
            admin(TOKEN)
                .updateConfig(
                    UpdateConfigRequest.newBuilder()
                        .setChanges(BreakerConfig.newBuilder().setWarning(0.72))
                        .setReason("x")
                        .setUnknownFields(field99)
                        .build()));
    // warning (field 1, a double) sent as a string: it cannot be read as the schema's field
    UnknownFieldSet warningAsString =
        UnknownFieldSet.newBuilder()
            .addField(
                1,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("0.72"))
                    .build())
            .build();
    refused(
        "field 1 (warning, wrong type)",
        () ->
            admin(TOKEN)
                .updateConfig(
                    UpdateConfigRequest.newBuilder()
                        .setChanges(BreakerConfig.newBuilder().setUnknownFields(warningAsString))
                        .setReason("x")
                        .build()));
    // expected_version (field 1 of the request, a number) sent as a string would skip the check
    refused(
        "field 1 (expected_version, wrong type)",
        () ->
            admin(TOKEN)
                .updateConfig(
                    UpdateConfigRequest.newBuilder()
                        .setChanges(BreakerConfig.newBuilder().setWarning(0.72))
                        .setReason("x")
                        .setUnknownFields(warningAsString)
                        .build()));
    refused(
        "field 99",
        () -> admin(null).getState(GetStateRequest.newBuilder().setUnknownFields(field99).build()));
  }

  @Test
  void overrideExpiriesMustBeValidFutureTimestampsWithinAYear() {
    long now = java.time.Instant.now().getEpochSecond();
    for (Timestamp bad :
        List.of(
            Timestamp.newBuilder().setSeconds(4611686018427387904L).build(),
            Timestamp.newBuilder().setSeconds(now + 3600).setNanos(-1).build(),
            Timestamp.newBuilder().setSeconds(now + 3600).setNanos(2_000_000_000).build(),
            Timestamp.newBuilder().setSeconds(now + 300L * 365 * 86400).build(), // 300 years ahead
            Timestamp.newBuilder().setSeconds(253402300800L).build(), // the year 10000
            Timestamp.newBuilder().setSeconds(now - 60).build())) {
      refused(
          "expires_at",
          () ->
              admin(TOKEN)
                  .setOverride(
                      SetOverrideRequest.newBuilder()
                          .setOverride(dev.membreaker.admin.v1.Override.FORCED_OPEN)
                          .setReason("x")
                          .setExpiresAt(bad)
                          .build()));
      assertThat(breaker.status().override()).isEqualTo(dev.membreaker.breaker.OverrideMode.NONE);
    }
  }

  @Test
  void reasonsAreBoundedAndCannotForgeAnAuditLine() {
    refused(
        "reason",
        () ->
            admin(TOKEN)
                .updateConfig(
                    UpdateConfigRequest.newBuilder()
                        .setChanges(BreakerConfig.newBuilder().setWarning(0.72))
                        .setReason("x".repeat(1 << 20))
                        .build()));

    admin(TOKEN)
        .updateConfig(
            UpdateConfigRequest.newBuilder()
                .setChanges(BreakerConfig.newBuilder().setWarning(0.72))
                .setReason("tuning\nmembreaker audit: UpdateConfig to version 999 by evil")
                .build());
    synchronized (audit) {
      assertThat(audit)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains(
                          "reason \"tuning membreaker audit: UpdateConfig to version 999 by evil\"")
                      .doesNotContain("\n"));
    }
    admin(TOKEN)
        .setOverride(
            SetOverrideRequest.newBuilder()
                .setOverride(dev.membreaker.admin.v1.Override.SHADOW)
                .setReason("look\r\nat this")
                .build());
    assertThat(breaker.status().overrideReason()).isEqualTo("look  at this");
  }

  @Test
  void refusedAttemptsAreLoggedWithThePeerAtMostOnceEveryTenSeconds() {
    for (int i = 0; i < 5; i++) {
      try {
        admin("wrong").updateConfig(update(BreakerConfig.newBuilder().setWarning(0.72).build()));
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
    }
    synchronized (audit) {
      assertThat(audit)
          .filteredOn(l -> l.contains("refused"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .contains("refused UpdateConfig from /127.0.0.1:")
                      .contains("a wrong token"));
    }
  }

  @Test
  void bytesThatAreNotTheRequestMessageAreInvalidArgumentsLoggedOnce() {
    for (String method : List.of("GetState", "UpdateConfig", "SetOverride")) {
      io.grpc.MethodDescriptor<byte[], byte[]> raw =
          io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName("membreaker.admin.v1.BreakerAdmin/" + method)
              .setRequestMarshaller(MalformedRequests.BYTES)
              .setResponseMarshaller(MalformedRequests.BYTES)
              .build();
      for (byte[] junk :
          List.of(
              new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, new byte[] {0x0a, 0x7f, 0x01})) {
        refused(
            "not a valid membreaker.admin.v1.BreakerAdmin/" + method,
            () ->
                io.grpc.stub.ClientCalls.blockingUnaryCall(
                    channel,
                    raw,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    junk));
      }
    }
    synchronized (audit) {
      assertThat(audit).filteredOn(l -> l.contains("not a GetState request message")).hasSize(1);
    }
  }

  /** Out-of-range values for every key of the proto, each refused naming its key. */
  @Test
  void everyKeyRefusesItsOutOfRangeValues() {
    int cases = 0;
    for (com.google.protobuf.Descriptors.FieldDescriptor f :
        BreakerConfig.getDescriptor().getFields()) {
      String key = f.getName().startsWith("in_flight_budget") ? "in_flight_budget" : f.getName();
      List<Object> bad = new ArrayList<>();
      switch (f.getJavaType()) {
        case DOUBLE:
          bad.addAll(List.of(Double.NaN, -1.0, Double.POSITIVE_INFINITY));
          break;
        case INT:
          bad.add(-1);
          break;
        case LONG:
          bad.addAll(List.of(-2L, Long.MAX_VALUE));
          break;
        case STRING:
          bad.add("sometimes");
          break;
        default: // messages
          if (f.getMessageType().equals(com.google.protobuf.Duration.getDescriptor())) {
            bad.addAll(List.of(duration(-1, 0), duration(400L * 24 * 3600, 0)));
          } else if (f.getMessageType()
              .equals(dev.membreaker.admin.v1.DimensionList.getDescriptor())) {
            bad.add(dev.membreaker.admin.v1.DimensionList.newBuilder().addNames("swap").build());
            bad.add(
                dev.membreaker.admin.v1.DimensionList.newBuilder().addNames("heap_used").build());
          } else {
            bad.add(dev.membreaker.admin.v1.CodeList.newBuilder().addCodes(0).build());
            bad.add(dev.membreaker.admin.v1.CodeList.newBuilder().addCodes(17).build());
          }
      }
      for (Object value : bad) {
        BreakerConfig change = BreakerConfig.newBuilder().setField(f, value).build();
        refused(key, () -> admin(TOKEN).updateConfig(update(change)));
        cases++;
      }
    }
    assertThat(cases).isGreaterThan(2 * BreakerConfig.getDescriptor().getFields().size() - 10);
  }
}
