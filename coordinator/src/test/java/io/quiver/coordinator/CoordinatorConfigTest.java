package io.quiver.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.config.ConfigSource;
import io.quiver.coordinator.membership.MembershipSettings;
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
    assertThat(c.membership().replaceDelay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.membership().tick()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.membership().maxBytesPerSecond()).isEqualTo(64L << 20);
    assertThat(c.membership().maxConcurrentMoves()).isEqualTo(2);
    assertThat(c.membership().catchUpGap()).isEqualTo(16);
    assertThat(c.membership().moveTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void everyKey() {
    CoordinatorConfig c = CoordinatorConfig.from(ConfigSource.of(Map.ofEntries(
        Map.entry("coordinator.node-id", "c-7"),
        Map.entry("coordinator.host", "coord.svc"),
        Map.entry("coordinator.port", "0"),
        Map.entry("coordinator.status-timeout", "500ms"),
        Map.entry("coordinator.http-port", "9301"),
        Map.entry("zookeeper.connect", "zk:2181"),
        Map.entry("zookeeper.root", "/q2"),
        Map.entry("zookeeper.session-timeout", "30s"),
        Map.entry("zookeeper.connection-timeout", "5s"),
        Map.entry("coordinator.replace-delay", "10s"),
        Map.entry("coordinator.membership-tick", "250ms"),
        Map.entry("coordinator.rebalance.max-bytes-per-second", "1048576"),
        Map.entry("coordinator.rebalance.max-concurrent-moves", "4"),
        Map.entry("coordinator.rebalance.catch-up-gap", "0"),
        Map.entry("coordinator.rebalance.move-timeout", "1m"))));
    assertThat(c.nodeId().value()).isEqualTo("c-7");
    assertThat(c.host()).isEqualTo("coord.svc");
    assertThat(c.port()).isZero();
    assertThat(c.statusTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.httpPort()).isEqualTo(9301);
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/q2");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.zookeeper().connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.membership()).isEqualTo(new MembershipSettings(
        Duration.ofSeconds(10), Duration.ofMillis(250), 1L << 20, 4, 0, Duration.ofMinutes(1)));
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("coordinator.port", "70000"))))
        .hasMessageContaining("coordinator.port must be in 0..65535 but was 70000");
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("coordinator.http-port", "-1"))))
        .hasMessageContaining("coordinator.http-port must be in 0..65535 but was -1");
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("zookeeper.root", "quiver"))))
        .hasMessageContaining("zookeeper.root must start with '/'");
    assertThatThrownBy(() -> CoordinatorConfig.from(ConfigSource.of(Map.of("coordinator.replace-delay", "0s"))))
        .hasMessageContaining("coordinator.replace-delay must be positive");
  }
}
