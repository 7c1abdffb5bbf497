package dev.membreaker.load;

/**
 * The request rate over time, as ghz's {@code --load-schedule}: {@code const} (the --rps rate
 * throughout), {@code step} (from --load-start, add --load-step every --load-step-duration, up to
 * --load-end) or {@code line} (from --load-start, --load-step more every second, up to --load-end).
 * Immutable.
 */
final class RateSchedule {

  private final String kind;
  private final double start;
  private final double end;
  private final double step;
  private final double stepSeconds;

  private RateSchedule(String kind, double start, double end, double step, double stepSeconds) {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.step = step;
    this.stepSeconds = stepSeconds;
  }

  static RateSchedule constant(double rps) {
    return new RateSchedule("const", rps, rps, 0, 1);
  }

  static RateSchedule of(
      String kind, double rps, double start, double end, double step, double stepSeconds) {
    return of("--load", kind, rps, start, end, step, stepSeconds);
  }

  /**
   * @param option the options' prefix, for messages: --load or --concurrency
   */
  static RateSchedule of(
      String option,
      String kind,
      double rps,
      double start,
      double end,
      double step,
      double stepSeconds) {
    switch (kind) {
      case "const":
        return constant(rps);
      case "step":
      case "line":
        if (start <= 0 || step == 0 || (kind.equals("step") && stepSeconds <= 0)) {
          throw new LoadException(
              2,
              option
                  + "-schedule "
                  + kind
                  + " needs "
                  + option
                  + "-start > 0 and a non-zero "
                  + option
                  + "-step"
                  + (kind.equals("step") ? " and " + option + "-step-duration" : ""));
        }
        if (end > 0 && Math.signum(end - start) != Math.signum(step)) {
          throw new LoadException(
              2, option + "-step must move from " + option + "-start towards " + option + "-end");
        }
        return new RateSchedule(kind, start, end, step, stepSeconds);
      default:
        throw new LoadException(
            2, option + "-schedule must be const, step or line, was '" + kind + "'");
    }
  }

  boolean active() {
    return start > 0;
  }

  /** Calls per second at {@code seconds} into the run (never below 1 a second). */
  double rateAt(double seconds) {
    double r;
    if (kind.equals("const")) {
      r = start;
    } else if (kind.equals("step")) {
      r = start + step * Math.floor(seconds / stepSeconds);
    } else {
      r = start + step * seconds;
    }
    if (end > 0) {
      r = step >= 0 ? Math.min(r, end) : Math.max(r, end);
    }
    return Math.max(1, r);
  }
}
