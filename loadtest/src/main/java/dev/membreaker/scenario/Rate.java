package dev.membreaker.scenario;

/** Calls per second as a function of seconds into a scenario. */
@FunctionalInterface
interface Rate {

  double at(double seconds);

  /** {@code perSecond} from {@code from} (inclusive) to {@code to} (exclusive), else 0. */
  static Rate between(double from, double to, double perSecond) {
    return s -> s >= from && s < to ? perSecond : 0;
  }

  /** A linear ramp from {@code start} to {@code end} calls per second over [from, to), else 0. */
  static Rate ramp(double from, double to, double start, double end) {
    return s -> s >= from && s < to ? start + (end - start) * (s - from) / (to - from) : 0;
  }
}
