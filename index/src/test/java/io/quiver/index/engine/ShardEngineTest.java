package io.quiver.index.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.QuantizationKind;
import io.quiver.common.model.ScoredPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardEngineTest {
  private static final long SEED = System.nanoTime();
  private static final int DIM = 8;
  private static final PayloadSchema SCHEMA =
      new PayloadSchema(Map.of("group", PayloadFieldType.KEYWORD, "n", PayloadFieldType.INTEGER));

  private static EngineConfig config() {
    return EngineConfig.defaults(DIM, Distance.L2).withSchema(SCHEMA).withSegmentMaxPoints(300);
  }

  private static List<Point> points(Random r, int from, int to) {
    List<Point> ps = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ps.add(new Point(PointId.of(i), vector(r), Map.of("group", "g" + (i % 5), "n", (long) i), "doc number " + i));
    }
    return ps;
  }

  private static float[] vector(Random r) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void searchesSpanGrowingAndSealedSegmentsAndMatchExactSearch() throws Exception {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config())) {
      e.upsert(points(r, 0, 1000), 1);
      e.awaitBackgroundWork();
      EngineStats st = e.stats();
      assertThat(st.points()).isEqualTo(1000);
      assertThat(st.indexedSegments()).isEqualTo(st.segments() - 1).isGreaterThanOrEqualTo(3);
      long hits = 0;
      for (int q = 0; q < 50; q++) {
        float[] query = vector(r);
        List<ScoredPoint> approx = e.search(query, 10, null, SearchOptions.DEFAULT);
        List<ScoredPoint> exact = e.search(query, 10, null, SearchOptions.DEFAULT.withExact(true));
        assertThat(approx).extracting(ScoredPoint::id).doesNotHaveDuplicates();
        hits += approx.stream().filter(exact::contains).count();
      }
      assertThat(hits / 500.0).isGreaterThanOrEqualTo(0.95);
      assertThat(e.appliedIndex()).isEqualTo(1);
    }
  }

  @Test
  void upsertReplacesDeleteHidesAndEveryWriteIsVisibleAtOnce() throws Exception {
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config())) {
      e.upsert(points(r, 0, 700), 1);
      e.awaitBackgroundWork();
      float[] target = vector(r);
      // Replace a point that lives in a sealed, indexed segment.
      e.upsert(List.of(new Point(PointId.of(5), target, Map.of("group", "moved"), null)), 2);
      List<ScoredPoint> top = e.search(target, 3, null, SearchOptions.DEFAULT.withPoint(true));
      assertThat(top.get(0).id()).isEqualTo(PointId.of(5));
      assertThat(top.get(0).point().payload()).containsEntry("group", "moved");
      assertThat(e.get(PointId.of(5)).orElseThrow().payload()).containsEntry("group", "moved");
      assertThat(e.count(null)).isEqualTo(700);

      assertThat(e.delete(List.of(PointId.of(5), PointId.of(6), PointId.of(123_456)), 3)).isEqualTo(2);
      assertThat(e.get(PointId.of(5))).isEmpty();
      assertThat(e.search(target, 10, null, SearchOptions.DEFAULT)).extracting(ScoredPoint::id)
          .doesNotContain(PointId.of(5), PointId.of(6));

      // 140 points are in g1, but id 6 is gone already.
      assertThat(e.deleteByFilter(new Filter.Match("group", "g1"), 4)).isEqualTo(139);
      assertThat(e.count(new Filter.Match("group", "g1"))).isZero();
      assertThat(e.count(null)).isEqualTo(559);
      assertThat(e.appliedIndex()).isEqualTo(4);
      // Two deletes, 139 by filter, and the old version of id 5.
      assertThat(e.stats().deleted()).isEqualTo(142);
    }
  }

  @Test
  void scrollWalksIdsInOrderWithAFilter() {
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config())) {
      e.upsert(points(r, 0, 650), 1);
      List<PointId> seen = new ArrayList<>();
      PointId after = null;
      do {
        ScrollPage page = e.scroll(after, 37, new Filter.Match("group", "g2"));
        page.points().forEach(p -> seen.add(p.id()));
        after = page.nextAfter();
      } while (after != null);
      assertThat(seen).hasSize(130).isSorted();
      assertThat(seen).allSatisfy(id -> assertThat(((PointId.Num) id).value() % 5).isEqualTo(2));
    }
  }

  @Test
  void mergesDropTombstonesAndKeepEveryLivePoint() throws Exception {
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config())) {
      e.upsert(points(r, 0, 1300), 1);
      e.awaitBackgroundWork();
      List<PointId> dead = new ArrayList<>();
      for (int i = 0; i < 1300; i += 3) {
        dead.add(PointId.of(i));
      }
      e.delete(dead, 2);
      e.forceMerge();
      EngineStats st = e.stats();
      assertThat(st.segments()).isEqualTo(2);
      // Only the growing segment may hold tombstones now.
      assertThat(st.deleted()).isLessThanOrEqualTo(100);
      assertThat(st.points()).isEqualTo(1300 - dead.size());
      assertThat(e.get(PointId.of(1)).orElseThrow().id()).isEqualTo(PointId.of(1));
      float[] v = e.get(PointId.of(1)).orElseThrow().vector();
      assertThat(e.search(v, 1, null, SearchOptions.DEFAULT).get(0).id()).isEqualTo(PointId.of(1));
    }
  }

  @Test
  void aMergeKeepsTheLargestInputsGraphWithItsTombstonesHidden(@TempDir Path dir) throws Exception {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    // Segments of 300, merged when more than 2 are sealed, up to 600 live points per merge.
    try (ShardEngine e = new ShardEngine(config().withMergeFactor(2))) {
      // Segment 0 keeps 280 of 300 (7% tombstones).
      threeSegmentsMerged(e, r, 20);

      EngineStats st = e.stats();
      assertThat(st.segments()).as("one merged segment and the growing one").isEqualTo(2);
      assertThat(st.indexedSegments()).isEqualTo(1);
      // The merge kept segment 0's graph, so its 20 tombstoned nodes stay in the merged segment
      // (a rebuild would have dropped them); the 300 tombstones of segments 1 and 2 are gone.
      assertThat(st.deleted()).isEqualTo(20);
      assertThat(st.points()).isEqualTo(280 + 150 + 150 + 2);
      assertThat(e.unindexedPoints()).isZero();
      checkMerged(e, r);

      e.writeSnapshot(dir);
      try (ShardEngine loaded = ShardEngine.readSnapshot(dir, e.config())) {
        loaded.awaitBackgroundWork();
        assertThat(loaded.stats().deleted()).isEqualTo(20);
        checkMerged(loaded, r);
      }
    }
  }

  /** Deleted points never come back; the approximate top 10 matches the exact one. */
  private static void checkMerged(ShardEngine e, Random r) {
    for (int i = 0; i < 20; i++) {
      assertThat(e.get(PointId.of(i))).isEmpty();
    }
    assertThat(e.count(new Filter.Match("group", "g0"))).isEqualTo(117);
    long hits = 0;
    for (int q = 0; q < 50; q++) {
      float[] query = vector(r);
      List<ScoredPoint> approx = e.search(query, 10, null, SearchOptions.DEFAULT);
      List<ScoredPoint> exact = e.search(query, 10, null, SearchOptions.DEFAULT.withExact(true));
      assertThat(approx).extracting(ScoredPoint::id).doesNotHaveDuplicates()
          .noneMatch(id -> ((PointId.Num) id).value() < 20);
      hits += approx.stream().filter(exact::contains).count();
    }
    assertThat(hits / 500.0).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void aMergeRebuildsWhenTheLargestInputIsMostlyTombstones() throws Exception {
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config().withMergeFactor(2))) {
      // Segment 0 keeps 200 of 300 (33% tombstones, above the 20% a kept graph may carry).
      threeSegmentsMerged(e, r, 100);
      EngineStats st = e.stats();
      assertThat(st.segments()).isEqualTo(2);
      assertThat(st.deleted()).as("a rebuilt merge drops every tombstone").isZero();
      assertThat(st.points()).isEqualTo(200 + 150 + 150 + 2);
    }
  }

  /**
   * Three sealed segments of 300 points and two in the growing one, with merge factor 2: the
   * deletes land while each segment is still growing, so the sizes are known when the merge runs.
   * Segment 0 loses ids {@code 0..firstDeleted)}, segments 1 and 2 half their points; the merge
   * takes all three (the budget is 600 live points). Returns once it is done.
   */
  private static void threeSegmentsMerged(ShardEngine e, Random r, int firstDeleted) throws InterruptedException {
    e.upsert(points(r, 0, 300), 1);
    e.delete(ids(0, firstDeleted), 2);
    e.upsert(points(r, 300, 600), 3);
    e.delete(ids(300, 450), 4);
    e.upsert(points(r, 600, 900), 5);
    e.delete(ids(600, 750), 6);
    e.upsert(points(r, 900, 902), 7);
    e.awaitBackgroundWork();
  }

  private static List<PointId> ids(int from, int to) {
    List<PointId> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(PointId.of(i));
    }
    return out;
  }

  @Test
  void oneWriterAndConcurrentSearchersSeeConsistentResults() throws Exception {
    Random r = new Random(SEED);
    try (ShardEngine e = new ShardEngine(config())) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        readers.add(Thread.ofPlatform().start(() -> {
          Random rr = new Random(SEED + 1);
          try {
            while (e.appliedIndex() < 20) {
              long before = e.appliedIndex();
              List<ScoredPoint> res = e.search(vector(rr), 5, new Filter.Match("group", "g0"), SearchOptions.DEFAULT);
              assertThat(res).extracting(ScoredPoint::id).doesNotHaveDuplicates();
              // Every write applied before the search started is visible: 100 points per index.
              assertThat(res.size()).isEqualTo(before == 0 ? res.size() : 5);
            }
          } catch (Throwable t2) {
            failure.compareAndSet(null, t2);
          }
        }));
      }
      for (int b = 1; b <= 20; b++) {
        e.upsert(points(r, (b - 1) * 100, b * 100), b);
      }
      for (Thread t : readers) {
        t.join();
      }
      assertThat(failure.get()).isNull();
      assertThat(e.count(null)).isEqualTo(2000);
    }
  }

  @Test
  void snapshotRoundTripKeepsPointsTombstonesGraphsAndAppliedIndex(@TempDir Path dir) throws Exception {
    Random r = new Random(SEED);
    EngineConfig c = config().withQuantization(QuantizationKind.INT8);
    List<ScoredPoint> before;
    float[] q = vector(r);
    try (ShardEngine e = new ShardEngine(c)) {
      e.upsert(points(r, 0, 800), 7);
      e.awaitBackgroundWork();
      e.delete(List.of(PointId.of(3), PointId.of(700)), 8);
      before = e.search(q, 10, new Filter.Match("group", "g3"), SearchOptions.DEFAULT);
      e.writeSnapshot(dir);
    }
    try (ShardEngine back = ShardEngine.readSnapshot(dir, c)) {
      assertThat(back.appliedIndex()).isEqualTo(8);
      assertThat(back.count(null)).isEqualTo(798);
      assertThat(back.get(PointId.of(3))).isEmpty();
      assertThat(back.get(PointId.of(4)).orElseThrow().payload()).containsEntry("group", "g4");
      assertThat(back.stats().indexedSegments()).isEqualTo(back.stats().segments() - 1);
      assertThat(back.search(q, 10, new Filter.Match("group", "g3"), SearchOptions.DEFAULT)).isEqualTo(before);
      assertThat(back.searchText("number 17", 1, null).get(0).id()).isEqualTo(PointId.of(17));
    }
    Path seg = Files.list(dir).filter(p -> p.toString().endsWith(".points")).findFirst().orElseThrow();
    byte[] b = Files.readAllBytes(seg);
    b[b.length / 3] ^= 1;
    Files.write(seg, b);
    assertThatThrownBy(() -> ShardEngine.readSnapshot(dir, c)).isInstanceOf(IOException.class).hasMessageContaining("checksum");
    assertThatThrownBy(() -> ShardEngine.readSnapshot(dir, EngineConfig.defaults(DIM + 1, Distance.L2)))
        .isInstanceOf(IOException.class).hasMessageContaining("9-d");
  }

  @Test
  void invalidInputIsRejectedBeforeAnythingIsApplied() {
    try (ShardEngine e = new ShardEngine(config())) {
      List<Point> batch = List.of(
          new Point(PointId.of(1), new float[DIM]),
          new Point(PointId.of(2), new float[] {1, 2, 3, 4, 5, 6, Float.NaN, 8}));
      assertThatThrownBy(() -> e.upsert(batch, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("points[1].vector[6]")
          .hasMessageContaining("NaN");
      assertThat(e.count(null)).isZero();
      assertThatThrownBy(() -> e.upsert(List.of(new Point(PointId.of(1), new float[3])), 1))
          .hasMessageContaining("dimension 3");
      assertThatThrownBy(() -> e.search(new float[DIM], 0, null, null)).hasMessageContaining("was 0");
      assertThatThrownBy(() -> new SearchOptions(0, false, false)).hasMessageContaining("ef");
      assertThatThrownBy(() -> EngineConfig.defaults(0, Distance.DOT)).hasMessageContaining("was 0");
    }
  }

  @Test
  void defaultsArePinned() {
    EngineConfig c = EngineConfig.defaults(16, Distance.COSINE);
    assertThat(c.hnsw().m()).isEqualTo(16);
    assertThat(c.hnsw().efConstruct()).isEqualTo(100);
    assertThat(c.quantization()).isEqualTo(QuantizationKind.NONE);
    assertThat(c.segmentMaxPoints()).isEqualTo(20_000);
    assertThat(c.indexThreads()).isEqualTo(1);
    assertThat(c.mergeFactor()).isEqualTo(4);
    assertThat(c.rescoreOversampling()).isEqualTo(3.0f);
    assertThat(c.bm25().k1()).isEqualTo(1.2f);
    assertThat(c.bm25().b()).isEqualTo(0.75f);
    assertThat(SearchOptions.DEFAULT.ef()).isEqualTo(64);
  }
}
