package dev.membreaker.demo;

import dev.membreaker.Membreaker;
import dev.membreaker.admin.AdminToken;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MethodPriorities;
import dev.membreaker.policy.Priority;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo: a payments server protected by membreaker, with its admin service, health, reflection
 * and Prometheus metrics. Defaults need no file: service on 50051, admin on 127.0.0.1:50052, {@code
 * /metrics} on 9464. {@code --unprotected} runs the same server without the interceptor, for
 * comparison (the breaker still samples, so the metrics still show memory).
 */
@Command(
    name = "membreaker-demo",
    mixinStandardHelpOptions = true,
    version = "membreaker-demo 0.1.0-SNAPSHOT",
    description = "A gRPC payments server protected by membreaker.")
public final class DemoServer implements java.util.concurrent.Callable<Integer> {

  static final String TOKEN_ENV = "MEMBREAKER_ADMIN_TOKEN";

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "service address (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--port",
      defaultValue = "50051",
      description = "service port, 0 for any (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--admin-host",
      description = "admin address (default: the file's admin.host, else 127.0.0.1)")
  String adminHost;

  @Option(
      names = "--admin-port",
      description = "admin port, 0 for any (default: the file's admin.port, else 50052)")
  Integer adminPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "9464",
      description = "Prometheus /metrics port, 0 for any, -1 for none (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Option(
      names = "--metrics-host",
      description = "Prometheus /metrics address (default: the same as --host)")
  String metricsHost;

  @Option(
      names = "--orca",
      description =
          "report memory pressure as ORCA load (per call and out of band) for"
              + " weighted_round_robin clients; see docs/fleet.md")
  boolean orca;

  @Option(names = "--unprotected", description = "serve without the breaker's interceptor")
  boolean unprotected;

  @Option(
      names = "--max-retain-bytes",
      defaultValue = "67108864",
      description = "most bytes one request may ask the server to hold (default: ${DEFAULT-VALUE})")
  long maxRetainBytes;

  @Option(
      names = "--max-retain-millis",
      defaultValue = "60000",
      description =
          "longest one request may ask the server to hold them (default: ${DEFAULT-VALUE})")
  long maxRetainMillis;

  @Option(
      names = "--grace",
      defaultValue = "10",
      description = "seconds in-flight calls get on shutdown (default: ${DEFAULT-VALUE})")
  int graceSeconds;

  @Option(
      names = "--admin-token-file",
      description = "file with the admin token (else the " + TOKEN_ENV + " environment variable)")
  Path adminTokenFile;

  @Option(
      names = "--config",
      description =
          "YAML config file (docs/configuration.md); its breaker section reloads when it changes")
  Path configFile;

  @Option(
      names = "--admin-insecure-local-dev",
      description = "allow admin changes without a token (local development only)")
  boolean insecureLocalDev;

  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);

  DemoServer(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    // One line per log record (the breaker logs each transition, override and config change).
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$s %5$s%6$s%n");
    }
    DemoServer demo = new DemoServer(System.out);
    installTermHandler(demo);
    System.exit(new CommandLine(demo).execute(args));
  }

  /** SIGTERM and SIGINT stop the server gracefully and exit 0, instead of the JVM's 143. */
  private static void installTermHandler(DemoServer demo) {
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> demo.stop.countDown());
      }
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      Runtime.getRuntime().addShutdownHook(new Thread(demo.stop::countDown));
    }
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-timer");
              t.setDaemon(true);
              return t;
            });
    if (orca && unprotected) {
      out.println(
          "membreaker-demo: --orca reports the interceptor's call rates; it needs the breaker, so"
              + " not with --unprotected");
      return 2;
    }
    OpenTelemetrySdk otel;
    try {
      otel = openTelemetry();
    } catch (BindFailure e) {
      out.println("membreaker-demo: " + e.getMessage());
      return 2;
    }
    Membreaker.Builder setup =
        (configFile != null ? Membreaker.fromFile(configFile) : Membreaker.withDefaults())
            .priorities(paymentPriorities())
            .openTelemetry(otel)
            .reload(
                Duration.ofSeconds(1),
                applied ->
                    out.println(Instant.now() + " membreaker config reloaded from " + configFile));
    if (!orca) {
      setup.withoutExtensions(); // ORCA reports only when asked for
    }
    if (insecureLocalDev) {
      setup.adminInsecureLocalDev(true);
    }
    if (adminHost != null) {
      setup.adminHost(adminHost);
    }
    if (adminPort != null) {
      setup.adminPort(adminPort);
    }
    Membreaker membreaker;
    try {
      if (adminTokenFile != null) {
        setup.adminToken(AdminToken.fromFile(adminTokenFile));
      }
      membreaker = setup.start();
    } catch (IllegalArgumentException
        | IOException
        | java.io.UncheckedIOException e) { // ConfigException is one
      out.println("membreaker-demo: " + e.getMessage());
      otel.close();
      return 2;
    }
    MemoryBreaker breaker = membreaker.breaker();

    HealthStatusManager health = new HealthStatusManager();
    PaymentServiceImpl payments = new PaymentServiceImpl(maxRetainBytes, maxRetainMillis, timer);
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            // A fixed flow-control window: what a stream holds before its call reads it stays at 1
            // MiB,
            // outside the in-flight account (docs/interceptor.md, "Bytes in flight").
            .flowControlWindow(1 << 20)
            .addService(payments)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance());
    if (!unprotected) {
      membreaker.attach(sb);
    }
    Server server;
    try {
      server = listen(sb, "service", host, port, "--host/--port");
    } catch (BindFailure e) {
      out.println("membreaker-demo: " + e.getMessage());
      membreaker.close();
      otel.close();
      return 2;
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("membreaker.demo.v1.PaymentService", ServingStatus.SERVING);
    out.printf(
        "membreaker-demo listening: service %s:%d%s%s, admin %s:%d (%s), metrics %s%n",
        host,
        server.getPort(),
        unprotected ? " (UNPROTECTED)" : "",
        orca ? " (ORCA load reports)" : "",
        membreaker.adminHost(),
        membreaker.adminPort(),
        membreaker.adminAccess(),
        metricsPort < 0 ? "off" : "http://" + metricsBind() + ":" + boundMetricsPort + "/metrics");
    out.printf(
        "heap max %d MiB; breaker %s%n", Runtime.getRuntime().maxMemory() >> 20, breaker.config());
    out.flush();

    stop.await();
    out.println(
        Instant.now()
            + " membreaker-demo stopping: draining in-flight calls for up to "
            + graceSeconds
            + " s");
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    membreaker.close();
    otel.close();
    timer.shutdownNow();
    out.println(Instant.now() + " membreaker-demo stopped");
    out.flush();
    return 0;
  }

  /** The payment service's priorities: payments CRITICAL, quotes DEFAULT, reports SHEDDABLE. */
  public static MethodPriorities.Builder paymentPriorities() {
    return MethodPriorities.builder()
        .put("membreaker.demo.v1.PaymentService/Pay", Priority.CRITICAL)
        .put("membreaker.demo.v1.PaymentService/Quote", Priority.DEFAULT)
        .put("membreaker.demo.v1.PaymentService/Report", Priority.SHEDDABLE)
        .put("membreaker.demo.v1.PaymentService/StreamReport", Priority.SHEDDABLE)
        .put("membreaker.demo.v1.PaymentService/PayBatch", Priority.CRITICAL)
        .put("membreaker.demo.v1.PaymentService/QuoteStream", Priority.DEFAULT);
  }

  private int boundMetricsPort = -1;

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("no free port for /metrics", e);
    }
  }

  /** Where /metrics listens: {@code --metrics-host}, else the service's {@code --host}. */
  private String metricsBind() {
    return metricsHost != null ? metricsHost : host;
  }

  /** A server that could not listen, said in one line: what, where, and the flag that sets it. */
  static final class BindFailure extends RuntimeException {
    BindFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** Starts {@code builder}'s server; a failure to listen becomes a {@link BindFailure}. */
  private static Server listen(
      io.grpc.ServerBuilder<?> builder, String what, String host, int port, String flags)
      throws IOException {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new BindFailure(
          "can't listen for the "
              + what
              + " on "
              + host
              + ":"
              + port
              + " ("
              + flags
              + "): "
              + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /**
   * The OpenTelemetry SDK: the Prometheus endpoint, plus whatever the standard {@code OTEL_*}
   * environment variables configure (OTLP export, resource attributes). Without them no other
   * exporter runs.
   */
  private OpenTelemetrySdk openTelemetry() {
    if (metricsPort >= 0) {
      // The exporter does not say which port it bound: for "any port", pick a free one first.
      boundMetricsPort = metricsPort == 0 ? freePort() : metricsPort;
    }
    PrometheusHttpServer prometheus = null;
    if (metricsPort >= 0) {
      try {
        prometheus =
            PrometheusHttpServer.builder().setHost(metricsBind()).setPort(boundMetricsPort).build();
      } catch (RuntimeException e) {
        throw new BindFailure(
            "can't serve /metrics on "
                + metricsBind()
                + ":"
                + boundMetricsPort
                + " (--metrics-host/--metrics-port): "
                + rootMessage(e));
      }
    }
    PrometheusHttpServer metrics = prometheus;
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.service.name", "membreaker-demo",
                    "otel.traces.exporter", "none",
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none"))
        .addMeterProviderCustomizer(
            (builder, config) -> metrics == null ? builder : builder.registerMetricReader(metrics))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }
}
