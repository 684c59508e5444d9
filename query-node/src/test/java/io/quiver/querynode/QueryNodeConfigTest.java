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
    assertThat(c.zookeeper().connect()).isEqualTo("localhost:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/quiver");
  }

  @Test
  void everyKey() {
    QueryNodeConfig c = QueryNodeConfig.from(ConfigSource.of(Map.of(
        "query-node.node-id", "q-2",
        "query-node.host", "query.svc",
        "query-node.port", "0",
        "query-node.request-deadline", "2500ms",
        "zookeeper.connect", "zk:2181",
        "zookeeper.root", "/other")));
    assertThat(c.nodeId().value()).isEqualTo("q-2");
    assertThat(c.host()).isEqualTo("query.svc");
    assertThat(c.port()).isZero();
    assertThat(c.requestDeadline()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.zookeeper().connect()).isEqualTo("zk:2181");
    assertThat(c.zookeeper().root()).isEqualTo("/other");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> QueryNodeConfig.from(ConfigSource.of(Map.of("query-node.request-deadline", "0s"))))
        .hasMessageContaining("query-node.request-deadline must be positive");
  }
}
