package dev.membreaker.actions;

import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.breaker.TransitionListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a set of {@link DegradationAction}s on every transition of a breaker, each isolated from the
 * others: a failing action is logged and counted, and the rest still run. Attach with {@link
 * #attach}. Thread-safe.
 */
public final class DegradationActions implements TransitionListener {

  private static final System.Logger LOG = System.getLogger(DegradationActions.class.getName());

  private final MemoryBreaker breaker;
  private final List<DegradationAction> actions;
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  private DegradationActions(MemoryBreaker breaker, List<DegradationAction> actions) {
    this.breaker = breaker;
    this.actions = List.copyOf(actions);
  }

  /** Runs {@code actions} on every transition of {@code breaker} from now on. */
  public static DegradationActions attach(MemoryBreaker breaker, List<DegradationAction> actions) {
    Objects.requireNonNull(breaker, "breaker");
    DegradationActions all = new DegradationActions(breaker, actions);
    breaker.addListener(all);
    return all;
  }

  @Override
  public void onTransition(TransitionEvent event) {
    BreakerStatus status = breaker.status();
    for (DegradationAction action : actions) {
      try {
        action.onLevelChange(event.from(), event.to(), status);
      } catch (Exception | Error e) {
        failures.computeIfAbsent(action.name(), k -> new LongAdder()).increment();
        LOG.log(
            System.Logger.Level.WARNING,
            "membreaker: degradation action " + action.name() + " failed on " + event,
            e);
      }
    }
  }

  /** How often the named action has failed. */
  public long failures(String actionName) {
    LongAdder n = failures.get(actionName);
    return n == null ? 0 : n.sum();
  }

  /** Stops running the actions. */
  public void detach() {
    breaker.removeListener(this);
  }
}
