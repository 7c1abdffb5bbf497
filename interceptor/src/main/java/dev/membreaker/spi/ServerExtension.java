package dev.membreaker.spi;

import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.util.List;

/**
 * What another membreaker module adds to a server that {@link dev.membreaker.Membreaker} sets up,
 * found with {@link java.util.ServiceLoader} when that module is on the class path (as
 * membreaker-interceptor-orca adds ORCA load reports). Not for applications to implement.
 */
public interface ServerExtension {

  /** A short name for logs and errors. */
  String name();

  /** Starts the extension for this breaker and interceptor. */
  Installed install(MemoryBreaker breaker, MemoryBreakerServerInterceptor interceptor);

  /** A started extension: the services and interceptors it adds, and how it stops. */
  interface Installed extends AutoCloseable {

    /** Services to add to the application's server. */
    List<BindableService> services();

    /** Interceptors to add to the application's server, after membreaker's (so they run first). */
    List<ServerInterceptor> interceptors();

    @Override
    void close();
  }
}
