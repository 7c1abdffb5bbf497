package dev.membreaker.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * membreaker's OpenTelemetry metrics as Micrometer meters, with the same names, units, attributes
 * and meaning: the breaker reports through OpenTelemetry ({@code BreakerTelemetry}), into a meter
 * provider of this bridge's own; the first meter a Micrometer scrape reads collects it all (at most
 * every 100 ms), and each meter reads its series' value. Gauges stay gauges and monotonic sums
 * become function counters. A series that first appears after binding (a method called for the
 * first time) is registered at that collection, so it shows from the next scrape.
 */
final class MicrometerBridge implements MeterBinder {

  private final MembreakerMeterProvider source;
  private final Map<String, double[]> values = new ConcurrentHashMap<>();
  private final AtomicReference<MeterRegistry> registry = new AtomicReference<>();
  private static final long REFRESH_NANOS = 100_000_000L;
  private volatile long refreshedAt = System.nanoTime() - 2 * REFRESH_NANOS;

  MicrometerBridge(MembreakerMeterProvider source) {
    this.source = source;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry.set(registry);
    refresh();
  }

  /** A series' value, after collecting everything if the last collection is older than 100 ms. */
  private double read(double[] holder) {
    if (System.nanoTime() - refreshedAt > REFRESH_NANOS) {
      refresh();
    }
    return holder[0];
  }

  /** Collects every membreaker instrument now and registers the series not yet registered. */
  synchronized void refresh() {
    MeterRegistry r = registry.get();
    if (r == null) {
      return;
    }
    refreshedAt = System.nanoTime();
    for (MetricData metric : source.collect()) {
      boolean counter =
          metric.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM
                  && metric.getLongSumData().isMonotonic()
              || metric.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.DOUBLE_SUM
                  && metric.getDoubleSumData().isMonotonic();
      for (PointData point : metric.getData().getPoints()) {
        double value =
            point instanceof LongPointData l
                ? l.getValue()
                : point instanceof DoublePointData d ? d.getValue() : Double.NaN;
        if (Double.isNaN(value)) {
          continue; // histograms: membreaker reports none
        }
        String key = metric.getName() + point.getAttributes();
        double[] holder = values.get(key);
        if (holder == null) {
          holder = new double[] {value};
          values.put(key, holder);
          register(r, metric, point.getAttributes(), counter, holder);
        }
        holder[0] = value;
      }
    }
  }

  private void register(
      MeterRegistry r, MetricData metric, Attributes attributes, boolean counter, double[] holder) {
    List<Tag> tags = new ArrayList<>();
    attributes.forEach((k, v) -> tags.add(Tag.of(k.getKey(), String.valueOf(v))));
    String unit = baseUnit(metric.getUnit());
    if (counter) {
      FunctionCounter.builder(metric.getName(), holder, this::read)
          .description(metric.getDescription())
          .baseUnit(unit)
          .tags(tags)
          .register(r);
    } else {
      Gauge.builder(metric.getName(), holder, this::read)
          .description(metric.getDescription())
          .baseUnit(unit)
          .tags(tags)
          .register(r);
    }
  }

  /** OpenTelemetry's UCUM units as Micrometer's base units; counts in braces have none. */
  static String baseUnit(String unit) {
    if (unit == null || unit.isEmpty() || unit.equals("1") || unit.startsWith("{")) {
      return null;
    }
    return switch (unit) {
      case "By" -> "bytes";
      case "s" -> "seconds";
      case "ms" -> "milliseconds";
      default -> unit;
    };
  }
}
