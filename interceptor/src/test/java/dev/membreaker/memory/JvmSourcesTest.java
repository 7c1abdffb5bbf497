package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The JVM's own sources, read in this JVM. */
class JvmSourcesTest {

  @Test
  void theLiveSetIsMeasuredAtEachCollectionAndWakesTheSampler() {
    HeapLiveSetSource source = new HeapLiveSetSource();
    try {
      AtomicInteger wakes = new AtomicInteger();
      source.onChange(wakes::incrementAndGet);
      long before = source.read().epoch();
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() > 0);
      MemoryReading r = source.read();
      assertThat(r.epoch()).isGreaterThan(before);
      assertThat(r.limit()).isEqualTo(Runtime.getRuntime().maxMemory());
      assertThat(r.used()).isPositive().isLessThan(r.limit());
    } finally {
      source.close();
    }
  }

  @Test
  void rawHeapUsedIsPositiveAndUnderTheMaximum() {
    MemoryReading r = new HeapUsedSource().read();
    assertThat(r.used()).isPositive();
    assertThat(r.limit()).isEqualTo(Runtime.getRuntime().maxMemory());
  }

  @Test
  void directMemorySeesADirectBuffer() {
    DirectMemorySource source = new DirectMemorySource();
    long before = source.read().used();
    ByteBuffer buffer = ByteBuffer.allocateDirect(8 << 20);
    long after = source.read().used();
    assertThat(after - before).isGreaterThanOrEqualTo(8 << 20);
    assertThat(source.read().limit()).isPositive();
    assertThat(buffer.capacity()).isEqualTo(8 << 20); // keeps the buffer reachable until here
  }

  @Test
  void theShadedNettyOfGrpcNettyShadedIsFoundWithoutACompileTimeDependency() throws Exception {
    // grpc-netty-shaded is on the test class path only; the source finds it by name.
    Class<?> netty = Class.forName(DirectMemorySource.NETTY_CLASSES.get(0));
    long used = (long) netty.getMethod("usedDirectMemory").invoke(null);
    assertThat(new DirectMemorySource().tracksNetty()).isEqualTo(used >= 0);
  }

  @Test
  void metaspaceIsUnavailableWithoutALimit() {
    // Surefire starts this JVM without -XX:MaxMetaspaceSize.
    assertThat(new MetaspaceSource().read().available()).isFalse();
  }

  @Test
  void nettysCounterIsAddedToTheJdkPoolWhenItTracks() {
    DirectMemorySource jdkOnly = new DirectMemorySource(java.util.List.of());
    DirectMemorySource withNetty =
        new DirectMemorySource(java.util.List.of(FakeNettyCounters.Tracking.class.getName()));
    assertThat(withNetty.tracksNetty()).isTrue();
    FakeNettyCounters.Tracking.used = 5 << 20;
    long jdk = jdkOnly.read().used();
    long both = withNetty.read().used();
    assertThat(both - jdk).isEqualTo(5 << 20);
  }

  @Test
  void aNettyThatDoesNotTrackIsLeftOutAndTheJdkPoolIsUsed() {
    DirectMemorySource source =
        new DirectMemorySource(
            java.util.List.of(FakeNettyCounters.NotTracking.class.getName(), "no.such.Netty"));
    assertThat(source.tracksNetty()).isFalse();
    assertThat(source.read().used()).isEqualTo(new DirectMemorySource(java.util.List.of()).read().used());
  }
}
