package dev.membreaker.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.membreaker.Membreaker;
import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.SetOverrideRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * A Spring gRPC application with the starter on its class path and no membreaker code: the
 * interceptor is active, application.yaml reaches the breaker, a forced OPEN over the admin service
 * sheds its calls, and Actuator shows the breaker's health and meters.
 */
@SpringBootTest(
    classes = {ShopApplication.class, StarterTest.GrpcPort.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterTest {

  /** The port Spring gRPC's server listens on (port 0 in application.yaml: any free one). */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class GrpcPort {
    final java.util.concurrent.CompletableFuture<Integer> port =
        new java.util.concurrent.CompletableFuture<>();

    @org.springframework.context.event.EventListener
    void started(org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent event) {
      port.complete(event.getPort());
    }
  }

  @Autowired Environment environment;
  @Autowired Membreaker membreaker;
  @Autowired GrpcPort grpcPort;

  private ManagedChannel service;
  private ManagedChannel admin;

  @BeforeEach
  void connect() throws Exception {
    service =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort.port.get(10, TimeUnit.SECONDS))
            .usePlaintext()
            .build();
    admin =
        NettyChannelBuilder.forAddress("127.0.0.1", membreaker.adminPort()).usePlaintext().build();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    BreakerAdminGrpc.newBlockingStub(admin)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .setOverride(
            SetOverrideRequest.newBuilder()
                .setOverride(dev.membreaker.admin.v1.Override.NONE)
                .setReason("test done")
                .build());
    service.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private byte[] place() {
    return ClientCalls.blockingUnaryCall(
        service,
        ShopApplication.PLACE,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        new byte[] {42});
  }

  private JsonNode actuator(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + environment.getRequiredProperty("local.server.port")
                                + "/actuator/"
                                + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void theInterceptorGuardsTheServiceWithoutUserCode() {
    assertThat(place()).containsExactly(42);
    assertThat(membreaker.interceptor().methodCounts()).containsKey("shop.Orders/Place");
  }

  @Test
  void applicationYamlReachesTheBreakerUnderTheKeysOfTheConfigFile() {
    assertThat(membreaker.breaker().config().warning()).isEqualTo(0.66);
    assertThat(membreaker.breaker().config().openMin()).hasSeconds(7);
    var config =
        BreakerAdminGrpc.newBlockingStub(admin)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getConfig(GetConfigRequest.getDefaultInstance());
    assertThat(config.getConfig().getWarning()).isEqualTo(0.66);
  }

  @Test
  void aForcedOpenOverTheAdminServiceShedsWithResourceExhaustedAndHealthSaysSo() throws Exception {
    place();
    BreakerAdminGrpc.newBlockingStub(admin)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .setOverride(
            SetOverrideRequest.newBuilder()
                .setOverride(dev.membreaker.admin.v1.Override.FORCED_OPEN)
                .setReason("starter test")
                .build());
    assertThatThrownBy(this::place)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    JsonNode health = actuator("health").path("components").path("membreaker");
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("details").path("override").asText()).isEqualTo("FORCED_OPEN");
    assertThat(health.path("details").path("state").asText())
        .isEqualTo(membreaker.breaker().status().state().name());

    JsonNode endpoint = actuator("membreaker");
    assertThat(endpoint.path("override").asText()).isEqualTo("FORCED_OPEN");
    assertThat(endpoint.path("dimensions").isArray()).isTrue();
  }

  @Test
  void actuatorMetricsHasTheBreakersMetersUnderTheirOpenTelemetryNames() throws Exception {
    place();
    JsonNode names = actuator("metrics").path("names");
    assertThat(names.toString())
        .contains(
            "\"membreaker.state\"",
            "\"membreaker.pressure\"",
            "\"membreaker.memory.used\"",
            "\"membreaker.in_flight.bytes\"");
    // a series first seen after start (this method's calls) is there from the next read on
    actuator("metrics/membreaker.pressure");
    JsonNode calls =
        actuator(
            "metrics/membreaker.calls?tag=rpc.method:shop.Orders/Place&tag=membreaker.outcome:admitted");
    assertThat(calls.path("measurements").get(0).path("value").asDouble())
        .isGreaterThanOrEqualTo(1);
    JsonNode used = actuator("metrics/membreaker.memory.used");
    assertThat(used.path("baseUnit").asText()).isEqualTo("bytes");
  }
}
