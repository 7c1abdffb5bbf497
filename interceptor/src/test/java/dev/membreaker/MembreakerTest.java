package dev.membreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.membreaker.admin.AdminToken;
import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.policy.Priority;
import dev.membreaker.testing.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one call: a plain grpc-java server gets all of membreaker from a config file, and gives it
 * all back.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class MembreakerTest {

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      ByteArrayMarshaller.unary("shop.Orders/Place");

  @TempDir Path dir;

  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool")) // the JDK's own, shared
        .filter(t -> !t.getName().startsWith("awaitility")) // the test's own polling
        .collect(Collectors.toSet());
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  @org.junit.jupiter.api.Order(
      1) // first: the failed binds below leave a grpc thread behind (see there)
  void oneCallSetsUpAPlainServerFromAFileThatReloadsAndCloseLeavesNoThreadOrPort()
      throws Exception {
    Set<Thread> before = threads();
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, "breaker:\n  warning: 0.70\nadmin:\n  host: 127.0.0.1\n  port: 0\n");

    int servicePort;
    int adminPort;
    try (Membreaker membreaker =
        Membreaker.fromFile(file)
            .priority("shop.Orders/Place", Priority.CRITICAL)
            .adminToken(AdminToken.of("secret"))
            .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
            .reload(Duration.ofMillis(100), applied -> {})
            .start()) {
      Server server =
          membreaker
              .attach(
                  NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                      .addService(
                          ServerServiceDefinition.builder("shop.Orders")
                              .addMethod(
                                  ECHO,
                                  ServerCalls.asyncUnaryCall(
                                      (req, out) -> {
                                        out.onNext(req);
                                        out.onCompleted();
                                      }))
                              .build()))
              .build()
              .start();
      servicePort = server.getPort();
      adminPort = membreaker.adminPort();
      assertThat(adminPort).isPositive();
      assertThat(membreaker.adminAccess()).isEqualTo("token required for changes");
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", servicePort).usePlaintext().build();
      ManagedChannel adminChannel =
          NettyChannelBuilder.forAddress("127.0.0.1", adminPort).usePlaintext().build();
      try {
        assertThat(
                ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, new byte[] {7}))
            .containsExactly(7);
        assertThat(membreaker.interceptor().methodCounts())
            .as("the interceptor saw the call")
            .containsKey("shop.Orders/Place");

        var headers = new io.grpc.Metadata();
        headers.put(
            io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
            "Bearer secret");
        var admin =
            BreakerAdminGrpc.newBlockingStub(adminChannel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        ConfigSnapshot first =
            admin
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getConfig(GetConfigRequest.getDefaultInstance());
        assertThat(first.getConfig().getWarning()).isEqualTo(0.70);
        assertThat(first.getSourcesMap()).containsEntry("warning", "file");

        Files.writeString(
            file, "breaker:\n  warning: 0.74\nadmin:\n  host: 127.0.0.1\n  port: 0\n");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    admin
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getConfig(GetConfigRequest.getDefaultInstance())
                            .getConfig()
                            .getWarning()
                        == 0.74);
        assertThat(membreaker.config().breaker().warning()).isEqualTo(0.74);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    assertThat(free(adminPort)).as("admin port %d released", adminPort).isTrue();
    assertThat(free(servicePort)).as("service port %d released", servicePort).isTrue();
    // grpc's shared transport threads end about a second after their last user; none may stay
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(threads())
                    .as("threads left after close")
                    .allMatch(before::contains, "existed before the handle"));
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void aBadFileFailsAtStartAndLeavesNothingRunning() throws Exception {
    Set<Thread> before = threads();
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "breaker:\n  warnig: 0.7\n");
    assertThatThrownBy(() -> Membreaker.fromFile(file).start())
        .hasMessageContaining("unknown key breaker.warnig");
    assertThatThrownBy(() -> Membreaker.fromFile(dir.resolve("missing.yaml")).start())
        .isInstanceOf(IOException.class);

    // an admin port already taken: the breaker that had started is stopped again
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  Membreaker.withDefaults()
                      .openTelemetry(io.opentelemetry.api.OpenTelemetry.noop())
                      .adminPort(taken.getLocalPort())
                      .start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "can't listen for the admin service on 127.0.0.1:" + taken.getLocalPort());
    }
    // Nothing of membreaker's stays. grpc-java's own shared accept thread (grpc-default-boss-ELG)
    // outlives a server whose start failed to bind, shutdownNow or not: that one is grpc's.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(threads())
                    .filteredOn(t -> !t.getName().startsWith("grpc-default-boss-ELG"))
                    .allMatch(before::contains, "existed before"));
  }
}
