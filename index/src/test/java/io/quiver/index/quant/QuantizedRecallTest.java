package io.quiver.index.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.Distance;
import io.quiver.index.dataset.TestData;
import io.quiver.index.hnsw.HnswBuilder;
import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.hnsw.HnswSearcher;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.ScorerSource;
import io.quiver.index.vector.Similarity;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The graph walk on int8 codes (and PQ codes) with re-scoring by the float vectors must keep
 * recall close to the float walk on real data.
 */
class QuantizedRecallTest {
  private static final int EF = 64;

  @Test
  void int8OnSiftsmallIsWithinOneHundredthOfFloat() {
    check(TestData.siftsmall(), Distance.L2);
  }

  @Test
  void int8OnScifactMinilmIsWithinOneHundredthOfFloat() {
    check(TestData.scifactMinilm(), Distance.COSINE);
  }

  private static void check(TestData.VectorSet s, Distance d) {
    int n = s.base().length;
    int dim = s.base()[0].length;
    FloatVectorStore store = new FloatVectorStore(dim);
    for (float[] v : s.base()) {
      store.append(Similarity.prepare(d, v));
    }
    FloatScorers exact = new FloatScorers(store, d);
    HnswGraph g = HnswBuilder.build(exact, n, HnswParams.DEFAULT, 2, 11);

    Int8Vectors global =
        Int8Vectors.encode(store, n, d, ScalarQuantizer.train(store, n, ScalarQuantizer.Mode.GLOBAL, ScalarQuantizer.DEFAULT_CONFIDENCE, 3));
    Int8Vectors perDim =
        Int8Vectors.encode(store, n, d, ScalarQuantizer.train(store, n, ScalarQuantizer.Mode.PER_DIMENSION, ScalarQuantizer.DEFAULT_CONFIDENCE, 3));
    ProductQuantizer pq = ProductQuantizer.train(store, n, d, dim / 8, 5);

    double floatRecall = recall(s, d, g, exact, exact);
    double int8Recall = recall(s, d, g, global, exact);
    double perDimRecall = recall(s, d, g, perDim, exact);
    double pqRecall = recall(s, d, g, pq, exact);
    System.out.printf(
        "%s recall@10 ef=%d: float %.4f (%d B/vector), int8 global %.4f, int8 per-dimension %.4f (%d B/vector), pq %.4f (%d B/vector)%n",
        s.name(), EF, floatRecall, 4 * dim, int8Recall, perDimRecall, global.bytesPerVector(), pqRecall, pq.bytesPerVector());
    assertThat(int8Recall).isGreaterThanOrEqualTo(floatRecall - 0.01);
    assertThat(perDimRecall).isGreaterThanOrEqualTo(floatRecall - 0.02);
    assertThat(global.bytesPerVector()).isLessThanOrEqualTo((int) (0.3 * 4 * dim));
    // PQ at dim/8 bytes is a memory trade: it must still find most neighbours after re-scoring.
    assertThat(pqRecall).isGreaterThanOrEqualTo(0.8);
  }

  private static double recall(TestData.VectorSet s, Distance d, HnswGraph g, ScorerSource walk, FloatScorers exact) {
    long hits = 0;
    for (int q = 0; q < s.queries().length; q++) {
      float[] query = Similarity.prepare(d, s.queries()[q]);
      int fetch = Rescorer.candidates(10, Rescorer.DEFAULT_OVERSAMPLING);
      Neighbors cand = HnswSearcher.search(g, walk.scorer(query), fetch, EF, null);
      Neighbors top = Rescorer.rescore(cand, exact.scorer(query), 10);
      Set<Integer> truth = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        truth.add(s.groundTruth()[q][i]);
      }
      for (int o : top.ords()) {
        if (truth.contains(o)) {
          hits++;
        }
      }
    }
    return hits / (10.0 * s.queries().length);
  }
}
