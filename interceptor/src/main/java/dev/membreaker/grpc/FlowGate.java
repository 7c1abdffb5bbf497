package dev.membreaker.grpc;

import dev.membreaker.breaker.Admission;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideChange;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.breaker.TransitionListener;
import dev.membreaker.policy.Priority;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closed while the breaker restricts SHEDDABLE calls (DEGRADED, OPEN, HALF_OPEN, FORCED_OPEN; not
 * under SHADOW). Holds the streams whose inbound flow control it withholds, and releases them on
 * the transition or override change that opens it again.
 */
final class FlowGate implements TransitionListener {

  private final MemoryBreaker breaker;
  private final Set<ThrottledCall<?, ?>> held = ConcurrentHashMap.newKeySet();

  FlowGate(MemoryBreaker breaker) {
    this.breaker = breaker;
  }

  static boolean restricts(Admission a) {
    return !a.shadow() && a.admitProbability(Priority.SHEDDABLE) < 1;
  }

  boolean closed() {
    return restricts(breaker.admission());
  }

  void hold(ThrottledCall<?, ?> call) {
    held.add(call);
  }

  void forget(ThrottledCall<?, ?> call) {
    held.remove(call);
  }

  int heldCount() {
    return held.size();
  }

  private void reopenIfAllowed() {
    if (closed()) {
      return;
    }
    for (ThrottledCall<?, ?> call : held) {
      call.release();
    }
  }

  @Override
  public void onTransition(TransitionEvent event) {
    reopenIfAllowed();
  }

  @Override
  public void onOverrideChange(OverrideChange change) {
    reopenIfAllowed();
  }
}
