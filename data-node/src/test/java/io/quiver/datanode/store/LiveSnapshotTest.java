package io.quiver.datanode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export's view of a replica stays at the applied index it was opened at, whatever is applied next. */
class LiveSnapshotTest {
  private static final ShardId SHARD = new ShardId(UUID.fromString("00000000-0000-0000-0000-00000000beef"), 1);
  private static final byte[] HASH = {1};

  @TempDir Path dir;

  @Test
  void seesExactlyTheLivePointsOfItsAppliedIndex() throws Exception {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      s.apply(1, 1, 1000, "r1", HASH, new ShardOp.Upsert(List.of(
          ShardStoreTest.point(3, 3, Map.of("k", "v")), ShardStoreTest.point(1, 1, Map.of()),
          ShardStoreTest.point(2, 2, Map.of()))));
      s.apply(1, 2, 1001, "r2", HASH, new ShardOp.Delete(List.of(PointId.of(2))));
      try (LiveSnapshot snap = s.liveSnapshot()) {
        // applied after the snapshot was opened: not in it
        s.apply(1, 3, 1002, "r3", HASH, new ShardOp.Upsert(List.of(ShardStoreTest.point(4, 4, Map.of()))));
        s.apply(1, 4, 1003, "r4", HASH, new ShardOp.Delete(List.of(PointId.of(1))));
        assertThat(snap.appliedIndex()).isEqualTo(2);
        List<Point> seen = new ArrayList<>();
        snap.forEach(p -> seen.add(p.point()));
        assertThat(seen).extracting(Point::id).containsExactly(PointId.of(1), PointId.of(3));
        assertThat(seen.get(1).payload()).isEqualTo(Map.of("k", "v"));
        assertThat(seen.get(1).text()).isEqualTo("text 3");
      }
      try (LiveSnapshot now = s.liveSnapshot()) {
        List<PointId> ids = new ArrayList<>();
        now.forEach(p -> ids.add(p.point().id()));
        assertThat(now.appliedIndex()).isEqualTo(4);
        assertThat(ids).containsExactly(PointId.of(3), PointId.of(4));
      }
      // A drop that starts during an export ends the export at its next point instead of waiting it out.
      java.util.concurrent.CompletableFuture<Void> drop;
      try (LiveSnapshot exporting = s.liveSnapshot()) {
        drop = java.util.concurrent.CompletableFuture.runAsync(() -> node.dropShard(SHARD));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(s::closing);
        assertThat(drop).as("the drop waits while the export holds the store").isNotDone();
        assertThatThrownBy(() -> exporting.forEach(p -> { })).isInstanceOf(StoreException.class)
            .hasMessageContaining("being dropped");
      }
      drop.get(10, java.util.concurrent.TimeUnit.SECONDS);
      // Once the replica is dropped its store refuses an export instead of reading a closed handle.
      assertThatThrownBy(s::liveSnapshot).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }
  }
}
