package dev.membreaker.scenario;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line the contender server printed, timed on arrival (seconds into the scenario): its live
 * set, raw heap (now, and the highest it reached before a collection since the last line) and
 * direct memory as fractions of their limits, its guard's state, and its counts so far; {@code
 * retained} is the ground truth (what the server held before serving plus the bytes calls asked it
 * to hold, as a fraction of the heap) and {@code reading} the guard's own memory reading (negative
 * when the guard has none).
 */
record Sample(
    double at,
    double live,
    double heap,
    double heapPeak,
    double direct,
    String state,
    long started,
    long admitted,
    long shed,
    long oom,
    long samplerCpuNanos,
    double serverSeconds,
    double retained,
    double reading) {

  /**
   * What is truly in use at this sample: the retained heap, or direct memory when that is higher.
   */
  double truth() {
    return Math.max(retained, direct);
  }

  static Sample parse(double at, JsonNode n) {
    return new Sample(
        at,
        n.path("live").asDouble(),
        n.path("heap").asDouble(),
        n.path("heapPeak").asDouble(n.path("heap").asDouble()),
        n.path("direct").asDouble(),
        n.path("state").asText(),
        n.path("started").asLong(),
        n.path("admitted").asLong(),
        n.path("shed").asLong(),
        n.path("oom").asLong(),
        n.path("samplerCpuNanos").asLong(),
        n.path("t").asLong() / 1000.0,
        n.path("retained").asDouble(),
        n.path("reading").asDouble(-1));
  }
}
