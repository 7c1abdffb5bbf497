package dev.membreaker.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.BreakerConfig;
import dev.membreaker.admin.v1.BreakerState;
import dev.membreaker.admin.v1.CallCount;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.Dimension;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.SetOverrideRequest;
import dev.membreaker.admin.v1.StateUpdate;
import dev.membreaker.admin.v1.Transition;
import dev.membreaker.admin.v1.UpdateConfigRequest;
import dev.membreaker.admin.v1.WatchStateRequest;
import dev.membreaker.text.DurationConverter;
import dev.membreaker.text.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code membreaker admin ...}: a client of the BreakerAdmin service. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Read and steer a server's memory breaker over its admin service.",
    subcommands = {
      AdminCommand.State.class,
      AdminCommand.Watch.class,
      AdminCommand.Config.class,
      AdminCommand.Set.class,
      AdminCommand.OverrideCmd.class,
      AdminCommand.Transitions.class,
      AdminCommand.SimulateCmd.class
    })
final class AdminCommand implements Runnable {

  /** Where the token of mutating commands comes from when no file is given. */
  static final String TOKEN_ENV = "MEMBREAKER_ADMIN_TOKEN";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "say which admin command: state, watch, config, set, override, transitions, simulate");
  }

  /** Options every admin command takes. */
  static class Target {
    @Option(
        names = "--target",
        defaultValue = "127.0.0.1:50052",
        description = "host:port of the admin service (default: ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--json", description = "print protobuf JSON instead of text")
    boolean json;

    @Option(
        names = "--timeout",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "deadline of each call, e.g. 500ms, 10s (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(
        names = "--token-file",
        description =
            "file holding the admin token (else the " + TOKEN_ENV + " environment variable)")
    Path tokenFile;

    ManagedChannel channel() {
      HostPort admin;
      try {
        admin = HostPort.parse(target);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "--target " + e.getMessage());
      }
      return NettyChannelBuilder.forAddress(admin.host(), admin.port()).usePlaintext().build();
    }

    BreakerAdminGrpc.BreakerAdminBlockingStub stub(ManagedChannel channel, boolean withToken) {
      BreakerAdminGrpc.BreakerAdminBlockingStub stub = BreakerAdminGrpc.newBlockingStub(channel);
      if (withToken) {
        String token = token();
        if (token != null) {
          Metadata headers = new Metadata();
          headers.put(
              Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
              "Bearer " + token);
          stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
      }
      return stub;
    }

    private String token() {
      if (tokenFile != null) {
        try {
          return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
          throw new CliException(2, "can't read --token-file " + tokenFile + ": " + e.getMessage());
        }
      }
      String env = System.getenv(TOKEN_ENV);
      return env == null || env.isBlank() ? null : env.trim();
    }

    CliException failure(StatusRuntimeException e) {
      Status s = e.getStatus();
      if (s.getCode() == Status.Code.UNAVAILABLE) {
        return new CliException(
            2,
            "can't reach the admin service at "
                + target
                + ": "
                + (s.getDescription() == null ? s.getCode() : s.getDescription()));
      }
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        return new CliException(
            2, "no answer from " + target + " within --timeout " + Text.duration(timeout));
      }
      if (s.getCode() == Status.Code.UNIMPLEMENTED) {
        return new CliException(2, target + " does not serve membreaker.admin.v1.BreakerAdmin");
      }
      return new CliException(
          1, s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
    }

    void print(PrintWriter out, Message message, String text) {
      if (json) {
        try {
          out.println(JsonFormat.printer().print(message));
        } catch (IOException e) {
          throw new CliException(2, "can't print JSON: " + e.getMessage());
        }
      } else {
        out.print(text);
      }
      out.flush();
    }

    /** One unary RPC with the --timeout deadline (and the token, for mutating RPCs). */
    <T> T unary(
        boolean withToken,
        java.util.function.Function<BreakerAdminGrpc.BreakerAdminBlockingStub, T> rpc) {
      return call(
          ch ->
              rpc.apply(
                  stub(ch, withToken)
                      .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)));
    }

    <T> T call(java.util.function.Function<ManagedChannel, T> rpc) {
      ManagedChannel channel = channel();
      try {
        return rpc.apply(channel);
      } catch (StatusRuntimeException e) {
        throw failure(e);
      } finally {
        channel.shutdownNow();
        try {
          channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Command(
      name = "state",
      mixinStandardHelpOptions = true,
      description = "Show the breaker's state now.")
  static final class State implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      BreakerState s = t.unary(false, stub -> stub.getState(GetStateRequest.getDefaultInstance()));
      t.print(spec.commandLine().getOut(), s, Text.state(s));
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = "Print the state, then each transition as it happens.")
  static final class Watch implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--count",
        defaultValue = "0",
        description = "stop after this many updates (0: no limit)")
    int count;

    @Option(
        names = "--duration",
        converter = DurationConverter.class,
        description = "stop after this long, e.g. 30s (default: no limit)")
    Duration duration;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      t.call(
          ch -> {
            BreakerAdminGrpc.BreakerAdminBlockingStub stub = t.stub(ch, false);
            if (duration != null) {
              stub = stub.withDeadlineAfter(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            Iterator<StateUpdate> updates = stub.watchState(WatchStateRequest.getDefaultInstance());
            int seen = 0;
            try {
              while ((count == 0 || seen < count) && updates.hasNext()) {
                StateUpdate u = updates.next();
                seen++;
                t.print(out, u, Text.update(u));
              }
            } catch (StatusRuntimeException e) {
              if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED || duration == null) {
                throw e;
              }
            }
            return seen;
          });
    }
  }

  @Command(
      name = "config",
      mixinStandardHelpOptions = true,
      description = "Show the config in force and its version.")
  static final class Config implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      ConfigSnapshot c =
          t.unary(false, stub -> stub.getConfig(GetConfigRequest.getDefaultInstance()));
      t.print(spec.commandLine().getOut(), c, Text.config(c));
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change config fields, e.g. 'set warning=0.72 open_min=10s --reason tuning'.")
  static final class Set implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        arity = "1..*",
        paramLabel = "KEY=VALUE",
        description = "fields to change (names as in 'admin config')")
    List<String> changes = new ArrayList<>();

    @Option(names = "--reason", required = true, description = "why, for the audit log")
    String reason;

    @Option(
        names = "--expected-version",
        defaultValue = "0",
        description = "refuse if the config has moved past this version (0: any)")
    long expectedVersion;

    @Override
    public void run() {
      BreakerConfig.Builder b = changes(changes);
      ConfigSnapshot c =
          t.unary(
              true,
              stub ->
                  stub.updateConfig(
                      UpdateConfigRequest.newBuilder()
                          .setExpectedVersion(expectedVersion)
                          .setChanges(b)
                          .setReason(reason)
                          .build()));
      t.print(spec.commandLine().getOut(), c, Text.config(c));
    }

    /** KEY=VALUE arguments as the fields of a config message. */
    static BreakerConfig.Builder changes(List<String> changes) {
      BreakerConfig.Builder b = BreakerConfig.newBuilder();
      for (String change : changes) {
        int eq = change.indexOf('=');
        if (eq <= 0) {
          throw new CliException(2, "expected KEY=VALUE, was '" + change + "'");
        }
        setField(b, change.substring(0, eq).trim(), change.substring(eq + 1).trim());
      }
      return b;
    }

    /** "a,b, c" as [a, b, c]; an empty value is an empty list. */
    private static List<String> list(String value) {
      List<String> items = new ArrayList<>();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return items;
    }

    static void setField(BreakerConfig.Builder b, String key, String value) {
      FieldDescriptor field = BreakerConfig.getDescriptor().findFieldByName(key);
      if (field == null) {
        List<String> names = new ArrayList<>();
        for (FieldDescriptor f : BreakerConfig.getDescriptor().getFields()) {
          names.add(f.getName());
        }
        throw new CliException(
            2, "unknown config field '" + key + "'; the fields are " + String.join(", ", names));
      }
      try {
        switch (field.getJavaType()) {
          case DOUBLE:
            b.setField(field, Double.parseDouble(value));
            break;
          case INT:
            b.setField(field, Integer.parseInt(value));
            break;
          case LONG: // sizes as the config file writes them (48MiB, 1MB, 65536); a queue limit may
            // also be auto (-1) or off (0)
            b.setField(
                field,
                "auto".equals(value) ? -1L : "off".equals(value) ? 0L : SizeConverter.parse(value));
            break;
          case STRING: // confirm_gc: the server checks the value and names the field if it is wrong
            b.setField(field, value);
            break;
          case MESSAGE:
            if (field
                .getMessageType()
                .equals(dev.membreaker.admin.v1.DimensionList.getDescriptor())) {
              b.setField(
                  field,
                  dev.membreaker.admin.v1.DimensionList.newBuilder()
                      .addAllNames(list(value))
                      .build());
            } else if (field
                .getMessageType()
                .equals(dev.membreaker.admin.v1.CodeList.getDescriptor())) {
              dev.membreaker.admin.v1.CodeList.Builder codes =
                  dev.membreaker.admin.v1.CodeList.newBuilder();
              for (String code : list(value)) {
                codes.addCodes(Integer.parseInt(code));
              }
              b.setField(field, codes.build());
            } else {
              Duration d = DurationConverter.parse(value);
              b.setField(
                  field,
                  com.google.protobuf.Duration.newBuilder()
                      .setSeconds(d.getSeconds())
                      .setNanos(d.getNano())
                      .build());
            }
            break;
          default:
            throw new CliException(
                2, "config field '" + key + "' can't be set from the command line");
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(
            2, "bad value for " + key + ": '" + value + "' (" + e.getMessage() + ")");
      }
    }
  }

  @Command(
      name = "override",
      mixinStandardHelpOptions = true,
      description = "Force the breaker: FORCED_OPEN, FORCED_CLOSED, SHADOW, or NONE to clear.")
  static final class OverrideCmd implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "MODE",
        description = "FORCED_OPEN, FORCED_CLOSED, SHADOW or NONE")
    String mode;

    @Option(names = "--reason", required = true, description = "why, for the audit log")
    String reason;

    @Option(
        names = "--for",
        converter = DurationConverter.class,
        description = "clear it by itself after this long, e.g. 10m")
    Duration ttl;

    @Override
    public void run() {
      dev.membreaker.admin.v1.Override o;
      try {
        o = dev.membreaker.admin.v1.Override.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CliException(
            2, "MODE must be FORCED_OPEN, FORCED_CLOSED, SHADOW or NONE, was '" + mode + "'");
      }
      if (o == dev.membreaker.admin.v1.Override.OVERRIDE_UNSPECIFIED
          || o == dev.membreaker.admin.v1.Override.UNRECOGNIZED) {
        throw new CliException(
            2, "MODE must be FORCED_OPEN, FORCED_CLOSED, SHADOW or NONE, was '" + mode + "'");
      }
      SetOverrideRequest.Builder request =
          SetOverrideRequest.newBuilder().setOverride(o).setReason(reason);
      if (ttl != null) {
        Instant at = Instant.now().plus(ttl);
        request.setExpiresAt(
            Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
      }
      BreakerState state = t.unary(true, stub -> stub.setOverride(request.build()));
      t.print(spec.commandLine().getOut(), state, Text.state(state));
    }
  }

  @Command(
      name = "transitions",
      mixinStandardHelpOptions = true,
      description = "List the breaker's most recent transitions, oldest first.")
  static final class Transitions implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--limit",
        defaultValue = "0",
        description = "at most this many, newest kept (0: all remembered)")
    int limit;

    @Override
    public void run() {
      if (limit < 0) {
        throw new CliException(2, "--limit must not be negative, was " + limit);
      }
      dev.membreaker.admin.v1.ListTransitionsResponse r =
          t.unary(
              false,
              stub ->
                  stub.listTransitions(
                      dev.membreaker.admin.v1.ListTransitionsRequest.newBuilder()
                          .setLimit(limit)
                          .build()));
      StringBuilder b = new StringBuilder();
      r.getTransitionsList().forEach(tr -> b.append(Text.transition(tr)));
      t.print(
          spec.commandLine().getOut(),
          r,
          b.length() == 0 ? "no transitions" + System.lineSeparator() : b.toString());
    }
  }

  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description =
          "Replay the breaker's recent samples under changed thresholds (KEY=VALUE, as for set);"
              + " changes nothing.")
  static final class SimulateCmd implements Runnable {
    @CommandLine.Mixin Target t;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "KEY=VALUE",
        arity = "0..*",
        description = "the candidate's changes, e.g. open=0.92")
    List<String> changes = new ArrayList<>();

    @Override
    public void run() {
      BreakerConfig.Builder b = Set.changes(changes);
      dev.membreaker.admin.v1.SimulateResponse r =
          t.unary(
              false,
              stub ->
                  stub.simulate(
                      dev.membreaker.admin.v1.SimulateRequest.newBuilder()
                          .setCandidate(b)
                          .build()));
      StringBuilder text =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "replayed %d samples over %s%n",
                  r.getSamples(),
                  Text.duration(
                      Duration.ofSeconds(r.getSpan().getSeconds(), r.getSpan().getNanos()))));
      r.getTimeInStateList()
          .forEach(
              st ->
                  text.append(
                      String.format(
                          Locale.ROOT,
                          "  %-10s %s%n",
                          st.getState(),
                          Text.duration(
                              Duration.ofSeconds(
                                  st.getTime().getSeconds(), st.getTime().getNanos())))));
      text.append(
          String.format(
              Locale.ROOT,
              "would shed: CRITICAL %.1f %%, DEFAULT %.1f %%, SHEDDABLE %.1f %%%n",
              100 * r.getShedShareCritical(),
              100 * r.getShedShareDefault(),
              100 * r.getShedShareSheddable()));
      r.getTransitionsList().forEach(tr -> text.append(Text.transition(tr)));
      t.print(spec.commandLine().getOut(), r, text.toString());
    }
  }

  /** Readable text for people. */
  static final class Text {
    private Text() {}

    /** A duration as the config file and the docs write it: 50ms, 5s, 1.5s, 10m, 2h. */
    static String duration(Duration d) {
      long ms = d.toMillis();
      if (d.toNanos() % 1_000_000 != 0 || ms < 1000) {
        return d.toNanos() % 1_000_000 == 0 ? ms + "ms" : d.toNanos() / 1e6 + "ms";
      }
      if (ms % 3_600_000 == 0) {
        return ms / 3_600_000 + "h";
      }
      if (ms % 60_000 == 0) {
        return ms / 60_000 + "m";
      }
      return ms % 1000 == 0 ? ms / 1000 + "s" : ms / 1000.0 + "s";
    }

    static String transition(Transition t) {
      return String.format(
          Locale.ROOT,
          "%s  %s -> %s (%s, %s %.3f)%n",
          instant(t.getAt()),
          t.getFrom(),
          t.getTo(),
          t.getCause(),
          t.getDrivingDimension(),
          t.getPressure());
    }

    static String state(BreakerState s) {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "state       %s since %s (%s)%n",
              s.getState(),
              instant(s.getSince()),
              s.getCause().isEmpty() ? "start" : s.getCause()));
      b.append(
          String.format(
              Locale.ROOT,
              "override    %s%s%n",
              s.getOverride(),
              s.getOverrideReason().isEmpty() ? "" : " (" + s.getOverrideReason() + ")"));
      b.append(
          String.format(
              Locale.ROOT,
              "pressure    %.3f%s%n",
              s.getPressure(),
              s.getDrivingDimension().isEmpty() ? "" : " (" + s.getDrivingDimension() + ")"));
      b.append(
          String.format(
              Locale.ROOT,
              "%-15s %12s %12s %9s %9s %12s %11s%n",
              "dimension",
              "used",
              "limit",
              "pressure",
              "ewma",
              "growth/s",
              "exhaustion"));
      for (Dimension d : s.getDimensionsList()) {
        if (!d.getAvailable()) {
          b.append(String.format(Locale.ROOT, "%-15s %12s%n", d.getName(), "unavailable"));
          continue;
        }
        b.append(
            String.format(
                Locale.ROOT,
                "%-15s %12s %12s %9.3f %9.3f %12s %11s%n",
                d.getName(),
                bytes(d.getUsed()),
                bytes(d.getLimit()),
                d.getPressure(),
                d.getEwma(),
                bytes((long) d.getGrowthBytesPerSecond()),
                d.getSecondsToExhaustion() < 0
                    ? "-"
                    : String.format(Locale.ROOT, "%.0fs", d.getSecondsToExhaustion())));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "watermarks  recover %.2f, warning %.2f, degraded %.2f, open %.2f, critical cap %.2f,"
                  + " emergency %.2f%n",
              s.getWatermarks().getRecover(),
              s.getWatermarks().getWarning(),
              s.getWatermarks().getDegraded(),
              s.getWatermarks().getOpen(),
              s.getWatermarks().getCriticalCap(),
              s.getWatermarks().getEmergency()));
      for (CallCount c : s.getCallsList()) {
        b.append(
            String.format(
                Locale.ROOT,
                "calls       %-9s %-9s admitted %d, shed %d, would shed %d%n",
                c.getState(),
                c.getPriority(),
                c.getAdmitted(),
                c.getShed(),
                c.getWouldShed()));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "sampler     %s; %d transitions; config version %d%n",
              s.getSamplerHealth(),
              s.getTransitions(),
              s.getConfigVersion()));
      if (!s.getLastConfigError().isEmpty()) {
        b.append("config err  ").append(s.getLastConfigError()).append(System.lineSeparator());
      }
      return b.toString();
    }

    static String update(StateUpdate u) {
      switch (u.getUpdateCase()) {
        case CURRENT:
          BreakerState s = u.getCurrent();
          return String.format(
              Locale.ROOT,
              "%s  now %s, override %s, pressure %.3f%s%n",
              Instant.now(),
              s.getState(),
              s.getOverride(),
              s.getPressure(),
              s.getDrivingDimension().isEmpty() ? "" : " (" + s.getDrivingDimension() + ")");
        case TRANSITION:
          return transition(u.getTransition());
        case OVERFLOW:
          return "watch ended: " + u.getOverflow() + System.lineSeparator();
        default:
          return "";
      }
    }

    static String config(ConfigSnapshot c) {
      StringBuilder b =
          new StringBuilder(String.format(Locale.ROOT, "version %d%n", c.getVersion()));
      // Every field, in the order of the schema; "-" for one not set (of the in-flight budget's two
      // forms, only the one in force is).
      for (FieldDescriptor f : BreakerConfig.getDescriptor().getFields()) {
        String text = "-";
        if (c.getConfig().hasField(f)) {
          Object v = c.getConfig().getField(f);
          text =
              v instanceof com.google.protobuf.Duration
                  ? duration(
                      Duration.ofSeconds(
                          ((com.google.protobuf.Duration) v).getSeconds(),
                          ((com.google.protobuf.Duration) v).getNanos()))
                  : v instanceof dev.membreaker.admin.v1.DimensionList
                      ? String.join(",", ((dev.membreaker.admin.v1.DimensionList) v).getNamesList())
                      : v instanceof dev.membreaker.admin.v1.CodeList
                          ? ((dev.membreaker.admin.v1.CodeList) v)
                              .getCodesList()
                              .toString()
                              .replaceAll("[\\[\\] ]", "")
                          : String.valueOf(v);
        }
        String key = f.getName().startsWith("in_flight_budget") ? "in_flight_budget" : f.getName();
        String source = c.getSourcesMap().getOrDefault(key, "");
        b.append(String.format(Locale.ROOT, "%-28s %-24s %s%n", f.getName(), text, source));
      }
      if (!c.getLastConfigError().isEmpty()) {
        b.append("last config error: ")
            .append(c.getLastConfigError())
            .append(System.lineSeparator());
      }
      return b.toString();
    }

    static String instant(Timestamp t) {
      return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    static String bytes(long n) {
      double v = Math.abs(n);
      String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
      int u = 0;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
      }
      return String.format(
          Locale.ROOT, u == 0 ? "%s%.0f %s" : "%s%.1f %s", n < 0 ? "-" : "", v, units[u]);
    }
  }
}
