package dev.membreaker.breaker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The most recent transitions, oldest first, bounded by {@code transition_history}. Thread-safe.
 */
final class TransitionLog {

  @GuardedBy("this")
  private final ArrayDeque<TransitionEvent> events = new ArrayDeque<>();

  synchronized void add(TransitionEvent event, int limit) {
    events.addLast(event);
    while (events.size() > limit) {
      events.removeFirst();
    }
  }

  synchronized List<TransitionEvent> recent() {
    return List.copyOf(events);
  }
}
