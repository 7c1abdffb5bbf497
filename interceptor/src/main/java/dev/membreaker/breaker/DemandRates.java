package dev.membreaker.breaker;

/**
 * The rates of the calls the breaker could refuse, in calls a second, averaged over about half a
 * second as of one sample ({@link DemandMeter}).
 *
 * @param admitted the rate admitted
 * @param refused the rate refused
 */
record DemandRates(double admitted, double refused) {

  /** No demand known (a replay, a breaker no interceptor feeds, the first sample). */
  static final DemandRates NONE = new DemandRates(0, 0);

  /** Every call the breaker could refuse that arrives, admitted or not. */
  double offered() {
    return admitted + refused;
  }
}
