package dev.membreaker.contenders;

import dev.membreaker.demo.PaymentServiceImpl;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;
import dev.membreaker.memory.MemorySources;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's payment service on 127.0.0.1 behind one contender's guard, for the proof scenarios. It
 * prints {@code ready port=N}, then every 100 ms one {@code sample {...}} JSON line with what the
 * scenario runner charts: the live set after GC, raw heap and direct memory (read the same way for
 * every contender, by membreaker's sources, which guard nothing here unless the contender is
 * membreaker), the guard's state, and the probe's counts.
 *
 * <pre>java -Xmx256m -XX:+ExitOnOutOfMemoryError -jar membreaker-contenders.jar --guard membreaker
 * </pre>
 */
public final class ContenderServer {

  private ContenderServer() {}

  public static void main(String[] args) throws Exception {
    Guard guard = Guard.MEMBREAKER;
    int port = 0;
    long maxRetain = 64L << 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--guard":
          guard = Guard.parse(args[++i]);
          break;
        case "--port":
          port = Integer.parseInt(args[++i]);
          break;
        case "--config":
          System.setProperty(Guard.CONFIG_PROPERTY, args[++i]);
          break;
        case "--max-retain-bytes":
          maxRetain = Long.parseLong(args[++i]);
          break;
        default:
          System.err.println(
              "usage: ContenderServer [--guard"
                  + " none|membreaker|resilience4j|concurrency-limits|sentinel"
                  + "|naive-heap|solr|elasticsearch|pinot|opensearch|grpc-limits] [--port N]"
                  + " [--max-retain-bytes N] [--config membreaker.yaml]");
          System.exit(2);
      }
    }
    PrintStream out = System.out;
    OutOfMemoryCounter oom = OutOfMemoryCounter.install();
    ScheduledExecutorService timer =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "contender-timer");
              t.setDaemon(true);
              return t;
            });
    long baseLive = baseLive();
    Guard.Installed installed = guard.install();
    CallProbe probe = new CallProbe();
    List<ServerInterceptor> chain = new ArrayList<>();
    chain.add(
        probe.inner()); // ServerInterceptors.intercept: the first given runs last, next to the
    // handler
    chain.addAll(installed.interceptors());
    chain.add(probe.outer());
    PaymentServiceImpl payments = new PaymentServiceImpl(maxRetain, 60_000, timer, heapFootprint());
    ServerServiceDefinition service = ServerInterceptors.intercept(payments, chain);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(service)
            .maxInboundMessageSize(32 << 20)
            // A fixed window (grpc-java's default size, without its BDP auto-tuning): what a stream
            // may hold before its call reads it stays at 1 MiB (docs/interceptor.md, bytes in
            // flight).
            .flowControlWindow(1 << 20);
    installed.tracers().forEach(builder::addStreamTracerFactory);
    installed.transport().accept(builder);
    Server server = builder.build().start();

    MemorySource live = MemorySources.heapLiveSet();
    MemorySource heap = MemorySources.heapUsed();
    MemorySource direct = MemorySources.direct();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] samplerThreads = samplerThreads();
    HeapPeak peak = HeapPeak.install();
    long started = System.nanoTime();
    Guard.Installed guardState = installed;
    long heapMax = Runtime.getRuntime().maxMemory();
    out.printf(
        "ready port=%d guard=%s heapMax=%d baseLive=%d%n",
        server.getPort(), guard.name().toLowerCase(Locale.ROOT), heapMax, baseLive);
    out.flush();
    timer.scheduleAtFixedRate(
        () -> {
          MemoryReading l = live.read();
          MemoryReading h = heap.read();
          MemoryReading d = direct.read();
          out.printf(
              Locale.ROOT,
              "sample"
                  + " {\"t\":%d,\"live\":%.4f,\"heap\":%.4f,\"heapPeak\":%.4f,\"direct\":%.4f,\"directBytes\":%d,\"state\":\"%s\","
                  + "\"started\":%d,\"admitted\":%d,\"shed\":%d,\"oom\":%d,\"samplerCpuNanos\":%d,\"retained\":%.4f,"
                  + "\"reading\":%.4f}%n",
              (System.nanoTime() - started) / 1_000_000,
              l.pressure(),
              h.pressure(),
              Math.max(h.pressure(), peak.takeFraction()),
              d.pressure(),
              d.used(),
              guardState.state().get(),
              probe.started.sum(),
              probe.admitted.sum(),
              probe.shed.sum(),
              oom.errors.sum(),
              cpuNanos(threads, samplerThreads),
              (double) (baseLive + payments.heldFootprint()) / heapMax,
              finiteOr(guardState.reading().getAsDouble(), -1));
          out.flush();
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdownNow();
                  try {
                    installed.close().close();
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                }));
    server.awaitTermination();
  }

  /**
   * What the server holds before it serves: heap used right after a full collection, taken the same
   * way before every contender's guard is installed. With what the bytes calls ask it to hold take
   * of the heap ({@link #heapFootprint()}), it is the ground truth the scenarios judge refusals
   * against.
   */
  private static long baseLive() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * What an array of {@code length} bytes takes of this heap: its bytes and a 16-byte header,
   * rounded up to whole regions on G1 when it is humongous (half a region or more), as G1 stores
   * it. So the ground truth is the heap the held bytes occupy: a 1 MiB array takes 2 MiB of a 256
   * MiB G1 heap, whose regions are 1 MiB.
   */
  static java.util.function.LongUnaryOperator heapFootprint() {
    if (!dev.membreaker.contenders.peers.HeapMeter.g1()) {
      return length -> length + 16;
    }
    long region = dev.membreaker.contenders.peers.HeapMeter.g1RegionSize();
    return length ->
        length + 16 >= region / 2 ? (length + 16 + region - 1) / region * region : length + 16;
  }

  private static double finiteOr(double v, double otherwise) {
    return Double.isFinite(v) ? v : otherwise;
  }

  /**
   * The ids of membreaker's own threads (sampler and watchdog), found once: the breaker starts them
   * before the server listens. Empty for other contenders.
   */
  private static long[] samplerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.getName().startsWith("membreaker-sampler")
                    || t.getName().startsWith("membreaker-watchdog"))
        .mapToLong(Thread::getId)
        .toArray();
  }

  /** Their CPU time so far. */
  private static long cpuNanos(ThreadMXBean threads, long[] ids) {
    long total = 0;
    for (long id : ids) {
      total += Math.max(0, threads.getThreadCpuTime(id));
    }
    return total;
  }
}
