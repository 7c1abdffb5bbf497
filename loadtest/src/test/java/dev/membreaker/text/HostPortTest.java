package dev.membreaker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:50051, 127.0.0.1, 50051",
    "localhost:1, localhost, 1",
    "' payments.internal:65535 ', payments.internal, 65535",
    "[::1]:8080, ::1, 8080"
  })
  void readsWhatPeopleWrite(String text, String host, int port) {
    HostPort hp = HostPort.parse(text);
    assertThat(hp.host()).isEqualTo(host);
    assertThat(hp.port()).isEqualTo(port);
    assertThat(HostPort.parse(hp.toString())).as("written back and read again").isEqualTo(hp);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        ":50051",
        "localhost:",
        "localhost:http",
        "localhost:0",
        "localhost:65536",
        "localhost:123456",
        "::1:8080",
        "host:-1"
      })
  void refusesAnythingElseSayingWhatWasGiven(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port")
        .hasMessageContaining("'" + text + "'");
  }
}
