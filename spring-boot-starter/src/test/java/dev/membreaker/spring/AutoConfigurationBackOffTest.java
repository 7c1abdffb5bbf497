package dev.membreaker.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.Membreaker;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration alone: it backs off from the application's beans, and refuses bad keys.
 */
class AutoConfigurationBackOffTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(MembreakerAutoConfiguration.class))
          .withPropertyValues("membreaker.admin.port=0");

  @Configuration(proxyBeanMethods = false)
  static class OwnMembreaker {
    @Bean(destroyMethod = "close")
    Membreaker membreaker() throws java.io.IOException {
      return Membreaker.withDefaults().withoutAdmin().openTelemetry(OpenTelemetry.noop()).start();
    }

    @Bean
    ServerInterceptor membreakerServerInterceptor() {
      return new ServerInterceptor() {
        @Override
        public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
            io.grpc.ServerCall<ReqT, RespT> call,
            io.grpc.Metadata headers,
            io.grpc.ServerCallHandler<ReqT, RespT> next) {
          return next.startCall(call, headers);
        }
      };
    }
  }

  @Test
  void theApplicationsOwnBeansWin() {
    runner
        .withUserConfiguration(OwnMembreaker.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(Membreaker.class);
              assertThat(context.getBean(Membreaker.class).adminPort())
                  .as("the application's, which has no admin")
                  .isEqualTo(-1);
              assertThat(context.getBean("membreakerServerInterceptor"))
                  .isNotSameAs(context.getBean(Membreaker.class).interceptor());
            });
  }

  @Test
  void itSetsUpTheBreakerFromTheProperties() {
    runner
        .withPropertyValues(
            "membreaker.breaker.open=0.85",
            "membreaker.breaker.dimensions[0]=heap_live",
            "membreaker.breaker.dimensions[1]=direct",
            "membreaker.interceptor.priorities.pay.v1.Payments/Pay=CRITICAL")
        .run(
            context -> {
              Membreaker m = context.getBean(Membreaker.class);
              assertThat(m.breaker().config().open()).isEqualTo(0.85);
              assertThat(m.config().breaker().dimensions())
                  .extracting(d -> d.id())
                  .containsExactly("heap_live", "direct");
              assertThat(m.config().interceptor().priorities())
                  .containsEntry("pay.v1.Payments/Pay", dev.membreaker.policy.Priority.CRITICAL);
              assertThat(context.getBean("membreakerServerInterceptor")).isSameAs(m.interceptor());
            });
  }

  @Test
  void offWhenDisabledAndAClearErrorForAnUnknownKey() {
    runner
        .withPropertyValues("membreaker.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Membreaker.class));
    runner
        .withPropertyValues("membreaker.breaker.warnig=0.7")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("unknown key breaker.warnig"));
    runner
        .withPropertyValues("membreaker.brekaer.warning=0.7")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("unknown key membreaker.brekaer.warning"));
  }
}
