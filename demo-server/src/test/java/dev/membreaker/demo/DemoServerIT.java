package dev.membreaker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.Override;
import dev.membreaker.admin.v1.SetOverrideRequest;
import dev.membreaker.admin.v1.State;
import dev.membreaker.demo.v1.PayRequest;
import dev.membreaker.demo.v1.PaymentServiceGrpc;
import dev.membreaker.demo.v1.QuoteRequest;
import dev.membreaker.demo.v1.ReportRequest;
import dev.membreaker.demo.v1.Retain;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo jar as a child process: its three methods, the admin service, /metrics, SIGTERM. */
class DemoServerIT {

  @Test
  void aPortInUseIsNamedInOneLineWithItsFlag() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Process p =
          new ProcessBuilder(
                  java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx128m",
                  "-jar",
                  DemoProcess.jar().toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(taken.getLocalPort()),
                  "--admin-port",
                  "0",
                  "--metrics-port",
                  "-1")
              .redirectErrorStream(true)
              .start();
      String output =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output)
          .contains(
              "membreaker-demo: can't listen for the service on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (--host/--port)")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void servesAllThreeMethodsAndTheAdminServiceAndStopsCleanlyOnSigterm() throws Exception {
    try (DemoProcess demo = DemoProcess.start("256m", "it-token")) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", demo.port).usePlaintext().build();
      ManagedChannel adminChannel =
          NettyChannelBuilder.forAddress("127.0.0.1", demo.adminPort).usePlaintext().build();
      try {
        PaymentServiceGrpc.PaymentServiceBlockingStub payments =
            PaymentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(
                payments
                    .pay(
                        PayRequest.newBuilder()
                            .setAccount("a")
                            .setAmountCents(100)
                            .setRetain(Retain.newBuilder().setBytes(1 << 20).setMillis(100))
                            .build())
                    .getPaymentId())
            .isNotEmpty();
        assertThat(payments.quote(QuoteRequest.newBuilder().setPair("EURUSD").build()).getPrice())
            .isPositive();
        assertThat(
                payments
                    .report(ReportRequest.newBuilder().setAccount("a").setRows(3).build())
                    .getRowsList())
            .hasSize(3);
        try {
          payments.pay(
              PayRequest.newBuilder().setRetain(Retain.newBuilder().setBytes(1L << 40)).build());
          throw new AssertionError("a retain over the maximum was accepted");
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("retain.bytes");
        }
        for (long millis : new long[] {-1, 1L << 62}) { // checked with nothing to retain too
          try {
            payments.quote(
                QuoteRequest.newBuilder()
                    .setPair("EURUSD")
                    .setRetain(Retain.newBuilder().setBytes(0).setMillis(millis))
                    .build());
            throw new AssertionError("retain.millis " + millis + " was accepted");
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("retain.millis");
          }
        }
        synchronized (demo) {
          assertThat(demo.output)
              .as("/metrics listens where --host says, and the banner says so")
              .anySatisfy(
                  l ->
                      assertThat(l)
                          .contains("metrics http://127.0.0.1:" + demo.metricsPort + "/metrics"));
        }

        BreakerAdminGrpc.BreakerAdminBlockingStub admin =
            BreakerAdminGrpc.newBlockingStub(adminChannel).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(admin.getState(GetStateRequest.getDefaultInstance()).getState())
            .isEqualTo(State.HEALTHY);
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer it-token");
        admin
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .setOverride(
                SetOverrideRequest.newBuilder()
                    .setOverride(Override.FORCED_OPEN)
                    .setReason("it")
                    .build());
        try {
          payments.report(ReportRequest.newBuilder().setAccount("a").build());
          throw new AssertionError("FORCED_OPEN admitted a SHEDDABLE call");
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
        assertThat(payments.pay(PayRequest.newBuilder().setAccount("a").build()).getPaymentId())
            .isNotEmpty();

        HttpResponse<String> metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + demo.metricsPort + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("membreaker_pressure")
            .contains("membreaker_state")
            .contains("membreaker_memory_used")
            .contains("membreaker_calls");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      int exit = demo.terminate();
      System.out.println(
          "demo output after SIGTERM: "
              + demo.output.subList(Math.max(0, demo.output.size() - 4), demo.output.size()));
      assertThat(exit).as("exit code after SIGTERM; output %s", demo.output).isZero();
      assertThat(demo.output).anyMatch(l -> l.contains("membreaker-demo stopped"));
      assertThat(demo.output).noneMatch(l -> l.contains("OutOfMemoryError"));
    }
  }

  @Test
  void aConfigMapUpdateReachesTheRunningDemo(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path volume = java.nio.file.Files.createDirectory(dir.resolve("config"));
    dev.membreaker.testing.FakeKubeletConfigMap configMap =
        new dev.membreaker.testing.FakeKubeletConfigMap(volume, "membreaker.yaml");
    configMap.project("breaker:\n  warning: 0.71\n");
    try (DemoProcess demo =
        DemoProcess.start("256m", null, "--config", configMap.visibleFile().toString())) {
      ManagedChannel adminChannel =
          NettyChannelBuilder.forAddress("127.0.0.1", demo.adminPort).usePlaintext().build();
      try {
        BreakerAdminGrpc.BreakerAdminBlockingStub admin =
            BreakerAdminGrpc.newBlockingStub(adminChannel);
        assertThat(
                admin
                    .getConfig(dev.membreaker.admin.v1.GetConfigRequest.getDefaultInstance())
                    .getConfig()
                    .getWarning())
            .isEqualTo(0.71);
        configMap.project("breaker:\n  warning: 0.72\n");
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    admin
                            .getConfig(
                                dev.membreaker.admin.v1.GetConfigRequest.getDefaultInstance())
                            .getConfig()
                            .getWarning()
                        == 0.72);
        configMap.project("breaker:\n  warnig: 0.73\n");
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    admin
                        .getState(GetStateRequest.getDefaultInstance())
                        .getLastConfigError()
                        .contains("unknown key breaker.warnig"));
        assertThat(
                admin
                    .getConfig(dev.membreaker.admin.v1.GetConfigRequest.getDefaultInstance())
                    .getConfig()
                    .getWarning())
            .isEqualTo(0.72);
      } finally {
        adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(demo.terminate()).isZero();
    }
  }
}
