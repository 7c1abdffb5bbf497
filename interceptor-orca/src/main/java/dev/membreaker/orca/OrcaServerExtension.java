package dev.membreaker.orca;

import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.spi.ServerExtension;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.util.List;

/**
 * Adds ORCA load reports ({@link OrcaPressureReporter}, its defaults) to a server that {@link
 * dev.membreaker.Membreaker} sets up, when this module is on the class path: the out-of-band
 * OpenRcaService, and the interceptor that adds a report to every call's trailers.
 */
public final class OrcaServerExtension implements ServerExtension {

  @Override
  public String name() {
    return "orca";
  }

  @Override
  public Installed install(MemoryBreaker breaker, MemoryBreakerServerInterceptor interceptor) {
    OrcaPressureReporter reporter =
        OrcaPressureReporter.builder(breaker, interceptor).build().start();
    return new Installed() {
      @Override
      public List<BindableService> services() {
        return List.of(reporter.oobService());
      }

      @Override
      public List<ServerInterceptor> interceptors() {
        return List.of(reporter.serverInterceptor());
      }

      @Override
      public void close() {
        reporter.close();
      }
    };
  }
}
