package dev.membreaker.contenders.peers;

import java.util.function.LongSupplier;

/**
 * OpenSearch's search back-pressure node duress on heap (opensearch-project/OpenSearch, {@code
 * server/src/main/java/org/opensearch/search/backpressure/}: {@code NodeDuressTrackers}, {@code
 * SearchBackpressureSettings}): heap used is sampled every second (the service's {@code interval},
 * 1000 ms); a sample at or above {@code node_duress.heap_threshold} (70 %) is a breach, and the
 * node is in duress once {@code node_duress.num_successive_breaches} (3) samples in a row breach.
 * OpenSearch then cancels search tasks (in its {@code enforced} mode); here, as an admission guard,
 * new calls are refused while the node is in duress.
 */
public final class OpenSearchNodeDuress implements AdmissionCheck {

  public static final double HEAP_THRESHOLD = 0.70;
  public static final int SUCCESSIVE_BREACHES = 3;
  public static final long INTERVAL_MILLIS = 1000;

  private final LongSupplier used;
  private final long max;
  private int streak; // written by the one sampling thread only
  private volatile boolean duress;
  private volatile double last = Double.NaN;

  public OpenSearchNodeDuress(LongSupplier used, long max) {
    this.used = used;
    this.max = max;
  }

  /** One sample, as the back-pressure service takes every {@link #INTERVAL_MILLIS}. */
  public void sample() {
    double fraction = (double) used.getAsLong() / max;
    last = fraction;
    streak = fraction >= HEAP_THRESHOLD ? streak + 1 : 0;
    duress = streak >= SUCCESSIVE_BREACHES;
  }

  @Override
  public boolean admits() {
    return !duress;
  }

  @Override
  public double reading() {
    return last;
  }

  @Override
  public String state() {
    return duress ? "duress" : "normal";
  }
}
