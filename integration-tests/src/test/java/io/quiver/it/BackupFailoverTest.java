package io.quiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.SnapshotManifest;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken while a data node is down: every shard is exported by a replica that can still
 * serve a STRONG read, the stopped node's turn being skipped, and nothing is missing.
 */
class BackupFailoverTest {
  @TempDir static Path dir;
  static LoopbackCluster cluster;
  static QuiverClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new LoopbackCluster(dir.resolve("cluster"), 3);
    client = QuiverClient.builder(cluster.endpoint()).deadline(Duration.ofSeconds(60)).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void aStoppedDataNodeIsSkippedAndEveryShardIsCopiedWhole() {
    client.createCollection(CollectionSpec.builder("replicated", 4, Distance.L2).shards(3).replicationFactor(3).build());
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      points.add(new Point(PointId.of(i), new float[] {i, 1, 2, 3}, Map.of("i", (long) i), null));
    }
    client.upsert("replicated", points);

    cluster.stopDataNode(1);
    SnapshotManifest m = client.snapshot("replicated", dir.resolve("snap"));
    assertThat(m.points()).isEqualTo(1_000);
    assertThat(m.shards()).extracting(SnapshotManifest.Shard::node).doesNotContain("data-node-1");
  }
}
