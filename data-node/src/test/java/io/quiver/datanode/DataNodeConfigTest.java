package io.quiver.datanode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataNodeConfigTest {
  @Test
  void defaults() {
    DataNodeConfig c = DataNodeConfig.from(ConfigSource.empty());
    assertThat(c.nodeId().value()).isEqualTo("data-node-1");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7400);
    assertThat(c.dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.capacity()).isEqualTo(100);
    assertThat(c.zone()).isEqualTo("default");
    assertThat(c.httpPort()).isEqualTo(7401);
    assertThat(c.zookeeper().connect()).isEqualTo("localhost:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/quiver");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKey() {
    DataNodeConfig c = DataNodeConfig.from(ConfigSource.of(Map.of(
        "data-node.node-id", "dn-3",
        "data-node.host", "dn-3.quiver",
        "data-node.port", "0",
        "data-node.data-dir", "/var/lib/quiver",
        "data-node.capacity", "250",
        "data-node.zone", "eu-1b",
        "data-node.http-port", "9401",
        "zookeeper.connect", "zk:2181",
        "zookeeper.session-timeout", "30s")));
    assertThat(c.nodeId().value()).isEqualTo("dn-3");
    assertThat(c.host()).isEqualTo("dn-3.quiver");
    assertThat(c.port()).isZero();
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/quiver"));
    assertThat(c.capacity()).isEqualTo(250);
    assertThat(c.zone()).isEqualTo("eu-1b");
    assertThat(c.httpPort()).isEqualTo(9401);
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.capacity", "0"))))
        .hasMessageContaining("data-node.capacity must be >= 1 but was 0");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.http-port", "65536"))))
        .hasMessageContaining("data-node.http-port must be in 0..65535 but was 65536");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.node-id", "bad id"))))
        .hasMessageContaining("node id 'bad id'");
  }
}
