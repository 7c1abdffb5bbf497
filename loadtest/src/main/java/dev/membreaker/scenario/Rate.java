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

  /**
   * Bursts over [from, to): {@code calls} calls sent within {@code burstSeconds} at the start of
   * every {@code everySeconds}, else 0. A burst of large messages reaches the server at once, as
   * many clients uploading together do, rather than one after the other.
   */
  static Rate bursts(double from, double to, double everySeconds, int calls, double burstSeconds) {
    if (!(burstSeconds > 0 && burstSeconds < everySeconds) || calls < 1) {
      throw new IllegalArgumentException(
          "a burst needs calls >= 1 and 0 < burstSeconds < everySeconds");
    }
    double perSecond = calls / burstSeconds;
    return s -> s >= from && s < to && (s - from) % everySeconds < burstSeconds ? perSecond : 0;
  }
}
