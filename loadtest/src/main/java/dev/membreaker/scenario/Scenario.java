package dev.membreaker.scenario;

import java.util.List;
import java.util.Locale;

/**
 * A scenario: streams of load over a fixed time against a server with a fixed heap. Every scenario
 * has the same normal traffic (payments 20/s, quotes 50/s, nothing held) under its pressure, so
 * each contender's cost to healthy calls shows.
 *
 * @param name the scenario's name ({@code membreaker scenario NAME})
 * @param summary one line on what it does
 * @param seconds how long the load runs
 * @param pressureEnds when the pressure ends, in seconds: when the last bytes its calls hold are
 *     let go (recovery is measured from here), or -1
 * @param traffic the streams of load
 * @param jvmArgs extra options for the server JVM
 */
record Scenario(
    String name,
    String summary,
    int seconds,
    double pressureEnds,
    List<Traffic> traffic,
    List<String> jvmArgs) {

  static final List<String> NAMES =
      List.of(
          "calm",
          "surge",
          "sawtooth",
          "churn",
          "leak",
          "recovery",
          "direct",
          "slow-reader",
          "lru",
          "humongous",
          "batch",
          "surge-silence");

  /**
   * The scenarios in named parts, each of which runs every contender in under 30 minutes on a
   * 2-core machine ({@code ./scenarios.sh PART}); together they are {@link #NAMES}.
   */
  static final java.util.Map<String, List<String>> PARTS =
      java.util.Map.of(
          "surges", List.of("surge", "recovery", "surge-silence"),
          "retention", List.of("leak", "lru", "batch"),
          "garbage-and-buffers",
              List.of("calm", "sawtooth", "churn", "humongous", "direct", "slow-reader"));

  private static final long MIB = 1 << 20;

  /**
   * How long each call of a surge holds its bytes; the pressure ends this long after its traffic.
   */
  private static final int SURGE_HOLD_MILLIS = 3000;

  /**
   * The scenario of that name; {@code quick} is the shorter form that runs in {@code mvn verify}.
   */
  static Scenario named(String name, boolean quick) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "surge":
        return quick ? surge(35, 3, 11, 80) : surge(36, 3, 14, 70);
      case "calm":
        {
          int s = quick ? 10 : 20;
          return new Scenario(
              "calm",
              "the normal traffic alone, no pressure: what each guard costs when nothing happens,"
                  + " and the unprotected server's calm p99 that the p99 bar is measured from",
              s,
              -1,
              withBaseline(s),
              List.of());
        }
      case "sawtooth":
        {
          int s = quick ? 18 : 20;
          return new Scenario(
              "sawtooth",
              "250 reports/s each allocating 1 MiB that is dropped at once: heavy garbage, small"
                  + " live set",
              s,
              -1,
              withBaseline(s, Traffic.heavyReports(Rate.between(2, s - 1, 250), MIB, 0)),
              List.of());
        }
      case "churn":
        {
          int s = quick ? 18 : 20;
          return new Scenario(
              "churn",
              "400 reports/s each holding 128 KiB for 1 s: garbage that outlives young collections;"
                  + " about 50 MiB live",
              s,
              -1,
              withBaseline(s, Traffic.heavyReports(Rate.between(2, s - 1, 400), MIB / 8, 1000)),
              List.of());
        }
      case "leak":
        {
          int s = quick ? 40 : 45;
          return new Scenario(
              "leak",
              "quotes that each hold 256 KiB for 60 s, 32/s: retained memory grows 8 MiB/s",
              s,
              -1,
              withBaseline(s, Traffic.heavyQuotes(Rate.between(2, s, 32), 256 << 10, 60_000)),
              List.of());
        }
      case "recovery":
        {
          int s = quick ? 30 : 35;
          return new Scenario(
              "recovery",
              "a sharp surge (140 calls/s holding 1 MiB for 3 s) for 7 s, then normal load only",
              s,
              10 + SURGE_HOLD_MILLIS / 1000.0,
              withBaseline(
                  s,
                  Traffic.heavyQuotes(Rate.between(3, 10, 70), MIB, SURGE_HOLD_MILLIS),
                  Traffic.heavyReports(Rate.between(3, 10, 70), MIB, SURGE_HOLD_MILLIS)),
              List.of());
        }
      case "direct":
        {
          int s = 20;
          return new Scenario(
              "direct",
              "bulk uploads carrying 4 MiB each, in bursts of 20 every 0.5 s (40/s), into a server"
                  + " with 64 MiB of direct memory",
              s,
              s - 2,
              withBaseline(s, Traffic.bulkUploads(Rate.bursts(3, s - 2, 0.5, 20, 0.02), 4 << 20)),
              List.of("-XX:MaxDirectMemorySize=64m"));
        }
      case "slow-reader":
        {
          int s = 24;
          int until = 16;
          return new Scenario(
              "slow-reader",
              "streamed reports of 16 MiB, 2/s, whose clients read only the first message until"
                  + " their 5 s deadline, into a server with 64 MiB of direct memory",
              s,
              until + Driver.DEADLINE_MILLIS / 1000.0,
              withBaseline(s, Traffic.slowReaders(Rate.between(3, until, 2), 1000, 16 << 10)),
              List.of("-XX:MaxDirectMemorySize=64m"));
        }
      case "lru":
        {
          int s = 32;
          return new Scenario(
              "lru",
              "an LRU cache of about 100 MiB (40 % of the heap): 50 quotes/s each caching 128 KiB,"
                  + " evicted 16 s later, so the cache fills and then evicts steadily",
              s,
              -1,
              withBaseline(s, Traffic.heavyQuotes(Rate.between(1, s - 1, 50), MIB / 8, 16_000)),
              List.of());
        }
      case "humongous":
        {
          int s = 20;
          return new Scenario(
              "humongous",
              "50 reports/s each holding a 4 MiB array (a humongous object on G1) for 200 ms: about"
                  + " 40 MiB live, 200 MiB/s of humongous garbage",
              s,
              -1,
              withBaseline(s, Traffic.heavyReports(Rate.between(2, s - 1, 50), 4 * MIB, 200)),
              List.of());
        }
      case "batch":
        {
          int s = 28;
          return new Scenario(
              "batch",
              "a batch every 8 s: 90 reports within 1 s, each holding 1 MiB for 3 s (35 % of the"
                  + " heap), then normal load until the next",
              s,
              -1,
              withBaseline(
                  s,
                  Traffic.heavyReports(Rate.bursts(2, s - 2, 8, 90, 1.0), MIB, SURGE_HOLD_MILLIS)),
              List.of());
        }
      case "surge-silence":
        {
          int s = 34;
          int quietFrom = 10;
          int quietTo = 20;
          Rate around = t -> t < quietFrom || t >= quietTo ? 1 : 0;
          return new Scenario(
              "surge-silence",
              "the recovery surge (140 calls/s holding 1 MiB for 3 s, 3-10 s), then no traffic at"
                  + " all until 20 s, then normal load: recovery is measured from when the traffic"
                  + " returns",
              s,
              quietTo,
              List.of(
                  Traffic.payments(t -> 20 * around.at(t)),
                  Traffic.quotes(t -> 50 * around.at(t)),
                  Traffic.heavyQuotes(Rate.between(3, quietFrom, 70), MIB, SURGE_HOLD_MILLIS),
                  Traffic.heavyReports(Rate.between(3, quietFrom, 70), MIB, SURGE_HOLD_MILLIS)),
              List.of());
        }
      default:
        throw new IllegalArgumentException(
            "no scenario named '"
                + name
                + "'; there are "
                + String.join(", ", NAMES)
                + ", and the parts "
                + String.join(", ", new java.util.TreeSet<>(PARTS.keySet())));
    }
  }

  /** This scenario with one more option for the server JVM (a collector). */
  Scenario withJvmArg(String option) {
    List<String> args = new java.util.ArrayList<>(jvmArgs);
    args.add(option);
    return new Scenario(name, summary, seconds, pressureEnds, traffic, List.copyOf(args));
  }

  private static Scenario surge(int seconds, int from, int to, int peakEach) {
    return new Scenario(
        "surge",
        String.format(
            Locale.ROOT,
            "quotes and reports holding 1 MiB for 3 s, ramping to %d/s each over %d s, then normal"
                + " load only",
            peakEach,
            to - from),
        seconds,
        to + SURGE_HOLD_MILLIS / 1000.0,
        withBaseline(
            seconds,
            Traffic.heavyQuotes(Rate.ramp(from, to, 5, peakEach), MIB, SURGE_HOLD_MILLIS),
            Traffic.heavyReports(Rate.ramp(from, to, 5, peakEach), MIB, SURGE_HOLD_MILLIS)),
        List.of());
  }

  private static List<Traffic> withBaseline(int seconds, Traffic... pressure) {
    List<Traffic> all = new java.util.ArrayList<>();
    all.add(Traffic.payments(20, 0, seconds));
    all.add(Traffic.quotes(50, 0, seconds));
    all.addAll(List.of(pressure));
    return List.copyOf(all);
  }
}
