package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.UnpooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The JVM's own sources, read in this JVM. */
class JvmSourcesTest {

  @Test
  void theLiveSetIsMeasuredAtEachCollectionAndWakesTheSampler() {
    HeapLiveSetSource source = new HeapLiveSetSource(dev.membreaker.time.Ticker.system());
    try {
      AtomicInteger wakes = new AtomicInteger();
      source.onChange(wakes::incrementAndGet);
      long before = source.read().epoch();
      long anchorsBefore = source.evidence().anchorEpoch();
      System.gc();
      await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() > 0);
      MemoryReading r = source.read();
      assertThat(r.epoch()).isGreaterThan(before);
      assertThat(source.evidence().anchorEpoch())
          .as("a full collection is an anchor")
          .isGreaterThan(anchorsBefore);
      assertThat(source.evidence().collector())
          .isEqualTo(Collector.G1); // Surefire's JVM: the default
      assertThat(r.used())
          .as("right after a full collection the estimate is the anchor")
          .isEqualTo(source.evidence().anchor());
      assertThat(r.limit()).isEqualTo(Runtime.getRuntime().maxMemory());
      assertThat(r.used()).isPositive().isLessThan(r.limit());
    } finally {
      source.close();
    }
  }

  @Test
  void aConfirmingCollectionGivesAnAnchorAndIsNotRepeatedAtOnce() {
    HeapLiveSetSource source = new HeapLiveSetSource(dev.membreaker.time.Ticker.system());
    try {
      long anchors = source.evidence().anchorEpoch();
      assertThat(source.evidence().canConfirm()).as("Surefire's JVM allows explicit GC").isTrue();
      assertThat(source.requestConfirmation("test")).isEqualTo(LiveSetSource.Confirmation.STARTED);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  source.evidence().confirmations() == 1
                      && source.evidence().anchorEpoch() > anchors);
      assertThat(source.evidence().lastConfirmationPauseNanos()).isPositive();
      assertThat(source.requestConfirmation("again"))
          .as("at most one every two seconds")
          .isEqualTo(LiveSetSource.Confirmation.TOO_SOON);
      assertThat(source.evidence().confirmationAvailable()).isFalse();
    } finally {
      source.close();
    }
  }

  @Test
  void aCollectionWhosePauseCannotFitTheBudgetIsNeverStarted() {
    HeapLiveSetSource source = new HeapLiveSetSource(dev.membreaker.time.Ticker.system());
    try {
      System.gc(); // a figure to predict from: some bytes live
      await().atMost(Duration.ofSeconds(10)).until(() -> source.evidence().upper() > 0);
      source.pauseBudget(0); // no stop-the-world pause at all
      assertThat(source.requestConfirmation("test"))
          .isEqualTo(LiveSetSource.Confirmation.OVER_BUDGET);
      assertThat(source.refresh("test")).isEqualTo(LiveSetSource.Confirmation.OVER_BUDGET);
      assertThat(source.urgentConfirmation("test"))
          .isEqualTo(LiveSetSource.Confirmation.OVER_BUDGET);
      assertThat(source.evidence().canConfirm()).as("as under -XX:+DisableExplicitGC").isFalse();
      assertThat(source.evidence().confirmations()).isZero();
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
  void aDirectBufferTheShadedNettyAllocatesIsCountedExactlyOnce() {
    // grpc-netty-shaded is on the test class path only; the source finds it by name. Without a
    // cleaner (with --add-opens) only Netty's counter sees the buffer; with one (the default here)
    // the JDK pool does, and Netty 4.2 counts it as well: either way it must count once.
    assumeTrue(PlatformDependent.usedDirectMemory() >= 0, "this JVM's Netty does not count");
    DirectMemorySource source = new DirectMemorySource();
    assertThat(source.tracksNetty()).isEqualTo(PlatformDependent.useDirectBufferNoCleaner());
    long before = source.read().used();
    ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(8 << 20, 8 << 20);
    try {
      assertThat(source.read().used() - before).isBetween(8L << 20, (8L << 20) + (1 << 20));
    } finally {
      buffer.release();
    }
  }

  @Test
  void aNettyThatAllocatesWithACleanerIsLeftOutSinceTheJdkPoolHoldsItsBuffers() {
    DirectMemorySource source =
        new DirectMemorySource(
            java.util.List.of(FakeNettyCounters.CountingWithCleaner.class.getName()));
    assertThat(source.tracksNetty()).isFalse();
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
    assertThat(source.read().used())
        .isEqualTo(new DirectMemorySource(java.util.List.of()).read().used());
  }
}
