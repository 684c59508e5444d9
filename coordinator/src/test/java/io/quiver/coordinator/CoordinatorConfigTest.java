package io.quiver.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {
  @Test
  void defaults() {
    CoordinatorConfig c = CoordinatorConfig.from(ConfigSource.empty());
    assertThat(c.nodeId().value()).isEqualTo("coordinator-1");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7300);
    assertThat(c.statusTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.httpPort()).isEqualTo(7301);
    assertThat(c.zookeeper().connect()).isEqualTo("localhost:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/quiver");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.zookeeper().connectionTimeout()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void everyKey() {
    CoordinatorConfig c = CoordinatorConfig.from(ConfigSource.of(Map.of(
        "coordinator.node-id", "c-7",
        "coordinator.host", "coord.svc",
        "coordinator.port", "0",
        "coordinator.status-timeout", "500ms",
        "coordinator.http-port", "9301",
        "zookeeper.connect", "zk:2181",
        "zookeeper.root", "/q2",
        "zookeeper.session-timeout", "30s",
        "zookeeper.connection-timeout", "5s")));
    assertThat(c.nodeId().value()).isEqualTo("c-7");
    assertThat(c.host()).isEqualTo("coord.svc");
    assertThat(c.port()).isZero();
    assertThat(c.statusTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.httpPort()).isEqualTo(9301);
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/q2");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.zookeeper().connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("coordinator.port", "70000"))))
        .hasMessageContaining("coordinator.port must be in 0..65535 but was 70000");
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("coordinator.http-port", "-1"))))
        .hasMessageContaining("coordinator.http-port must be in 0..65535 but was -1");
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("zookeeper.root", "quiver"))))
        .hasMessageContaining("zookeeper.root must start with '/'");
  }
}
