package dev.membreaker.memory;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.memory.ConfirmationPacer.Pacing;
import dev.membreaker.time.Ticker;
import javax.management.Notification;
import javax.management.NotificationListener;

/**
 * The heap's live set: the JMX adapter that feeds {@link LiveSetEstimator} (what collections leave,
 * what the old generation holds between them) and {@link ConfirmationPacer} (when the breaker's own
 * collections may run), and runs those collections.
 *
 * <p>Confirmations, refreshes and urgent confirmations are {@link ConfirmingCollections}'. One that
 * can never fit the {@link PauseBudget} (a large heap of small objects) is not offered at all: the
 * evidence says no confirmation can be had, and the breaker acts as under {@code
 * -XX:+DisableExplicitGC}.
 *
 * <p>Notifications arrive on a JMX thread; {@link #read()} runs on the sampler thread; {@link
 * #evidence()} on any. The estimator is guarded by this object's lock.
 */
final class HeapLiveSetSource implements LiveSetSource, NotificationListener {

  private final Ticker ticker;
  private final long maxHeap = Runtime.getRuntime().maxMemory();
  private final JmxHeap jmx = new JmxHeap(maxHeap);
  private final boolean explicitGcConcurrent = jmx.explicitGcConcurrent();

  @GuardedBy("this")
  private final LiveSetEstimator estimator = new LiveSetEstimator(jmx.collector(), maxHeap);

  private final ConfirmingCollections confirming;

  private volatile long epoch;
  private volatile Runnable callback = () -> {};

  HeapLiveSetSource(Ticker ticker) {
    this.ticker = ticker;
    this.confirming =
        new ConfirmingCollections(ticker, maxHeap, jmx.explicitGcDisabled(), explicitGcConcurrent);
    jmx.listen(this);
  }

  @Override
  public Dimension dimension() {
    return Dimension.HEAP_LIVE;
  }

  @Override
  public void onChange(Runnable callback) {
    this.callback = callback;
  }

  @Override
  public MemoryReading read() {
    long old = jmx.oldNow();
    synchronized (this) {
      if (old >= 0) {
        long anchorBefore = estimator.anchor();
        if (estimator.polled(old, confirming.awaitingConcurrentVerdict())) {
          confirming.anchored(anchorBefore, estimator.anchor());
          epoch++;
        }
      }
      if (!estimator.begun()) {
        estimator.begin(jmx.oldAndSurvivorsNow());
      }
      return new MemoryReading(estimator.estimate(), maxHeap, Math.max(epoch, jmx.collections()));
    }
  }

  @Override
  public void handleNotification(Notification notification, Object handback) {
    JmxHeap.Notice notice = jmx.notice(notification);
    if (notice == null) {
      return; // not a collection's, or a ZGC or Shenandoah pause's (no usage in them at all)
    }
    LiveSetEstimator.Seen seen = notice.seen();
    synchronized (this) {
      long now = ticker.read();
      confirming.seen(now, notice.pauseNanos(), seen.liveBytes(), notice.full(), notice.natural());
      long anchorBefore = estimator.anchor();
      if (estimator.collected(seen)) {
        confirming.anchored(anchorBefore, estimator.anchor());
      } else if (!confirming.canConfirm(now, estimator.upper())) {
        estimator.measuredWithoutAnchor();
      }
      epoch = Math.max(epoch + 1, jmx.collections());
    }
    callback.run();
  }

  @Override
  public synchronized LiveSetEvidence evidence() {
    ConfirmingCollections.Standing standing = confirming.standing(ticker.read(), estimator.upper());
    return new LiveSetEvidence(
        jmx.collector(),
        estimator.upper(),
        estimator.unseen(),
        jmx.upperLimit(),
        estimator.anchor(),
        estimator.anchorEpoch(),
        estimator.measuredEpoch(),
        estimator.deadShare(),
        standing.confirmations(),
        standing.lastPause(),
        standing.canConfirm(),
        standing.available(),
        explicitGcConcurrent);
  }

  @Override
  public void pauseBudget(double share) {
    confirming.pauseBudget(share);
  }

  @Override
  public Confirmation requestConfirmation(String reason) {
    return start(reason, Pacing.CONFIRM);
  }

  @Override
  public Confirmation refresh(String reason) {
    return start(reason, Pacing.REFRESH);
  }

  @Override
  public Confirmation urgentConfirmation(String reason) {
    return start(reason, Pacing.URGENT);
  }

  private Confirmation start(String reason, Pacing pacing) {
    long upper;
    long unseen;
    synchronized (this) {
      upper = estimator.upper();
      unseen = estimator.unseen();
    }
    return confirming.start(reason, pacing, upper, unseen);
  }

  @Override
  public void close() {
    jmx.stopListening(this);
  }
}
