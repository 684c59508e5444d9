package io.quiver.datanode.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardId;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardStoreTest {
  private static final ShardId SHARD = new ShardId(UUID.fromString("00000000-0000-0000-0000-00000000abcd"), 3);
  private static final byte[] H1 = {1};
  private static final byte[] H2 = {2};

  @TempDir Path dir;

  static Point point(long id, float x, Map<String, Object> payload) {
    return new Point(PointId.of(id), new float[] {x, x + 1}, payload, "text " + id);
  }

  private static ShardOp upsert(Point... points) {
    return new ShardOp.Upsert(List.of(points));
  }

  @Test
  void appliesInOneBatchAndSurvivesReopen() {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      var applied = s.apply(1, 1, 1000, "r1", H1, upsert(point(1, 1, Map.of("color", "red")), point(2, 2, Map.of())));
      assertThat(applied).isPresent();
      assertThat(applied.get().result().affected()).isEqualTo(2);
      s.apply(1, 2, 1001, "r2", H1, new ShardOp.Delete(List.of(PointId.of(1), PointId.of(99))));
    }
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      assertThat(node.shards()).containsExactly(SHARD);
      ShardStore s = node.shard(SHARD);
      assertThat(s.appliedIndex()).isEqualTo(2);
      assertThat(s.appliedTerm()).isEqualTo(1);
      assertThat(s.get(PointId.of(1))).isEmpty();
      assertThat(s.tombstone(PointId.of(1))).contains(2L);
      assertThat(s.tombstone(PointId.of(99))).isEmpty();
      StoredPoint p2 = s.get(PointId.of(2)).orElseThrow();
      assertThat(p2.logIndex()).isEqualTo(1);
      assertThat(p2.point().vector()).containsExactly(2f, 3f);
      assertThat(p2.point().text()).isEqualTo("text 2");
      assertThat(s.countLive()).isEqualTo(1);
      // a replayed entry (index <= lastApplied) changes nothing
      assertThat(s.apply(1, 2, 1001, "r3", H1, upsert(point(1, 1, Map.of())))).isEmpty();
      assertThat(s.countLive()).isEqualTo(1);
    }
  }

  @Test
  void aTombstonePurgeForgetsOnlyTheDeletesAtOrBelowItsIndexAndKeepsEveryPoint() {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      s.apply(1, 1, 1000, "up", H1, upsert(point(1, 1, Map.of()), point(2, 2, Map.of()), point(3, 3, Map.of())));
      s.apply(1, 2, 1001, "del-1", H1, new ShardOp.Delete(List.of(PointId.of(1))));
      s.apply(1, 5, 1002, "del-2", H1, new ShardOp.Delete(List.of(PointId.of(2))));
      assertThat(s.countTombstones(Long.MAX_VALUE)).isEqualTo(2);
      assertThat(s.countTombstones(3)).isEqualTo(1);

      var purged = s.apply(1, 6, 1003, "purge-3", H2, new ShardOp.PurgeTombstones(3));
      assertThat(purged.orElseThrow().result().affected()).isEqualTo(1);
      assertThat(purged.orElseThrow().change().isEmpty()).isTrue();
      assertThat(s.tombstone(PointId.of(1))).isEmpty();
      assertThat(s.tombstone(PointId.of(2))).contains(5L);
      assertThat(s.get(PointId.of(3))).isPresent();
      assertThat(s.get(PointId.of(1))).isEmpty();
      assertThat(s.countLive()).isEqualTo(1);
      assertThat(s.appliedIndex()).isEqualTo(6);
    }
  }

  @Test
  void aDropWaitsForAnExportInProgressAndLaterUsesAreRefusedNotCrashed() throws Exception {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      s.apply(1, 1, 1000, "up", H1, upsert(point(1, 1, Map.of()), point(2, 2, Map.of())));
      java.util.concurrent.CompletableFuture<Void> drop;
      try (UseGuard.Use exporting = s.enter()) { // what an export holds while it reads the rows
        drop = java.util.concurrent.CompletableFuture.runAsync(() -> node.dropShard(SHARD));
        Thread.sleep(300);
        assertThat(drop).as("the drop waits for the export").isNotDone();
        assertThat(s.get(PointId.of(1))).as("the export still reads its rows").isPresent();
      }
      drop.get(10, java.util.concurrent.TimeUnit.SECONDS);
      // RocksDB's handle is closed now: a late use must fail in Java, never in native code
      assertThatThrownBy(() -> s.get(PointId.of(1))).isInstanceOf(StoreException.class)
          .hasMessageContaining("shard " + SHARD).hasMessageContaining("is closed");
      assertThatThrownBy(() -> ShardExport.export(s, dir.resolve("late.snapshot")))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> s.apply(1, 2, 1001, "late", H1, upsert(point(3, 3, Map.of()))))
          .isInstanceOf(StoreException.class);
      ShardStore other = node.openShard(new ShardId(SHARD.collection(), 4));
      node.close();
      assertThatThrownBy(other::countLive).isInstanceOf(StoreException.class);
      assertThatThrownBy(node::syncWal).isInstanceOf(StoreException.class);
    }
  }

  @Test
  void repeatedRequestIdAnswersStoredResultAndDifferentContentIsRefused() {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      s.apply(1, 1, 1000, "req", H1, upsert(point(1, 1, Map.of()), point(2, 1, Map.of())));
      var again = s.apply(1, 2, 2000, "req", H1, upsert(point(1, 1, Map.of()), point(2, 1, Map.of())));
      assertThat(again.orElseThrow().result()).isEqualTo(new ApplyResult(1, 2, true, null));
      assertThat(again.get().change().isEmpty()).isTrue();
      var other = s.apply(1, 3, 3000, "req", H2, upsert(point(3, 1, Map.of())));
      assertThat(other.orElseThrow().result().refusal()).contains("used before for different content");
      assertThat(s.countLive()).isEqualTo(2);
      assertThat(s.appliedIndex()).isEqualTo(3);
    }
  }

  /**
   * The anomaly of the seed-101 soak (docs/reliability.md): the workload sent acknowledged upserts
   * from the run's first minute again all hour under their request ids. Within the request-id TTL
   * the replay is a no-op; after it, the id is new again, so the replay is a write like any other
   * and every replica puts the old values back (a "stale read") and re-creates points deleted since
   * (a "resurrected delete"), with equal digests. Replays must stay inside the TTL.
   */
  @Test
  void aRequestReplayedAfterTheRequestIdTtlIsANewWriteAndPutsItsOldValuesBack() {
    long ttl = NodeStore.Settings.DEFAULT_REQUEST_TTL.toMillis();
    long t0 = 1_000_000;
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      ShardOp first = upsert(point(1, 1, Map.of("v", 1L)), point(2, 1, Map.of("v", 1L)));
      s.apply(1, 1, t0, "first", H1, first);
      s.apply(1, 2, t0 + 60_000, "newer", H2, upsert(point(1, 2, Map.of("v", 2L))));
      s.apply(1, 3, t0 + 61_000, "gone", H2, new ShardOp.Delete(List.of(PointId.of(2))));

      var inside = s.apply(1, 4, t0 + ttl / 2, "first", H1, first);
      assertThat(inside.orElseThrow().result().duplicate()).isTrue();
      assertThat(inside.get().change().isEmpty()).isTrue();
      assertThat(s.get(PointId.of(1)).orElseThrow().point().payload()).containsEntry("v", 2L);
      assertThat(s.get(PointId.of(2))).isEmpty();

      var late = s.apply(1, 5, t0 + ttl + 1_000, "first", H1, first);
      assertThat(late.orElseThrow().result().duplicate()).isFalse();
      assertThat(s.get(PointId.of(1)).orElseThrow().point().payload()).containsEntry("v", 1L);
      assertThat(s.get(PointId.of(1)).orElseThrow().logIndex()).isEqualTo(5);
      assertThat(s.get(PointId.of(2))).isPresent();
    }
  }

  @Test
  void requestIdsExpireByTheLeaderClockInTheEntries() {
    var settings = new NodeStore.Settings(1 << 20, 1 << 20, Duration.ofSeconds(10));
    try (NodeStore node = NodeStore.open(dir, settings)) {
      ShardStore s = node.openShard(SHARD);
      s.apply(1, 1, 1_000, "old", H1, upsert(point(1, 1, Map.of())));
      s.apply(1, 2, 5_000, "young", H1, upsert(point(2, 1, Map.of())));
      s.apply(1, 3, 12_000, "other", H1, upsert(point(3, 1, Map.of())));
      assertThat(s.request("old")).isEmpty();
      assertThat(s.request("young")).isPresent();
      // once expired, the id is new again and applies
      var reused = s.apply(1, 4, 12_001, "old", H2, upsert(point(4, 1, Map.of())));
      assertThat(reused.orElseThrow().result().duplicate()).isFalse();
      assertThat(s.countLive()).isEqualTo(4);
    }
  }

  @Test
  void deleteByFilterEvaluatesStoredPayloads() {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      ShardStore s = node.openShard(SHARD);
      List<Point> points = new ArrayList<>();
      for (long i = 0; i < 20; i++) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("n", i);
        payload.put("tags", List.of(i % 2 == 0 ? "even" : "odd", "all"));
        payload.put("meta", Map.of("shade", i < 5 ? "light" : "dark"));
        points.add(point(i, i, payload));
      }
      s.apply(1, 1, 1, "", H1, new ShardOp.Upsert(points));
      Filter f = Filter.must(new Filter.Match("tags", "even"),
          new Filter.Range("n", null, 4.0, null, null),
          Filter.not(new Filter.Match("meta.shade", "light")));
      var r = s.apply(1, 2, 2, "", H1, new ShardOp.DeleteByFilter(f)).orElseThrow();
      // even ids >= 5: 6, 8, ..., 18
      assertThat(r.change().deleted()).extracting(Object::toString)
          .containsExactly("6", "8", "10", "12", "14", "16", "18");
      assertThat(s.countLive()).isEqualTo(13);
    }
  }

  @Test
  void digestDiffersWhenARowDiffersAndExportImportRoundTrips() throws Exception {
    try (NodeStore a = NodeStore.open(dir.resolve("a"), NodeStore.Settings.DEFAULTS);
        NodeStore b = NodeStore.open(dir.resolve("b"), NodeStore.Settings.DEFAULTS)) {
      ShardStore sa = a.openShard(SHARD);
      ShardStore sb = b.openShard(SHARD);
      for (ShardStore s : List.of(sa, sb)) {
        s.apply(1, 1, 1, "x", H1, upsert(point(1, 1, Map.of("k", "v")), point(2, 2, Map.of("k", 2L))));
        s.apply(1, 2, 2, "y", H1, new ShardOp.Delete(List.of(PointId.of(2))));
      }
      assertThat(sa.digest().sameRows(sb.digest())).isTrue();
      StoreTestAccess.plantRow(sb, point(1, 1, Map.of("k", "w")), 1);
      assertThat(sa.digest().sameRows(sb.digest())).isFalse();

      Path file = dir.resolve("export.bin");
      ShardExport.export(sa, file);
      ShardExport.importInto(sb, file);
      assertThat(sb.digest()).isEqualTo(sa.digest());
      assertThat(sb.appliedIndex()).isEqualTo(2);
      assertThat(sb.request("x")).isPresent();
      assertThat(sb.tombstone(PointId.of(2))).contains(2L);

      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.seek(raf.length() / 2);
        int v = raf.read();
        raf.seek(raf.length() / 2);
        raf.write(v ^ 0x40);
      }
      assertThatThrownBy(() -> ShardExport.importInto(sb, file)).hasMessageContaining("corrupt");
      assertThat(sb.digest()).isEqualTo(sa.digest());
    }
  }

  @Test
  void dropRemovesTheColumnFamily() {
    try (NodeStore node = NodeStore.open(dir, NodeStore.Settings.DEFAULTS)) {
      node.openShard(SHARD).apply(1, 1, 1, "", H1, upsert(point(1, 1, Map.of())));
      node.dropShard(SHARD);
      assertThat(node.shards()).isEmpty();
      assertThat(node.openShard(SHARD).countLive()).isZero();
    }
  }
}
