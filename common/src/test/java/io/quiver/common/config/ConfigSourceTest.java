package io.quiver.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

  @Test
  void flagsBeatEnvironmentBeatFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("quiver.properties");
    Files.writeString(file, "data-node.port=1\nquery-node.port=2\nzookeeper.root=/f\n");
    ConfigSource src =
        ConfigSource.load(
            file,
            Map.of("QUIVER_DATA_NODE_PORT", "10", "QUIVER_QUERY_NODE_PORT", "20"),
            Map.of("data-node.port", "100"));
    assertThat(src.getInt("data-node.port", 0)).isEqualTo(100);
    assertThat(src.getInt("query-node.port", 0)).isEqualTo(20);
    assertThat(src.getString("zookeeper.root", "/quiver")).isEqualTo("/f");
    assertThat(src.getString("absent", "dflt")).isEqualTo("dflt");
  }

  @Test
  void unitsParse() {
    ConfigSource src =
        ConfigSource.of(Map.of("a", "250ms", "b", "10s", "c", "2m", "d", "PT1H", "e", "512m", "f", "4k"));
    assertThat(src.getDuration("a", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(src.getDuration("b", null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(src.getDuration("c", null)).isEqualTo(Duration.ofMinutes(2));
    assertThat(src.getDuration("d", null)).isEqualTo(Duration.ofHours(1));
    assertThat(src.getBytes("e", 0)).isEqualTo(512L << 20);
    assertThat(src.getBytes("f", 0)).isEqualTo(4096);
  }

  @Test
  void badValuesNameKeyAndValue() {
    ConfigSource src = ConfigSource.of(Map.of("p", "80x", "d", "soon", "b", "maybe"));
    assertThatThrownBy(() -> src.getInt("p", 0)).hasMessageContaining("config p").hasMessageContaining("'80x'");
    assertThatThrownBy(() -> src.getDuration("d", null)).hasMessageContaining("'soon'");
    assertThatThrownBy(() -> src.getBoolean("b", false)).hasMessageContaining("'maybe'");
    assertThatThrownBy(() -> ConfigSource.load(Path.of("/nonexistent/q.properties"), Map.of()))
        .hasMessageContaining("/nonexistent/q.properties");
  }

  @Test
  void environmentNamesAreDerivedFromKeys() {
    assertThat(ConfigSource.envName("data-node.segment.max-points")).isEqualTo("QUIVER_DATA_NODE_SEGMENT_MAX_POINTS");
  }
}
