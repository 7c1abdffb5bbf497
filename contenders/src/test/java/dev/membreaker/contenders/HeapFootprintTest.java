package dev.membreaker.contenders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.contenders.peers.HeapMeter;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The ground truth counts a held array as the heap holds it. */
class HeapFootprintTest {

  @Test
  void onG1AHumongousArrayTakesWholeRegionsAndASmallOneItsBytesAndHeader() {
    LongUnaryOperator footprint = ContenderServer.heapFootprint();
    assertThat(footprint.applyAsLong(1000)).isEqualTo(1016);
    if (HeapMeter.g1()) {
      long region = HeapMeter.g1RegionSize();
      assertThat(footprint.applyAsLong(region / 2 - 16))
          .as("half a region: humongous, one region")
          .isEqualTo(region);
      assertThat(footprint.applyAsLong(region))
          .as("a region's bytes and a header: two regions")
          .isEqualTo(2 * region);
      assertThat(footprint.applyAsLong(region / 4)).isEqualTo(region / 4 + 16);
    }
  }
}
