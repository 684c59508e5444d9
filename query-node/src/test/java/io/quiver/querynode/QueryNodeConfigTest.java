package io.quiver.querynode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryNodeConfigTest {
  @Test
  void defaults() {
    QueryNodeConfig c = QueryNodeConfig.from(ConfigSource.empty());
    assertThat(c.nodeId().value()).isEqualTo("query-node-1");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(6400);
    assertThat(c.requestDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.httpPort()).isEqualTo(6401);
    assertThat(c.hedge().percentile()).isEqualTo(0.95);
    assertThat(c.hedge().minDelay()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.hedge().initialDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.cacheEntries()).isEqualTo(1024);
    assertThat(c.overfetch()).isEqualTo(1.5);
    assertThat(c.zookeeper().connect()).isEqualTo("localhost:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/quiver");
  }

  @Test
  void everyKey() {
    QueryNodeConfig c = QueryNodeConfig.from(ConfigSource.of(Map.ofEntries(
        Map.entry("query-node.node-id", "q-2"),
        Map.entry("query-node.host", "query.svc"),
        Map.entry("query-node.port", "0"),
        Map.entry("query-node.request-deadline", "2500ms"),
        Map.entry("query-node.http-port", "8080"),
        Map.entry("query-node.hedge.percentile", "0.9"),
        Map.entry("query-node.hedge.min-delay", "2ms"),
        Map.entry("query-node.hedge.initial-delay", "30ms"),
        Map.entry("query-node.cache.entries", "0"),
        Map.entry("query-node.search.overfetch", "2"),
        Map.entry("zookeeper.connect", "zk:2181"),
        Map.entry("zookeeper.root", "/other"))));
    assertThat(c.nodeId().value()).isEqualTo("q-2");
    assertThat(c.host()).isEqualTo("query.svc");
    assertThat(c.port()).isZero();
    assertThat(c.requestDeadline()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.hedge().percentile()).isEqualTo(0.9);
    assertThat(c.hedge().minDelay()).isEqualTo(Duration.ofMillis(2));
    assertThat(c.hedge().initialDelay()).isEqualTo(Duration.ofMillis(30));
    assertThat(c.cacheEntries()).isZero();
    assertThat(c.overfetch()).isEqualTo(2.0);
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/other");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.request-deadline", "0s"))))
        .hasMessageContaining("query-node.request-deadline must be positive");
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.http-port", "70000"))))
        .hasMessageContaining("query-node.http-port must be in 0..65535 but was 70000");
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.search.overfetch", "0.5"))))
        .hasMessageContaining("query-node.search.overfetch must be in 1..10.0 but was 0.5");
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.cache.entries", "-1"))))
        .hasMessageContaining("query-node.cache.entries must be >= 0 but was -1");
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.hedge.percentile", "2"))))
        .hasMessageContaining("query-node.hedge.*: hedge percentile must be in (0, 1] but was 2.0");
  }
}
