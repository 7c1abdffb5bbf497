package dev.membreaker.scenario;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line the contender server printed, timed on arrival (seconds into the scenario): its live
 * set, raw heap (now, and the highest it reached before a collection since the last line) and direct memory as fractions of their limits, its guard's state, and its counts
 * so far.
 */
record Sample(double at, double live, double heap, double heapPeak, double direct, String state, long started, long admitted,
    long shed, long oom, long samplerCpuNanos, double serverSeconds) {

  static Sample parse(double at, JsonNode n) {
    return new Sample(at, n.path("live").asDouble(), n.path("heap").asDouble(),
        n.path("heapPeak").asDouble(n.path("heap").asDouble()), n.path("direct").asDouble(),
        n.path("state").asText(), n.path("started").asLong(), n.path("admitted").asLong(), n.path("shed").asLong(),
        n.path("oom").asLong(), n.path("samplerCpuNanos").asLong(), n.path("t").asLong() / 1000.0);
  }
}
