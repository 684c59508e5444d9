package io.quiver.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClusterJsonTest {
  @Test
  void recordsReadBackAsWritten() {
    CatalogEntry e = new CatalogEntry("docs", UUID.randomUUID(), CollectionConfig.of(384, Distance.COSINE).withShards(8, 3), 42L);
    assertThat(ClusterJson.catalogEntry(ClusterJson.catalogEntry(e))).isEqualTo(e);

    NodeLease l = new NodeLease(new NodeId("dn-1"), "10.0.0.1:7400", 100, "z1", UUID.randomUUID().toString());
    assertThat(ClusterJson.lease(ClusterJson.lease(l))).isEqualTo(l);
    NodeLease withRaft = new NodeLease(new NodeId("dn-2"), "10.0.0.2:7400", 100, "z1", "inc", "10.0.0.2:7402", "dn-2@ab12cd34");
    assertThat(ClusterJson.lease(ClusterJson.lease(withRaft))).isEqualTo(withRaft);
    assertThat(withRaft.hasRaft()).isTrue();
    assertThat(l.hasRaft()).isFalse();

    CollectionPlacement p = new CollectionPlacement(List.of(
        new ShardPlacement(0, List.of(new NodeId("a"), new NodeId("b")), List.of(new NodeId("c")))), 7);
    assertThat(ClusterJson.placement(ClusterJson.placement(p), 7)).isEqualTo(p);

    LeaderInfo leader = new LeaderInfo("c1", "127.0.0.1:7300", 3);
    assertThat(ClusterJson.leader(ClusterJson.leader(leader))).isEqualTo(leader);
  }

  @Test
  void pathsFollowTheLayout() {
    ZkPaths z = new ZkPaths("/quiver");
    assertThat(z.leaderLatch()).isEqualTo("/quiver/coordinators/leader-latch");
    assertThat(z.epoch()).isEqualTo("/quiver/coordinators/epoch");
    assertThat(z.node("dn1")).isEqualTo("/quiver/nodes/dn1");
    assertThat(z.placement("docs")).isEqualTo("/quiver/collections/docs/placement");
  }
}
