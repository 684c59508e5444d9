package io.quiver.index.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.dataset.TestData;
import io.quiver.index.hnsw.HnswBuilder;
import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.hnsw.HnswSearcher;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.roaringbitmap.RoaringBitmap;

/**
 * Filtered search on siftsmall with a random keyword field of 50%, 10% and 1% selectivity:
 * recall@10 against exact filtered search, through the engine (planner included) and through
 * the graph walk alone (the planner bypassed).
 */
class FilteredRecallTest {
  private static final long SEED = 20261126L;

  /** Value "p50" on 50% of points, "p10" on 10%, "p1" on 1%, "rest" on the others. */
  private static String label(Random r) {
    double u = r.nextDouble();
    return u < 0.5 ? "p50" : u < 0.6 ? "p10" : u < 0.61 ? "p1" : "rest";
  }

  @Test
  void engineFilteredRecallAtFiftyTenAndOnePercent() throws Exception {
    System.out.println("seed=" + SEED);
    TestData.VectorSet s = TestData.siftsmall();
    Random r = new Random(SEED);
    EngineConfig c = EngineConfig.defaults(128, Distance.L2)
        .withSchema(new PayloadSchema(Map.of("label", PayloadFieldType.KEYWORD)))
        .withSegmentMaxPoints(s.base().length)
        .withIndexThreads(2);
    try (ShardEngine e = new ShardEngine(c)) {
      List<Point> ps = new ArrayList<>();
      for (int i = 0; i < s.base().length; i++) {
        ps.add(new Point(PointId.of(i), s.base()[i], Map.of("label", label(r)), null));
      }
      e.upsert(ps, 1);
      // One more point seals the 10k segment; wait for its graph.
      e.upsert(List.of(new Point(PointId.of(1_000_000), s.base()[0], Map.of("label", "rest"), null)), 2);
      e.awaitBackgroundWork();
      assertThat(e.stats().indexedSegments()).isEqualTo(1);
      for (String label : List.of("p50", "p10", "p1")) {
        Filter f = new Filter.Match("label", label);
        long hits = 0;
        for (float[] q : s.queries()) {
          List<ScoredPoint> exact = e.search(q, 10, f, SearchOptions.DEFAULT.withExact(true));
          List<ScoredPoint> got = e.search(q, 10, f, SearchOptions.DEFAULT);
          Set<PointId> truth = new HashSet<>();
          exact.forEach(p -> truth.add(p.id()));
          hits += got.stream().filter(p -> truth.contains(p.id())).count();
        }
        double recall = hits / (10.0 * s.queries().length);
        System.out.printf("engine filtered recall@10 %s (%d matching): %.4f%n", label, e.count(f), recall);
        assertThat(recall).isGreaterThanOrEqualTo(0.95);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.1, 0.01})
  void graphWalkAloneKeepsRecallUnderAFilter(double selectivity) {
    TestData.VectorSet s = TestData.siftsmall();
    int n = s.base().length;
    FloatVectorStore store = new FloatVectorStore(128);
    for (float[] v : s.base()) {
      store.append(v);
    }
    FloatScorers sc = new FloatScorers(store, Distance.L2);
    HnswGraph g = HnswBuilder.build(sc, n, HnswParams.DEFAULT, 2, 3);
    Random r = new Random(SEED);
    RoaringBitmap allowed = new RoaringBitmap();
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < selectivity) {
        allowed.add(i);
      }
    }
    long hits = 0;
    long visited = 0;
    for (float[] q : s.queries()) {
      Set<Integer> truth = exactFiltered(sc, q, allowed);
      Neighbors nn = HnswSearcher.search(g, sc.scorer(q), 10, SearchOptions.DEFAULT_EF, allowed::contains);
      visited += nn.visited();
      for (int o : nn.ords()) {
        if (truth.contains(o)) {
          hits++;
        }
      }
    }
    double recall = hits / (10.0 * s.queries().length);
    System.out.printf("graph-walk filtered recall@10 at %.0f%%: %.4f, %d nodes scored per query%n",
        selectivity * 100, recall, visited / s.queries().length);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  private static Set<Integer> exactFiltered(FloatScorers sc, float[] q, RoaringBitmap allowed) {
    var scorer = sc.scorer(q);
    List<int[]> all = new ArrayList<>();
    List<float[]> scores = new ArrayList<>();
    allowed.forEach((int o) -> {
      all.add(new int[] {o});
      scores.add(new float[] {scorer.score(o)});
    });
    Integer[] idx = new Integer[all.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Float.compare(scores.get(b)[0], scores.get(a)[0]));
    Set<Integer> top = new HashSet<>();
    for (int i = 0; i < Math.min(10, idx.length); i++) {
      top.add(all.get(idx[i])[0]);
    }
    return top;
  }
}
