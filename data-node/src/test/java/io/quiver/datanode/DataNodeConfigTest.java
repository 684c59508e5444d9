package io.quiver.datanode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.config.ConfigSource;
import io.quiver.datanode.raft.AdmissionSettings;
import io.quiver.datanode.raft.RaftSettings;
import io.quiver.datanode.store.NodeStore;
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
    assertThat(c.raftPort()).isEqualTo(7402);
    assertThat(c.readdress()).isFalse();
    assertThat(c.raft()).isEqualTo(RaftSettings.DEFAULTS);
    assertThat(c.admission()).isEqualTo(new AdmissionSettings(1_000, 200_000)).isEqualTo(AdmissionSettings.DEFAULTS);
    assertThat(c.store().blockCacheBytes()).isEqualTo(32L << 20);
    assertThat(c.store().writeBufferBytes()).isEqualTo(4L << 20);
    assertThat(c.store().requestTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.zookeeper().connect()).isEqualTo("localhost:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/quiver");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyKey() {
    DataNodeConfig c = DataNodeConfig.from(ConfigSource.of(Map.ofEntries(
        Map.entry("data-node.node-id", "dn-3"),
        Map.entry("data-node.host", "dn-3.quiver"),
        Map.entry("data-node.port", "0"),
        Map.entry("data-node.data-dir", "/var/lib/quiver"),
        Map.entry("data-node.capacity", "250"),
        Map.entry("data-node.zone", "eu-1b"),
        Map.entry("data-node.http-port", "9401"),
        Map.entry("data-node.raft-port", "9402"),
        Map.entry("data-node.readdress", "true"),
        Map.entry("data-node.store.block-cache", "64m"),
        Map.entry("data-node.store.write-buffer", "8m"),
        Map.entry("data-node.store.request-id-ttl", "5m"),
        Map.entry("data-node.store.tombstone-purge-interval", "30s"),
        Map.entry("data-node.admission.max-apply-backlog-entries", "300"),
        Map.entry("data-node.admission.max-index-backlog-points", "50000"),
        Map.entry("data-node.admission.memory-budget-bytes", "3000000000"),
        Map.entry("data-node.admission.disk-budget-bytes", "100000000000"),
        Map.entry("zookeeper.connect", "zk:2181"),
        Map.entry("zookeeper.session-timeout", "30s"))));
    assertThat(c.nodeId().value()).isEqualTo("dn-3");
    assertThat(c.host()).isEqualTo("dn-3.quiver");
    assertThat(c.port()).isZero();
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/quiver"));
    assertThat(c.capacity()).isEqualTo(250);
    assertThat(c.zone()).isEqualTo("eu-1b");
    assertThat(c.httpPort()).isEqualTo(9401);
    assertThat(c.raftPort()).isEqualTo(9402);
    assertThat(c.readdress()).isTrue();
    assertThat(c.store()).isEqualTo(new NodeStore.Settings(64L << 20, 8L << 20, Duration.ofMinutes(5),
        Duration.ofSeconds(30)));
    assertThat(c.admission()).isEqualTo(new AdmissionSettings(300, 50_000, 3_000_000_000L, 100_000_000_000L));
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyRaftKey() {
    Map<String, String> m = new java.util.HashMap<>();
    String[] values = {"3s", "6s", "9s", "2m", "5000", "16m", "3", "32m", "2000", "512"};
    for (int i = 0; i < RaftSettings.KEYS.length; i++) {
      m.put(RaftSettings.KEYS[i], values[i]);
    }
    assertThat(DataNodeConfig.from(ConfigSource.of(m)).raft()).isEqualTo(new RaftSettings(Duration.ofSeconds(3),
        Duration.ofSeconds(6), Duration.ofSeconds(9), 2 << 20, 5000, 16L << 20, 3, 32L << 20, 2000, 512));
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.raft-port", "-1"))))
        .hasMessageContaining("data-node.raft-port must be in 0..65535 but was -1");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.store.block-cache", "1k"))))
        .hasMessageContaining("data-node.store.block-cache must be >= 1 MiB");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.store.tombstone-purge-interval", "10ms"))))
        .hasMessageContaining("data-node.store.tombstone-purge-interval must be >= 1s but was PT0.01S");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.raft.max-entry-points", "0"))))
        .hasMessageContaining("data-node.raft.max-entry-points must be >= 1 but was 0");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.admission.max-index-backlog-points", "0"))))
        .hasMessageContaining("data-node.admission.max-index-backlog-points must be >= 1 but was 0");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.capacity", "0"))))
        .hasMessageContaining("data-node.capacity must be >= 1 but was 0");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.http-port", "65536"))))
        .hasMessageContaining("data-node.http-port must be in 0..65535 but was 65536");
    assertThatThrownBy(() -> DataNodeConfig.from(ConfigSource.of(Map.of("data-node.node-id", "bad id"))))
        .hasMessageContaining("node id 'bad id'");
  }
}
