package dev.membreaker.load;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.membreaker.text.DurationConverter;
import dev.membreaker.text.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code membreaker load}: a ghz-style load generator for any gRPC server and any method type, with
 * the schema from server reflection or a protoset, dynamic messages from JSON, and latency measured
 * from each call's intended start when a rate is given.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Load a gRPC method the way ghz does: unary, client, server or bidi streaming.")
public final class LoadCommand implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "the target; several addresses make one channel over all of them (see --lb-policy)")
  String target;

  @picocli.CommandLine.Option(
      names = "--lb-policy",
      paramLabel = "POLICY",
      description =
          "the channel's load-balancing policy over the addresses: pick_first, round_robin,"
              + " weighted_round_robin (default: round_robin for several addresses, the channel's"
              + " default for one)")
  String lbPolicy;

  @picocli.CommandLine.Option(
      names = "--lb-config",
      paramLabel = "JSON",
      description =
          "the policy's config, as in a service config, e.g. '{\"blackoutPeriod\":\"1s\"}'")
  String lbConfig;

  @Option(
      names = "--call",
      required = true,
      description = "pkg.Service/Method (or pkg.Service.Method)")
  String call;

  @Option(
      names = "--protoset",
      description =
          "a FileDescriptorSet (protoc --include_imports --descriptor_set_out); default: server"
              + " reflection")
  Path protoset;

  @Option(
      names = "--proto",
      description = "schema from a .proto file (compiled with protoc; see --protoc)")
  Path proto;

  @Option(
      names = {"-i", "--import-paths"},
      split = ",",
      description = "import paths for --proto (comma-separated)")
  List<Path> importPaths = new ArrayList<>();

  @Option(
      names = "--protoc",
      defaultValue = "protoc",
      description = "the protoc to compile --proto with (default: protoc on the PATH)")
  String protoc;

  @Option(
      names = {"-d", "--data"},
      description = "request JSON: an object, or an array used round robin; templates allowed")
  String data;

  @Option(
      names = {"-D", "--data-file"},
      description = "request JSON from a file ('-' for stdin)")
  String dataFile;

  @Option(
      names = {"-m", "--metadata"},
      description = "metadata JSON object, e.g. '{\"x-tenant\":\"{{.WorkerID}}\"}'")
  String metadata;

  @Option(
      names = {"-M", "--metadata-file"},
      description = "metadata JSON from a file")
  Path metadataFile;

  @Option(
      names = {"-c", "--concurrency"},
      defaultValue = "50",
      description = "calls in flight (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(
      names = {"-n", "--total"},
      defaultValue = "0",
      description = "calls to make (0: until -z; default 200 without -z)")
  long total;

  @Option(
      names = {"-z", "--duration"},
      converter = DurationConverter.class,
      description = "run this long, e.g. 30s")
  Duration duration;

  @Option(
      names = {"-x", "--max-duration"},
      converter = DurationConverter.class,
      description = "stop after this long even if -n calls are not done")
  Duration maxDuration;

  @Option(
      names = "--rps",
      defaultValue = "0",
      description =
          "open model: calls a second, latency from intended start (0: as fast as -c allows)")
  double rps;

  @Option(
      names = "--load-schedule",
      defaultValue = "const",
      description = "const (--rps), step or line")
  String loadSchedule;

  @Option(names = "--load-start", defaultValue = "0", description = "step/line: the starting rate")
  double loadStart;

  @Option(
      names = "--load-end",
      defaultValue = "0",
      description = "step/line: the rate to stop changing at (0: none)")
  double loadEnd;

  @Option(
      names = "--load-step",
      defaultValue = "0",
      description = "step: added each step; line: added each second")
  double loadStep;

  @Option(
      names = "--load-step-duration",
      converter = DurationConverter.class,
      defaultValue = "1s",
      description = "step: how long each step lasts (default: ${DEFAULT-VALUE})")
  Duration loadStepDuration;

  @Option(
      names = "--concurrency-schedule",
      defaultValue = "const",
      description = "closed model: const (-c), step or line; -c is the most it reaches")
  String concurrencySchedule;

  @Option(
      names = "--concurrency-start",
      defaultValue = "0",
      description = "step/line: the starting number of loops")
  double concurrencyStart;

  @Option(
      names = "--concurrency-end",
      defaultValue = "0",
      description = "step/line: where it stops changing (0: -c)")
  double concurrencyEnd;

  @Option(
      names = "--concurrency-step",
      defaultValue = "0",
      description = "step: added each step; line: added each second")
  double concurrencyStep;

  @Option(
      names = "--concurrency-step-duration",
      converter = DurationConverter.class,
      defaultValue = "1s",
      description = "step: how long each step lasts (default: ${DEFAULT-VALUE})")
  Duration concurrencyStepDuration;

  @Option(
      names = {"-t", "--timeout"},
      converter = DurationConverter.class,
      defaultValue = "20s",
      description = "per-call deadline (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--insecure",
      description =
          "plaintext (the default unless --cacert or --cert is given; accepted for ghz"
              + " compatibility)")
  boolean insecure;

  @Option(
      names = "--cacert",
      description = "TLS: the CA certificate (PEM) that signed the server's")
  Path cacert;

  @Option(names = "--cert", description = "TLS: the client certificate (PEM), with --key")
  Path cert;

  @Option(names = "--key", description = "TLS: the client's private key (PEM)")
  Path key;

  @Option(names = "--cname", description = "TLS: the server name to verify the certificate against")
  String cname;

  @Option(names = "--authority", description = "the :authority header")
  String authority;

  @Option(
      names = "--connect-timeout",
      converter = DurationConverter.class,
      defaultValue = "10s",
      description = "connection timeout (default: ${DEFAULT-VALUE})")
  Duration connectTimeout;

  @Option(
      names = "--keepalive",
      converter = DurationConverter.class,
      description = "HTTP/2 keepalive ping interval")
  Duration keepalive;

  @Option(
      names = "--connections",
      defaultValue = "1",
      description = "channels, spread over the calls (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(
      names = "--skipFirst",
      defaultValue = "0",
      description = "leave the first N calls out of the report")
  long skipFirst;

  @Option(
      names = {"-O", "--format"},
      defaultValue = "summary",
      description =
          "summary, json, csv (one row per call) or html (one self-contained file with charts)"
              + " (default: ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = {"-o", "--output"},
      description = "write the report to this file")
  Path output;

  @Option(
      names = "--assert",
      paramLabel = "GATE",
      description =
          "a pass/fail gate, e.g. 'p99<200ms', 'ok_p99<50ms', 'error_rate<0.01', 'rps>=500'; exit"
              + " code 1 if one fails")
  List<String> gates = new ArrayList<>();

  @Option(
      names = "--name",
      description = "a name for the run, in the JSON report (as ghz's --name)")
  String name;

  @Option(
      names = "--tags",
      paramLabel = "JSON",
      description = "string tags for the JSON report, e.g. '{\"env\":\"ci\"}' (as ghz's --tags)")
  String tags;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      description =
          "the target's membreaker admin service: report the breaker's transitions during the run")
  String admin;

  @Option(
      names = "--latency-from",
      defaultValue = "intended",
      description =
          "with --rps: 'intended' start (default; corrects for coordinated omission) or 'send' (as"
              + " ghz does)")
  String latencyFrom;

  @Override
  public Integer call() throws Exception {
    if (concurrency < 1 || connections < 1 || rps < 0 || total < 0 || skipFirst < 0) {
      throw new LoadException(
          2, "-c and --connections must be at least 1; --rps, -n and --skipFirst not negative");
    }
    if (!List.of("summary", "json", "csv", "html").contains(format)) {
      throw new LoadException(2, "-O must be summary, json, csv or html, was '" + format + "'");
    }
    if (!latencyFrom.equals("intended") && !latencyFrom.equals("send")) {
      throw new LoadException(
          2, "--latency-from must be intended or send, was '" + latencyFrom + "'");
    }
    parsedTags(); // refused before the run, not after it
    List<Gate> parsedGates = new ArrayList<>();
    for (String g : gates) {
      parsedGates.add(Gate.parse(g));
    }
    long n = total == 0 && duration == null && maxDuration == null ? 200 : total;
    List<HostPort> addresses = new ArrayList<>();
    for (String t : target.split(",")) {
      addresses.add(hostPort(t, "the target"));
    }
    Map<String, Object> serviceConfig = serviceConfig(addresses.size());
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      channels.add(channel(addresses, serviceConfig));
    }
    try {
      Descriptors.MethodDescriptor schema =
          proto != null
              ? Schema.fromProtoset(compile(proto), call)
              : protoset != null
                  ? Schema.fromProtoset(protoset, call)
                  : Schema.fromReflection(
                      channels.get(0), call, Math.min(timeout.toMillis(), 10_000));
      MethodDescriptor.MethodType type =
          schema.isClientStreaming()
              ? (schema.isServerStreaming()
                  ? MethodDescriptor.MethodType.BIDI_STREAMING
                  : MethodDescriptor.MethodType.CLIENT_STREAMING)
              : (schema.isServerStreaming()
                  ? MethodDescriptor.MethodType.SERVER_STREAMING
                  : MethodDescriptor.MethodType.UNARY);
      MethodDescriptor<DynamicMessage, DynamicMessage> method =
          MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
              .setType(type)
              .setFullMethodName(
                  MethodDescriptor.generateFullMethodName(
                      schema.getService().getFullName(), schema.getName()))
              .setRequestMarshaller(new DynamicMarshaller(schema.getInputType()))
              .setResponseMarshaller(new DynamicMarshaller(schema.getOutputType()))
              .build();
      String meta = metadata;
      if (meta == null && metadataFile != null) {
        meta = Files.readString(metadataFile);
      }
      Requests requests =
          new Requests(schema.getInputType(), data != null ? data : readDataFile(), meta);
      BreakerWatch watch = admin == null ? null : BreakerWatch.start(admin);
      Results results;
      try {
        results =
            new LoadRunner(
                    channels,
                    method,
                    requests,
                    concurrency,
                    n,
                    runNanos(),
                    RateSchedule.of(
                        loadSchedule,
                        rps,
                        loadStart,
                        loadEnd,
                        loadStep,
                        loadStepDuration.toNanos() / 1e9),
                    timeout.toMillis(),
                    latencyFrom.equals("send"))
                .withConcurrencySchedule(
                    concurrencySchedule.equals("const")
                        ? RateSchedule.constant(0)
                        : RateSchedule.of(
                            "--concurrency",
                            concurrencySchedule,
                            0,
                            concurrencyStart,
                            concurrencyEnd == 0 ? concurrency : concurrencyEnd,
                            concurrencyStep,
                            concurrencyStepDuration.toNanos() / 1e9))
                .run(
                    new Results(
                        skipFirst,
                        format.equals("csv") || format.equals("html"),
                        format.equals("json")),
                    spec.commandLine().getErr());
      } finally {
        if (watch != null) {
          watch.close();
        }
      }
      String report =
          format.equals("json")
              ? Reports.json(results, ghzOptions(results, n, meta))
              : format.equals("csv")
                  ? Reports.csv(results)
                  : format.equals("html")
                      ? HtmlReport.render(
                          results,
                          call,
                          watch == null ? List.of() : watch.transitions(results.startNanos))
                      : Reports.summary(results);
      if (watch != null && format.equals("summary")) {
        report += watch.report(results.startNanos, results.endNanos, results.firstShed.get());
      } else if (watch != null) {
        spec.commandLine()
            .getErr()
            .print(watch.report(results.startNanos, results.endNanos, results.firstShed.get()));
      }
      if (output != null) {
        Files.writeString(output, report);
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.println(report);
        out.flush();
      }
      int exit = 0;
      for (Gate g : parsedGates) {
        spec.commandLine().getErr().println(g.describe(results));
        if (!g.holds(results)) {
          exit = 1;
        }
      }
      spec.commandLine().getErr().flush();
      return exit;
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The run's settings as ghz reports them, and why it ended: its -n calls made, else its time up.
   */
  private GhzOptions ghzOptions(Results results, long n, String meta) {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode dataJson = null;
    Map<String, String> metaMap = null;
    try { // as ghz, which reports what parses and leaves out what does not
      String d =
          data != null
              ? data
              : dataFile != null && !dataFile.equals("-")
                  ? Files.readString(Path.of(dataFile))
                  : null;
      if (d != null) {
        dataJson = json.readTree(d);
      }
    } catch (IOException e) {
      dataJson = null;
    }
    try {
      if (meta != null) {
        metaMap =
            json.readValue(
                meta, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      }
    } catch (IOException e) {
      metaMap = null;
    }
    Map<String, String> tagMap = parsedTags();
    boolean allMade = n > 0 && results.count() + results.skipped.get() >= n;
    List<String> paths = importPaths.stream().map(Path::toString).toList();
    return new GhzOptions(
        target,
        proto == null ? null : proto.toString(),
        protoset == null ? null : protoset.toString(),
        paths,
        call,
        cacert == null ? null : cacert.toString(),
        cert == null ? null : cert.toString(),
        key == null ? null : key.toString(),
        false,
        skipFirst,
        cname,
        authority,
        cacert == null && cert == null,
        n,
        concurrency,
        (long) rps,
        connections,
        duration,
        timeout,
        connectTimeout,
        keepalive,
        dataJson,
        metaMap,
        Runtime.getRuntime().availableProcessors(),
        name,
        tagMap,
        allMade ? GhzOptions.NORMAL : GhzOptions.TIMEOUT,
        new GhzOptions.Schedules(
            loadSchedule,
            loadStart,
            loadEnd,
            loadStep,
            loadStepDuration,
            null,
            concurrencySchedule,
            concurrencyStart,
            concurrencyEnd,
            concurrencyStep,
            concurrencyStepDuration,
            null));
  }

  /** {@code --tags} as a map, or null; anything but a JSON object of strings is refused. */
  private Map<String, String> parsedTags() {
    if (tags == null) {
      return null;
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(
              tags, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new LoadException(
          2,
          "--tags must be a JSON object of strings, e.g. '{\"env\":\"ci\"}': "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** -z and -x together: the shorter one bounds the run (0: neither). */
  private long runNanos() {
    long z = duration == null ? 0 : duration.toNanos();
    long x = maxDuration == null ? 0 : maxDuration.toNanos();
    return z == 0 ? x : x == 0 ? z : Math.min(z, x);
  }

  /** Compiles {@code --proto} to a protoset with protoc, as ghz does with its own parser. */
  private Path compile(Path file) throws IOException, InterruptedException {
    Path out = Files.createTempFile("membreaker-load", ".protoset");
    out.toFile().deleteOnExit();
    List<String> command =
        new ArrayList<>(List.of(protoc, "--include_imports", "--descriptor_set_out=" + out));
    List<Path> paths = new ArrayList<>(importPaths);
    if (paths.isEmpty()) {
      paths.add(file.toAbsolutePath().getParent());
    }
    for (Path p : paths) {
      command.add("-I" + p);
    }
    command.add(file.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new LoadException(
          2,
          "can't run protoc ('"
              + protoc
              + "') for --proto: "
              + e.getMessage()
              + "; install protoc, give --protoc, or use --protoset or server reflection");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new LoadException(2, "protoc could not compile " + file + ": " + output.trim());
    }
    return out;
  }

  /**
   * The service config naming the load-balancing policy, or null to leave the channel's default.
   */
  private Map<String, Object> serviceConfig(int addresses) {
    String policy = lbPolicy != null ? lbPolicy : addresses > 1 ? "round_robin" : null;
    if (policy == null) {
      if (lbConfig != null) {
        throw new LoadException(2, "--lb-config needs --lb-policy");
      }
      return null;
    }
    if (io.grpc.LoadBalancerRegistry.getDefaultRegistry().getProvider(policy) == null) {
      throw new LoadException(2, "no load-balancing policy named '" + policy + "'");
    }
    Object config = Map.of();
    if (lbConfig != null) {
      try {
        config =
            serviceConfigValue(
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(lbConfig, Object.class));
      } catch (IOException e) {
        throw new LoadException(2, "--lb-config is not JSON: " + e.getMessage());
      }
    }
    return Map.of("loadBalancingConfig", List.of(Map.of(policy, config)));
  }

  /** JSON as the service config wants it: every number a Double. */
  private static Object serviceConfigValue(Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Map) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> m.put(String.valueOf(k), serviceConfigValue(x)));
      return m;
    }
    if (v instanceof List) {
      List<Object> l = new ArrayList<>();
      ((List<?>) v).forEach(x -> l.add(serviceConfigValue(x)));
      return l;
    }
    return v;
  }

  private ManagedChannel channel(List<HostPort> addresses, Map<String, Object> serviceConfig)
      throws IOException {
    NettyChannelBuilder b;
    if (addresses.size() == 1) {
      HostPort hp = addresses.get(0);
      b = NettyChannelBuilder.forAddress(hp.host(), hp.port());
    } else {
      b = NettyChannelBuilder.forTarget(StaticAddresses.target(addresses));
    }
    if (serviceConfig != null) {
      b.defaultServiceConfig(serviceConfig).disableServiceConfigLookUp();
    }
    b.withOption(
        io.grpc.netty.shaded.io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
        (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    boolean tls = cacert != null || cert != null;
    if (tls && insecure) {
      throw new LoadException(2, "--insecure and --cacert/--cert contradict each other");
    }
    if ((cert == null) != (key == null)) {
      throw new LoadException(2, "--cert and --key go together");
    }
    if (tls) {
      io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder ssl =
          io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient();
      if (cacert != null) {
        ssl.trustManager(cacert.toFile());
      }
      if (cert != null) {
        ssl.keyManager(cert.toFile(), key.toFile());
      }
      b.sslContext(ssl.build());
      if (cname != null) {
        b.overrideAuthority(cname);
      }
    } else {
      b.usePlaintext();
    }
    if (authority != null) {
      b.overrideAuthority(authority);
    }
    if (keepalive != null) {
      b.keepAliveTime(keepalive.toMillis(), TimeUnit.MILLISECONDS);
    }
    return b.build();
  }

  private String readDataFile() throws IOException {
    if (dataFile == null) {
      return null;
    }
    if (dataFile.equals("-")) {
      InputStream in = System.in;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.readString(Path.of(dataFile));
  }

  /** {@code text} as host:port; a usage error (exit 2) naming {@code what} when it is not. */
  static HostPort hostPort(String text, String what) {
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new LoadException(2, what + " " + e.getMessage());
    }
  }
}
