package dev.membreaker.spring;

import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.signal.SignalReading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/membreaker}: the breaker's state, its dimensions' readings and its recent
 * transitions, read-only (changes go through the admin service, which needs its token). Expose it
 * with {@code management.endpoints.web.exposure.include: health,membreaker}.
 */
@Endpoint(id = "membreaker")
public class MembreakerEndpoint {

  private final MemoryBreaker breaker;

  MembreakerEndpoint(MemoryBreaker breaker) {
    this.breaker = breaker;
  }

  @ReadOperation
  public Map<String, Object> breaker() {
    BreakerStatus s = breaker.status();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state().name());
    m.put("cause", s.cause() == null ? null : s.cause().name());
    m.put("since", s.since().toString());
    m.put("pressure", s.pressure());
    m.put("drivingDimension", s.drivingDimension() == null ? null : s.drivingDimension().id());
    m.put("override", s.override().name());
    m.put("overrideReason", s.overrideReason());
    m.put("configVersion", s.configVersion());
    List<Map<String, Object>> dimensions = new ArrayList<>();
    for (SignalReading r : s.signals()) {
      if (r.available()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dimension", r.dimension().id());
        d.put("used", r.used());
        d.put("limit", r.limit());
        d.put("pressure", r.pressure());
        d.put("smoothedPressure", r.smoothedPressure());
        dimensions.add(d);
      }
    }
    m.put("dimensions", dimensions);
    List<Map<String, Object>> transitions = new ArrayList<>();
    for (TransitionEvent e : breaker.recentTransitions()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("at", e.at().toString());
      t.put("from", e.from().name());
      t.put("to", e.to().name());
      t.put("cause", e.cause().name());
      transitions.add(t);
    }
    m.put("transitions", transitions);
    return m;
  }
}
