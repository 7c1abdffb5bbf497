package dev.membreaker.contenders.peers;

import java.util.function.LongSupplier;

/**
 * Solr's {@code MemoryCircuitBreaker} as of SOLR-18284 (apache/solr, {@code
 * solr/core/src/java/org/apache/solr/util/circuitbreaker/MemoryCircuitBreaker.java}): trips while
 * the old (or tenured) heap pool's {@code getCollectionUsage()}, the bytes it held right after the
 * last collection that touched it, is at least the threshold share of the maximum heap. On ZGC and
 * Shenandoah, which have no such pool, the sum over the heap pools. 0 before the first such
 * collection, so it does not trip then. The threshold is 75 %, the value the Solr Reference Guide's
 * circuit-breaker example shows. Solr reads through a short TTL cache that only bounds how often
 * the pools are walked; this reads on every call.
 */
public final class SolrMemoryCheck implements AdmissionCheck {

  public static final double THRESHOLD_PERCENT = 75;

  private final LongSupplier liveAfterCollection;
  private final long threshold;
  private final long max;
  private volatile double last = Double.NaN;

  public SolrMemoryCheck(LongSupplier liveAfterCollection, long max) {
    this.liveAfterCollection = liveAfterCollection;
    this.max = max;
    this.threshold = (long) (max * (THRESHOLD_PERCENT / 100.0));
  }

  @Override
  public boolean admits() {
    long seen = liveAfterCollection.getAsLong();
    last = (double) seen / max;
    return seen < threshold; // Solr: tripped when seen >= allowed
  }

  @Override
  public double reading() {
    return last;
  }

  @Override
  public String state() {
    return last * max >= threshold ? "tripped" : "closed";
  }
}
