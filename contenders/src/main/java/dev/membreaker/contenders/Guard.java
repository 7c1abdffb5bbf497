package dev.membreaker.contenders;

import com.alibaba.csp.sentinel.adapter.grpc.SentinelGrpcServerInterceptor;
import com.alibaba.csp.sentinel.slots.system.SystemRule;
import com.alibaba.csp.sentinel.slots.system.SystemRuleManager;
import com.netflix.concurrency.limits.grpc.server.ConcurrencyLimitServerInterceptor;
import com.netflix.concurrency.limits.grpc.server.GrpcServerLimiterBuilder;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import dev.membreaker.Membreaker;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.contenders.peers.AdmissionCheck;
import dev.membreaker.contenders.peers.ElasticsearchRealMemoryCheck;
import dev.membreaker.contenders.peers.HeapMeter;
import dev.membreaker.contenders.peers.NaiveHeapCheck;
import dev.membreaker.contenders.peers.OpenSearchNodeDuress;
import dev.membreaker.contenders.peers.PinotHeapMonitor;
import dev.membreaker.contenders.peers.RefusingInterceptor;
import dev.membreaker.contenders.peers.SolrMemoryCheck;
import dev.membreaker.demo.DemoServer;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * One contender of the proof scenarios: what stands between the network and the payment service.
 * Each peer is configured the way its own documentation shows for a server; see docs/RESULTS.md for
 * the settings and why.
 */
enum Guard {
  /** Nothing: the server takes every call. */
  NONE,
  /** membreaker with its defaults and the demo's method priorities. */
  MEMBREAKER,
  /** A Resilience4j CircuitBreaker with its default config (50 % failures over 100 calls). */
  RESILIENCE4J,
  /**
   * Netflix concurrency-limits' gRPC server interceptor: Gradient2 in a window, partitioned by
   * method.
   */
  CONCURRENCY_LIMITS,
  /** Sentinel's gRPC server adapter with a system rule (adaptive protection on CPU usage). */
  SENTINEL,
  /** What a user writes by hand: refuse while heap used is at least 90 % of the maximum. */
  NAIVE_HEAP,
  /** Solr's MemoryCircuitBreaker (SOLR-18284): old generation after its last collection, 75 %. */
  SOLR,
  /**
   * Elasticsearch's real-memory parent breaker: heap used over 95 %, with its G1 over-limit
   * strategy.
   */
  ELASTICSEARCH,
  /** Pinot's heap watcher: critical at 96 % of heap used, with its System.gc() back-off. */
  PINOT,
  /**
   * OpenSearch's search back-pressure node duress: heap used at 70 % for 3 samples a second apart.
   */
  OPENSEARCH,
  /**
   * grpc-java's own limits, set for this heap: concurrent calls per connection and inbound message
   * size.
   */
  GRPC_LIMITS;

  /**
   * grpc-limits: the largest request the demo takes (a 4 MiB bulk upload and its fields), rounded
   * up.
   */
  static final int GRPC_LIMITS_MAX_MESSAGE = 5 << 20;

  /**
   * grpc-limits: calls per connection so that that many of the largest requests fill half the heap
   * (256 MiB).
   */
  static final int GRPC_LIMITS_MAX_CALLS = 25;

  /** A membreaker config file for the membreaker contender (else the embedded defaults). */
  static final String CONFIG_PROPERTY = "contender.membreaker.config";

  static Guard parse(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
  }

  /**
   * The interceptors, the stream tracer factories they need on the server builder, and what to
   * report as its state; {@code close} stops what it started.
   */
  record Installed(
      List<ServerInterceptor> interceptors,
      List<ServerStreamTracer.Factory> tracers,
      Consumer<NettyServerBuilder> transport,
      Supplier<String> state,
      DoubleSupplier reading,
      AutoCloseable close) {

    Installed(List<ServerInterceptor> interceptors, Supplier<String> state, AutoCloseable close) {
      this(interceptors, List.of(), b -> {}, state, () -> Double.NaN, close);
    }

    /** A peer's memory check in front of the handler, its reading charted beside the truth. */
    static Installed check(String name, AdmissionCheck check, AutoCloseable close) {
      return new Installed(
          List.of(new RefusingInterceptor(name, check)),
          List.of(),
          b -> {},
          check::state,
          check::reading,
          close);
    }
  }

  Installed install() {
    switch (this) {
      case NONE:
        return new Installed(List.of(), () -> "-", () -> {});
      case MEMBREAKER:
        {
          // Built as a user builds it, through Membreaker: every key of the config file applies
          // (cohorts, max_concurrent_calls, max_request_bytes, allow_priority_raise, ...). Its
          // interceptor goes in the contender's chain, inside the probe that counts refusals, and
          // not
          // on the server, where it would run before the probe; there is no admin server to bind.
          Membreaker membreaker = startMembreaker();
          MemoryBreakerServerInterceptor interceptor = membreaker.interceptor();
          MemoryBreaker breaker = membreaker.breaker();
          return new Installed(
              List.of(interceptor),
              List.of(interceptor.streamTracerFactory()),
              b -> {},
              () -> breaker.status().state().name(),
              () -> breaker.status().pressure(),
              membreaker::close);
        }
      case RESILIENCE4J:
        {
          CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.ofDefaults());
          return new Installed(
              List.of(new Resilience4jServerInterceptor(breaker)),
              () -> breaker.getState().name(),
              () -> {});
        }
      case CONCURRENCY_LIMITS:
        {
          // As the project's README and PartitionedExample: a Gradient2 limit in a window,
          // partitioned so the important calls keep most of the limit.
          WindowedLimit limit =
              WindowedLimit.newBuilder().build(Gradient2Limit.newBuilder().build());
          var limiter =
              new GrpcServerLimiterBuilder()
                  .partitionByMethod()
                  .partition("membreaker.demo.v1.PaymentService/Pay", 0.5)
                  .partition("membreaker.demo.v1.PaymentService/Quote", 0.3)
                  .partition("membreaker.demo.v1.PaymentService/Report", 0.2)
                  .limit(limit)
                  .build();
          return new Installed(
              List.of(ConcurrencyLimitServerInterceptor.newBuilder(limiter).build()),
              () -> "limit=" + limit.getLimit(),
              () -> {});
        }
      case SENTINEL:
        {
          // Sentinel has no memory rule; its system rules guard a server's inbound entries
          // (which its gRPC server adapter makes). CPU usage is the one a memory storm drives
          // (the collector's threads), so that is the rule.
          if (System.getProperty("csp.sentinel.log.output.type") == null) {
            System.setProperty("csp.sentinel.log.output.type", "console"); // not ~/logs/csp
          }
          SystemRule rule = new SystemRule();
          rule.setHighestCpuUsage(0.8);
          SystemRuleManager.loadRules(List.of(rule));
          return new Installed(List.of(new SentinelGrpcServerInterceptor()), () -> "-", () -> {});
        }
      case NAIVE_HEAP:
        return Installed.check(
            "naive-heap", new NaiveHeapCheck(HeapMeter.heapUsed(), HeapMeter.heapMax()), () -> {});
      case SOLR:
        return Installed.check(
            "solr",
            new SolrMemoryCheck(HeapMeter.oldGenAfterCollection(), HeapMeter.heapMax()),
            () -> {});
      case ELASTICSEARCH:
        return Installed.check(
            "elasticsearch",
            new ElasticsearchRealMemoryCheck(
                HeapMeter.heapUsed(),
                HeapMeter.heapMax(),
                HeapMeter.g1()
                    ? ElasticsearchRealMemoryCheck.G1OverLimitStrategy.forThisJvm()
                    : null),
            () -> {});
      case PINOT:
        {
          PinotHeapMonitor pinot =
              new PinotHeapMonitor(HeapMeter.heapUsed(), HeapMeter.heapMax(), System::gc);
          ScheduledExecutorService watcher = daemon("pinot-watcher");
          watcher.execute(
              new Runnable() {
                @Override
                public void run() {
                  watcher.schedule(this, pinot.cycle(), TimeUnit.MILLISECONDS);
                }
              });
          return Installed.check("pinot", pinot, watcher::shutdownNow);
        }
      case OPENSEARCH:
        {
          OpenSearchNodeDuress duress =
              new OpenSearchNodeDuress(HeapMeter.heapUsed(), HeapMeter.heapMax());
          ScheduledExecutorService sampler = daemon("opensearch-backpressure");
          sampler.scheduleAtFixedRate(
              duress::sample,
              OpenSearchNodeDuress.INTERVAL_MILLIS,
              OpenSearchNodeDuress.INTERVAL_MILLIS,
              TimeUnit.MILLISECONDS);
          return Installed.check("opensearch", duress, sampler::shutdownNow);
        }
      case GRPC_LIMITS:
        return new Installed(
            List.of(),
            List.of(),
            b ->
                b.maxConcurrentCallsPerConnection(GRPC_LIMITS_MAX_CALLS)
                    .maxInboundMessageSize(GRPC_LIMITS_MAX_MESSAGE),
            () -> "-",
            () -> Double.NaN,
            () -> {});
      default:
        throw new AssertionError(this);
    }
  }

  private static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private static Membreaker startMembreaker() {
    String file = System.getProperty(CONFIG_PROPERTY);
    Membreaker.Builder setup =
        file == null ? Membreaker.withDefaults() : Membreaker.fromFile(Path.of(file));
    try {
      return setup
          .priorities(DemoServer.paymentPriorities())
          .withoutAdmin()
          .withoutExtensions()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
