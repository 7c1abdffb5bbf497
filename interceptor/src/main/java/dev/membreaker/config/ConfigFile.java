package dev.membreaker.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The configuration file: one YAML document with three sections, every key optional (embedded
 * defaults fill the rest). {@code breaker} holds the {@link BreakerConfig} keys and reloads while
 * the server runs; {@code interceptor} and {@code admin} are read at start. Unknown keys and wrong
 * types are refused with the key's path, line and column; bad values with the key's name. The
 * schema, every key with its type, default and range, is in docs/configuration.md. Immutable.
 */
public final class ConfigFile {

  private static final ObjectMapper YAML =
      JsonMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfigDefaults(
              c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
          .build();

  private final BreakerConfig breaker;
  private final InterceptorSettings interceptor;
  private final AdminSettings admin;
  private final CohortSettings cohorts;
  private final java.util.Set<String> breakerKeys;

  private ConfigFile(
      BreakerConfig breaker,
      InterceptorSettings interceptor,
      AdminSettings admin,
      CohortSettings cohorts,
      java.util.Set<String> breakerKeys) {
    this.breaker = breaker;
    this.interceptor = interceptor;
    this.admin = admin;
    this.cohorts = cohorts;
    this.breakerKeys = breakerKeys;
  }

  /** The keys of the {@code breaker} section the file sets (the others are at their defaults). */
  public java.util.Set<String> breakerKeys() {
    return breakerKeys;
  }

  /** The cohort profiles (read at start): none by default. */
  public CohortSettings cohorts() {
    return cohorts;
  }

  /**
   * Cohort profiles: {@code header} names the request header whose stable hash picks a call's
   * cohort; each profile takes {@code share} of 100 buckets and overlays its breaker keys on the
   * {@code breaker} section.
   */
  public record CohortSettings(
      String header, java.util.List<dev.membreaker.breaker.Cohort> profiles) {
    static final CohortSettings NONE = new CohortSettings(null, java.util.List.of());
  }

  /** Everything at its default: what a server runs with when there is no file. */
  public static ConfigFile defaults() {
    return new ConfigFile(
        BreakerConfig.defaults(),
        InterceptorSettings.DEFAULTS,
        AdminSettings.DEFAULTS,
        CohortSettings.NONE,
        java.util.Set.of());
  }

  /** The breaker's thresholds and timings. */
  public BreakerConfig breaker() {
    return breaker;
  }

  /** The interceptor's settings (read at start). */
  public InterceptorSettings interceptor() {
    return interceptor;
  }

  /** The admin service's settings (read at start). */
  public AdminSettings admin() {
    return admin;
  }

  /**
   * Parses a file's text.
   *
   * @param source the file's name, for messages
   * @throws ConfigException naming the key, and its line where the YAML parser knows it
   */
  public static ConfigFile parse(String source, String yaml) {
    if (yaml.isBlank()) {
      throw new ConfigException(source + ": the file is empty (delete it to run on the defaults)");
    }
    Raw raw;
    try {
      raw = YAML.readValue(yaml, Raw.class);
    } catch (JsonProcessingException e) {
      org.yaml.snakeyaml.error.MarkedYAMLException syntax = yamlSyntaxError(e);
      if (syntax == null) {
        throw refused(source, e);
      }
      // The YAML parser's own problem and where it found it (Jackson's location is the token
      // before, and its message the parser's context: "while scanning for the next token").
      org.yaml.snakeyaml.error.Mark mark =
          syntax.getProblemMark() != null ? syntax.getProblemMark() : syntax.getContextMark();
      throw new ConfigException(
          source
              + (mark == null
                  ? ""
                  : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
              + ": not valid YAML: "
              + syntax.getProblem()
              + (syntax.getContext() == null ? "" : " (" + syntax.getContext() + ")"),
          e);
    }
    if (raw == null) {
      throw new ConfigException(source + ": the file holds no settings");
    }
    try {
      BreakerConfig breaker =
          raw.breaker == null
              ? BreakerConfig.defaults()
              : raw.breaker.toConfig(BreakerConfig.builder());
      return new ConfigFile(
          breaker,
          raw.interceptor == null ? InterceptorSettings.DEFAULTS : raw.interceptor.toSettings(),
          raw.admin == null ? AdminSettings.DEFAULTS : raw.admin.toSettings(),
          raw.cohorts == null ? CohortSettings.NONE : raw.cohorts.toSettings(breaker),
          raw.breaker == null ? java.util.Set.of() : raw.breaker.keysSet());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  /** The YAML parser's syntax error behind {@code e}, if that is what it is. */
  private static org.yaml.snakeyaml.error.MarkedYAMLException yamlSyntaxError(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException) {
        return (org.yaml.snakeyaml.error.MarkedYAMLException) t;
      }
    }
    return null;
  }

  /** A file Jackson could read as YAML but not bind: an unknown key, a value of the wrong type. */
  private static ConfigException refused(String source, JsonProcessingException failure) {
    if (failure instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException e = (UnrecognizedPropertyException) failure;
      return new ConfigException(
          source
              + where(e.getLocation())
              + ": unknown key "
              + path(e)
              + " (known here: "
              + e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")",
          e);
    }
    if (failure instanceof JsonMappingException) {
      JsonMappingException e = (JsonMappingException) failure;
      String cause =
          e.getCause() instanceof IllegalArgumentException
              ? e.getCause().getMessage()
              : e.getOriginalMessage().split("\n")[0];
      return new ConfigException(
          source + where(e.getLocation()) + ": " + path(e) + ": " + cause, e);
    }
    return new ConfigException(
        source
            + where(failure.getLocation())
            + ": not valid YAML: "
            + failure.getOriginalMessage().split("\n")[0],
        failure);
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** The interceptor's settings. */
  public record InterceptorSettings(
      Map<String, Priority> priorities,
      Priority defaultPriority,
      String priorityHeader,
      boolean allowPriorityRaise,
      int maxConcurrentCalls,
      long maxRequestBytes,
      Duration pushback) {
    static final InterceptorSettings DEFAULTS =
        new InterceptorSettings(
            Map.of(), Priority.DEFAULT, "membreaker-priority", false, 0, 0, Duration.ofMillis(250));
  }

  /** The admin service's settings. */
  public record AdminSettings(
      String host,
      int port,
      String tokenEnv,
      String tokenFile,
      boolean insecureLocalDev,
      int watchBuffer) {
    static final AdminSettings DEFAULTS =
        new AdminSettings("127.0.0.1", 50052, "MEMBREAKER_ADMIN_TOKEN", null, false, 64);
  }

  // ------------------------------------------------------------------ the file as written

  static final class Raw {
    @JsonProperty("breaker")
    RawBreaker breaker;

    @JsonProperty("interceptor")
    RawInterceptor interceptor;

    @JsonProperty("admin")
    RawAdmin admin;

    @JsonProperty("cohorts")
    RawCohorts cohorts;
  }

  static final class RawCohorts {
    @JsonProperty("header")
    String header;

    @JsonProperty("profiles")
    LinkedHashMap<String, RawProfile> profiles;

    CohortSettings toSettings(BreakerConfig base) {
      if (header == null || header.isBlank()) {
        throw new IllegalArgumentException(
            "cohorts.header must name the request header that picks a call's cohort");
      }
      java.util.List<dev.membreaker.breaker.Cohort> list = new java.util.ArrayList<>();
      int total = 0;
      if (profiles != null) {
        for (Map.Entry<String, RawProfile> e : profiles.entrySet()) {
          RawProfile p = e.getValue();
          if (p == null || p.share == null) {
            throw new IllegalArgumentException(
                "cohorts.profiles." + e.getKey() + ".share must be set (0 to 100)");
          }
          try {
            list.add(
                new dev.membreaker.breaker.Cohort(
                    e.getKey(), p.share, p.toConfig(base.toBuilder())));
          } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException(
                "cohorts.profiles." + e.getKey() + ": " + x.getMessage());
          }
          total += p.share;
        }
      }
      if (total > 100) {
        throw new IllegalArgumentException(
            "cohorts.profiles: the shares add up to " + total + ", more than 100");
      }
      return new CohortSettings(header, java.util.List.copyOf(list));
    }
  }

  static final class RawProfile extends RawBreaker {
    @JsonProperty("share")
    Integer share;
  }

  /** A duration written as text: "250ms", "5s". */
  static final class Dur {
    final Duration value;

    @JsonCreator
    Dur(String text) {
      this.value = text.trim().equals("0") ? Duration.ZERO : Units.duration(text);
    }

    /** A bare number: only 0 (off) needs no unit. */
    @JsonCreator
    Dur(long number) {
      if (number != 0) {
        throw new IllegalArgumentException("'" + number + "' needs a unit: 250ms, 5s, 10m or 1h");
      }
      this.value = Duration.ZERO;
    }
  }

  /** A size written as text ("512MiB") or a number of bytes. */
  static final class Size {
    final long value;

    @JsonCreator
    Size(String text) {
      this.value = Units.size(text);
    }

    @JsonCreator
    Size(long bytes) {
      this.value = bytes;
    }
  }

  /**
   * The in-flight budget: a share of the maximum direct memory (a number in (0, 1], or a percentage
   * such as "50%") or a size ("48MiB").
   */
  static final class Budget {
    final double share;
    final long bytes;

    @JsonCreator
    Budget(double share) {
      this.share = share;
      this.bytes = 0;
    }

    @JsonCreator
    Budget(String text) {
      String t = text.trim();
      if (t.endsWith("%")) {
        double percent;
        try {
          percent = Double.parseDouble(t.substring(0, t.length() - 1).trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not a percentage such as 50%");
        }
        this.share = percent / 100;
        this.bytes = 0;
      } else {
        this.share = 0;
        this.bytes = Units.size(t);
      }
    }
  }

  /** A per-call queue limit: "auto", "off" or a size ("4MiB"). */
  static final class QueueLimit {
    final long value;

    @JsonCreator
    QueueLimit(String text) {
      String t = text.trim();
      this.value =
          "auto".equals(t)
              ? dev.membreaker.breaker.BreakerConfig.QUEUE_LIMIT_AUTO
              : "off".equals(t)
                  ? dev.membreaker.breaker.BreakerConfig.QUEUE_LIMIT_OFF
                  : Units.size(t);
    }

    @JsonCreator
    QueueLimit(long bytes) {
      this.value = bytes;
    }

    /** YAML reads a bare {@code off} as false. */
    @JsonCreator
    QueueLimit(boolean on) {
      if (on) {
        throw new IllegalArgumentException("write auto, off or a size such as 4MiB");
      }
      this.value = dev.membreaker.breaker.BreakerConfig.QUEUE_LIMIT_OFF;
    }
  }

  static class RawBreaker {
    @JsonProperty("warning")
    Double warning;

    @JsonProperty("degraded")
    Double degraded;

    @JsonProperty("open")
    Double open;

    @JsonProperty("recover")
    Double recover;

    @JsonProperty("emergency")
    Double emergency;

    @JsonProperty("emergency_collections")
    Integer emergencyCollections;

    @JsonProperty("critical_cap")
    Double criticalCap;

    @JsonProperty("sample_interval")
    Dur sampleInterval;

    @JsonProperty("cgroup_read_interval")
    Dur cgroupReadInterval;

    @JsonProperty("stall_intervals")
    Integer stallIntervals;

    @JsonProperty("window_size")
    Integer windowSize;

    @JsonProperty("ewma_alpha")
    Double ewmaAlpha;

    @JsonProperty("growth_baseline_window")
    Dur growthBaselineWindow;

    @JsonProperty("growth_baseline_min_samples")
    Integer growthBaselineMinSamples;

    @JsonProperty("occupancy_floor")
    Double occupancyFloor;

    @JsonProperty("growth_warning_factor")
    Double growthWarningFactor;

    @JsonProperty("growth_min_rate")
    Double growthMinRate;

    @JsonProperty("growth_open_samples")
    Integer growthOpenSamples;

    @JsonProperty("exhaustion_warning_horizon")
    Dur exhaustionWarningHorizon;

    @JsonProperty("exhaustion_open_horizon")
    Dur exhaustionOpenHorizon;

    @JsonProperty("recover_samples")
    Integer recoverSamples;

    @JsonProperty("recover_time")
    Dur recoverTime;

    @JsonProperty("confirm_gc")
    String confirmGc;

    @JsonProperty("confirm_pause_budget")
    Double confirmPauseBudget;

    @JsonProperty("open_min")
    Dur openMin;

    @JsonProperty("open_max")
    Dur openMax;

    @JsonProperty("half_open_ramp")
    Dur halfOpenRamp;

    @JsonProperty("half_open_probe_share")
    Double halfOpenProbeShare;

    @JsonProperty("outcome_window")
    Integer outcomeWindow;

    @JsonProperty("outcome_min_calls")
    Integer outcomeMinCalls;

    @JsonProperty("failure_rate_threshold")
    Double failureRateThreshold;

    @JsonProperty("consecutive_failures")
    Integer consecutiveFailures;

    @JsonProperty("slow_call_threshold")
    Dur slowCallThreshold;

    @JsonProperty("slow_call_rate_threshold")
    Double slowCallRateThreshold;

    @JsonProperty("failure_codes")
    java.util.List<Integer> failureCodes;

    @JsonProperty("transition_history")
    Integer transitionHistory;

    @JsonProperty("dimensions")
    java.util.List<String> dimensions;

    @JsonProperty("in_flight_budget")
    Budget inFlightBudget;

    @JsonProperty("max_queued_bytes_per_call")
    QueueLimit maxQueuedBytesPerCall;

    /** The keys this section sets: its non-null fields, by their YAML names. */
    java.util.Set<String> keysSet() {
      java.util.Set<String> keys = new java.util.TreeSet<>();
      for (java.lang.reflect.Field f : RawBreaker.class.getDeclaredFields()) {
        JsonProperty name = f.getAnnotation(JsonProperty.class);
        try {
          if (name != null && f.get(this) != null) {
            keys.add(name.value());
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
      return java.util.Set.copyOf(keys);
    }

    BreakerConfig toConfig(BreakerConfig.Builder b) {
      if (warning != null) b.warning(warning);
      if (degraded != null) b.degraded(degraded);
      if (open != null) b.open(open);
      if (recover != null) b.recover(recover);
      if (emergency != null) b.emergency(emergency);
      if (emergencyCollections != null) b.emergencyCollections(emergencyCollections);
      if (criticalCap != null) b.criticalCap(criticalCap);
      if (sampleInterval != null) b.sampleInterval(sampleInterval.value);
      if (cgroupReadInterval != null) b.cgroupReadInterval(cgroupReadInterval.value);
      if (stallIntervals != null) b.stallIntervals(stallIntervals);
      if (windowSize != null) b.windowSize(windowSize);
      if (ewmaAlpha != null) b.ewmaAlpha(ewmaAlpha);
      if (growthBaselineWindow != null) b.growthBaselineWindow(growthBaselineWindow.value);
      if (growthBaselineMinSamples != null) b.growthBaselineMinSamples(growthBaselineMinSamples);
      if (occupancyFloor != null) b.occupancyFloor(occupancyFloor);
      if (growthWarningFactor != null) b.growthWarningFactor(growthWarningFactor);
      if (growthMinRate != null) b.growthMinRate(growthMinRate);
      if (growthOpenSamples != null) b.growthOpenSamples(growthOpenSamples);
      if (exhaustionWarningHorizon != null)
        b.exhaustionWarningHorizon(exhaustionWarningHorizon.value);
      if (exhaustionOpenHorizon != null) b.exhaustionOpenHorizon(exhaustionOpenHorizon.value);
      if (recoverSamples != null) b.recoverSamples(recoverSamples);
      if (recoverTime != null) b.recoverTime(recoverTime.value);
      if (confirmGc != null) b.confirmGc(dev.membreaker.breaker.ConfirmGc.parse(confirmGc));
      if (confirmPauseBudget != null) b.confirmPauseBudget(confirmPauseBudget);
      if (openMin != null) b.openMin(openMin.value);
      if (openMax != null) b.openMax(openMax.value);
      if (halfOpenRamp != null) b.halfOpenRamp(halfOpenRamp.value);
      if (halfOpenProbeShare != null) b.halfOpenProbeShare(halfOpenProbeShare);
      if (outcomeWindow != null) b.outcomeWindow(outcomeWindow);
      if (outcomeMinCalls != null) b.outcomeMinCalls(outcomeMinCalls);
      if (failureRateThreshold != null) b.failureRateThreshold(failureRateThreshold);
      if (consecutiveFailures != null) b.consecutiveFailures(consecutiveFailures);
      if (slowCallThreshold != null) b.slowCallThreshold(slowCallThreshold.value);
      if (slowCallRateThreshold != null) b.slowCallRateThreshold(slowCallRateThreshold);
      if (failureCodes != null) b.failureCodes(java.util.Set.copyOf(failureCodes));
      if (transitionHistory != null) b.transitionHistory(transitionHistory);
      if (inFlightBudget != null) {
        if (inFlightBudget.bytes > 0) {
          b.inFlightBudgetBytes(inFlightBudget.bytes);
        } else {
          b.inFlightBudgetShare(inFlightBudget.share);
        }
      }
      if (maxQueuedBytesPerCall != null) b.maxQueuedBytesPerCall(maxQueuedBytesPerCall.value);
      if (dimensions != null) {
        java.util.Set<dev.membreaker.memory.Dimension> set =
            java.util.EnumSet.noneOf(dev.membreaker.memory.Dimension.class);
        for (String d : dimensions) {
          set.add(dev.membreaker.memory.Dimension.fromId(d));
        }
        b.dimensions(set);
      }
      return b.build();
    }
  }

  static final class RawInterceptor {
    @JsonProperty("priorities")
    Map<String, String> priorities;

    @JsonProperty("default_priority")
    String defaultPriority;

    @JsonProperty("priority_header")
    String priorityHeader;

    @JsonProperty("allow_priority_raise")
    Boolean allowPriorityRaise;

    @JsonProperty("max_concurrent_calls")
    Integer maxConcurrentCalls;

    @JsonProperty("max_request_bytes")
    Size maxRequestBytes;

    @JsonProperty("pushback")
    Dur pushback;

    InterceptorSettings toSettings() {
      InterceptorSettings d = InterceptorSettings.DEFAULTS;
      Map<String, Priority> p = new LinkedHashMap<>();
      if (priorities != null) {
        priorities.forEach(
            (method, priority) ->
                p.put(method, parsePriority("interceptor.priorities." + method, priority)));
      }
      if (maxConcurrentCalls != null && maxConcurrentCalls < 0) {
        throw new IllegalArgumentException(
            "interceptor.max_concurrent_calls must be 0 (off) or positive, was "
                + maxConcurrentCalls);
      }
      return new InterceptorSettings(
          Map.copyOf(p),
          defaultPriority == null
              ? d.defaultPriority()
              : parsePriority("interceptor.default_priority", defaultPriority),
          priorityHeader == null ? d.priorityHeader() : priorityHeader,
          allowPriorityRaise == null ? d.allowPriorityRaise() : allowPriorityRaise,
          maxConcurrentCalls == null ? d.maxConcurrentCalls() : maxConcurrentCalls,
          maxRequestBytes == null ? d.maxRequestBytes() : maxRequestBytes.value,
          pushback == null ? d.pushback() : pushback.value);
    }

    private static Priority parsePriority(String key, String value) {
      try {
        return Priority.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage());
      }
    }
  }

  static final class RawAdmin {
    @JsonProperty("host")
    String host;

    @JsonProperty("port")
    Integer port;

    @JsonProperty("token_env")
    String tokenEnv;

    @JsonProperty("token_file")
    String tokenFile;

    @JsonProperty("insecure_local_dev")
    Boolean insecureLocalDev;

    @JsonProperty("watch_buffer")
    Integer watchBuffer;

    AdminSettings toSettings() {
      AdminSettings d = AdminSettings.DEFAULTS;
      if (port != null && (port < 0 || port > 65535)) {
        throw new IllegalArgumentException("admin.port must be in [0, 65535], was " + port);
      }
      if (watchBuffer != null && (watchBuffer < 1 || watchBuffer > 10_000)) {
        throw new IllegalArgumentException(
            "admin.watch_buffer must be in [1, 10000], was " + watchBuffer);
      }
      return new AdminSettings(
          host == null ? d.host() : host,
          port == null ? d.port() : port,
          tokenEnv == null ? d.tokenEnv() : tokenEnv,
          tokenFile == null ? d.tokenFile() : tokenFile,
          insecureLocalDev == null ? d.insecureLocalDev() : insecureLocalDev,
          watchBuffer == null ? d.watchBuffer() : watchBuffer);
    }
  }
}
