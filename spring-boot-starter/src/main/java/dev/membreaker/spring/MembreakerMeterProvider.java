package dev.membreaker.spring;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;

/**
 * The OpenTelemetry meter provider the breaker reports its metrics into when Micrometer is there,
 * read only when {@link MicrometerBridge} asks ({@link #collect()}), with cumulative temporality as
 * Micrometer's counters want. Free of Micrometer types, so the auto-configuration can name it
 * whether Micrometer is on the class path or not.
 */
final class MembreakerMeterProvider implements AutoCloseable {

  private final PullReader reader = new PullReader();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder().registerMetricReader(reader).build();

  SdkMeterProvider provider() {
    return provider;
  }

  Collection<MetricData> collect() {
    return reader.registration.collectAllMetrics();
  }

  @Override
  public void close() {
    provider.close();
  }

  private static final class PullReader implements MetricReader {

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
