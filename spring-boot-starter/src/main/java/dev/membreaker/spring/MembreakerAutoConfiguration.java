package dev.membreaker.spring;

import dev.membreaker.Membreaker;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MethodPriorities;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * membreaker for Spring gRPC: one {@link Membreaker} built from {@code membreaker.*} in the
 * application's properties (or from the YAML file {@code membreaker.config-file} names, which is
 * then watched), its interceptor a global server interceptor and its stream tracer on every server
 * Spring gRPC builds, its admin service on its own port, and, when Actuator and Micrometer are
 * there, a health component, the {@code membreaker} endpoint and the breaker's meters. Every bean
 * backs off when the application defines its own; {@code membreaker.enabled: false} turns it all
 * off.
 */
@AutoConfiguration
@ConditionalOnClass({Membreaker.class, GlobalServerInterceptor.class})
@ConditionalOnProperty(
    prefix = "membreaker",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class MembreakerAutoConfiguration {

  /**
   * The application's method priorities, if it defines them as a bean; the config's win over them.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Membreaker membreaker(
      ConfigurableEnvironment environment,
      ObjectProvider<MethodPriorities.Builder> priorities,
      ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<MembreakerMeterProvider> meters)
      throws IOException {
    String file = environment.getProperty("membreaker.config-file");
    Membreaker.Builder builder =
        file != null
            ? Membreaker.fromFile(Path.of(file))
            : Membreaker.from(SpringConfigSource.read(environment));
    priorities.ifAvailable(builder::priorities);
    OpenTelemetry traces = openTelemetry.getIfAvailable(GlobalOpenTelemetry::get);
    MembreakerMeterProvider meterProvider = meters.getIfAvailable();
    builder.openTelemetry(
        meterProvider == null ? traces : new TracesAndMeters(traces, meterProvider.provider()));
    return builder.withoutExtensions().start();
  }

  @Bean
  @GlobalServerInterceptor
  @ConditionalOnMissingBean(name = "membreakerServerInterceptor")
  public ServerInterceptor membreakerServerInterceptor(Membreaker membreaker) {
    return membreaker.interceptor();
  }

  /** The stream tracer that keeps the account of bytes in flight, on every server builder. */
  @Bean
  @ConditionalOnMissingBean(name = "membreakerServerBuilderCustomizer")
  @SuppressWarnings({"rawtypes", "unchecked"})
  public ServerBuilderCustomizer membreakerServerBuilderCustomizer(Membreaker membreaker) {
    return builder ->
        builder.addStreamTracerFactory(membreaker.interceptor().streamTracerFactory());
  }

  @Bean
  @ConditionalOnMissingBean
  public MemoryBreaker memoryBreaker(Membreaker membreaker) {
    return membreaker.breaker();
  }

  /** The breaker's meters in Micrometer, with the names and meaning of its OpenTelemetry ones. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class Meters {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MembreakerMeterProvider membreakerMeterProvider() {
      return new MembreakerMeterProvider();
    }

    @Bean
    @ConditionalOnMissingBean(name = "membreakerMeters")
    io.micrometer.core.instrument.binder.MeterBinder membreakerMeters(
        MembreakerMeterProvider provider) {
      return new MicrometerBridge(provider);
    }
  }

  /** Actuator: the health component and the endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.contributor.HealthIndicator",
        "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
      })
  static class Actuator {

    @Bean
    @ConditionalOnMissingBean(name = "membreakerHealthIndicator")
    org.springframework.boot.health.contributor.HealthIndicator membreakerHealthIndicator(
        MemoryBreaker breaker) {
      return new MembreakerHealthIndicator(breaker);
    }

    @Bean
    @ConditionalOnMissingBean
    @org.springframework.boot.actuate.autoconfigure.endpoint.condition
        .ConditionalOnAvailableEndpoint
    MembreakerEndpoint membreakerEndpoint(MemoryBreaker breaker) {
      return new MembreakerEndpoint(breaker);
    }
  }

  /** Spans to the application's OpenTelemetry, metrics to the Micrometer bridge. */
  private record TracesAndMeters(OpenTelemetry traces, MeterProvider meters)
      implements OpenTelemetry {

    @Override
    public TracerProvider getTracerProvider() {
      return traces.getTracerProvider();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return meters;
    }

    @Override
    public ContextPropagators getPropagators() {
      return traces.getPropagators();
    }
  }
}
