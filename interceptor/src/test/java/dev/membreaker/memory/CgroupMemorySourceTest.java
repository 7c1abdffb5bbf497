package dev.membreaker.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.testing.FakeCgroupTree;
import dev.membreaker.testing.FakeCgroupTree.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container dimension on fake cgroup trees of both versions. */
class CgroupMemorySourceTest {

  private static final long MIB = 1 << 20;

  @Test
  void v2ReadsTheWorkingSetAgainstMemoryMax(@TempDir Path root) {
    FakeCgroupTree.create(root, Version.V2, 600 * MIB, String.valueOf(1024 * MIB), 100 * MIB);
    CgroupMemorySource source = CgroupMemorySource.detect(root);
    assertThat(source.version()).isEqualTo(CgroupMemorySource.Version.V2);
    MemoryReading r = source.read();
    assertThat(r.used()).isEqualTo(500 * MIB); // usage minus inactive file pages
    assertThat(r.limit()).isEqualTo(1024 * MIB);
    assertThat(r.pressure()).isEqualTo(500.0 / 1024);
  }

  @Test
  void v1ReadsTheWorkingSetAgainstTheLimitInBytes(@TempDir Path root) {
    FakeCgroupTree.create(root, Version.V1, 700 * MIB, String.valueOf(1000 * MIB), 200 * MIB);
    CgroupMemorySource source = CgroupMemorySource.detect(root);
    assertThat(source.version()).isEqualTo(CgroupMemorySource.Version.V1);
    MemoryReading r = source.read();
    assertThat(r.used()).isEqualTo(500 * MIB); // total_inactive_file, not inactive_file
    assertThat(r.limit()).isEqualTo(1000 * MIB);
  }

  @Test
  void theSameOpenFilesSeeNewValues(@TempDir Path root) {
    FakeCgroupTree tree = FakeCgroupTree.create(root, Version.V2, 100 * MIB, "1073741824", 0);
    CgroupMemorySource source = CgroupMemorySource.detect(root);
    assertThat(source.read().used()).isEqualTo(100 * MIB);
    tree.set(900 * MIB, "1073741824", 0);
    assertThat(source.read().used()).isEqualTo(900 * MIB);
  }

  @Test
  void maxOrAnAbsurdLimitMeansUnlimitedAndTheDimensionWaitsForALimit(@TempDir Path root) {
    FakeCgroupTree v2 = FakeCgroupTree.create(root.resolve("v2"), Version.V2, 100 * MIB, "max", 0);
    CgroupMemorySource source = CgroupMemorySource.detect(v2.root());
    assertThat(source.read().available()).isFalse();
    v2.set(100 * MIB, String.valueOf(400 * MIB), 0); // resized in place
    // The limit is re-read every LIMIT_EVERY reads (one file a read, not two): seen at the 10th.
    for (int i = 1; i < CgroupMemorySource.LIMIT_EVERY; i++) {
      assertThat(source.read().available()).as("read %d after the resize", i).isFalse();
    }
    assertThat(source.read().pressure()).isEqualTo(0.25);

    FakeCgroupTree v1 =
        FakeCgroupTree.create(root.resolve("v1"), Version.V1, 100 * MIB, "9223372036854771712", 0);
    assertThat(CgroupMemorySource.detect(v1.root()).read().available()).isFalse();
  }

  @Test
  void anUnreadableFileSwitchesTheDimensionOffWithoutThrowing(@TempDir Path root) throws Exception {
    FakeCgroupTree.create(root, Version.V2, 100 * MIB, "1073741824", 0);
    CgroupMemorySource source = CgroupMemorySource.detect(root);
    assertThat(source.read().available()).isTrue();
    source.close();
    Files.delete(root.resolve("memory.max"));
    Files.createDirectory(root.resolve("memory.max")); // reading a directory fails
    int reads = 1;
    while (source.read().available()) { // until the limit is read again
      reads++;
      assertThat(reads).isLessThanOrEqualTo(CgroupMemorySource.LIMIT_EVERY);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(source.read().available()).isFalse();
    }
    Files.delete(root.resolve("memory.max"));
    Files.writeString(root.resolve("memory.max"), "1073741824\n");
    assertThat(source.read().available()).isFalse(); // off for good: no retry storm
  }

  @Test
  void noControllerMeansOff(@TempDir Path root) {
    CgroupMemorySource source = CgroupMemorySource.detect(root);
    assertThat(source.version()).isEqualTo(CgroupMemorySource.Version.NONE);
    assertThat(source.read().available()).isFalse();
  }

  @Test
  void pressureStallInformationGivesTheSomeAvg10Share(@TempDir Path root) {
    FakeCgroupTree tree = FakeCgroupTree.create(root, Version.V2, 1, "2", 0).pressure("12.50");
    PressureStallSource source = new PressureStallSource(tree.root());
    assertThat(source.read().pressure()).isEqualTo(0.125);
    tree.pressure("0.00");
    assertThat(source.read().pressure()).isZero();
    assertThat(new PressureStallSource(root.resolve("nowhere")).read().available()).isFalse();
  }

  @Test
  void theThrottledSourceRepeatsItsReadingUntilItsIntervalPasses(@TempDir Path root) {
    FakeCgroupTree tree = FakeCgroupTree.create(root, Version.V2, 100 * MIB, "1073741824", 0);
    dev.membreaker.testing.FakeTicker ticker = new dev.membreaker.testing.FakeTicker();
    MemorySource source =
        new ThrottledSource(CgroupMemorySource.detect(root), 500_000_000L, ticker);
    assertThat(source.read().used()).isEqualTo(100 * MIB);
    tree.set(200 * MIB, "1073741824", 0);
    ticker.advanceMillis(499);
    assertThat(source.read().used()).isEqualTo(100 * MIB);
    ticker.advanceMillis(1);
    assertThat(source.read().used()).isEqualTo(200 * MIB);
  }
}
