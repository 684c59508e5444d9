package io.quiver.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.Distance;
import io.quiver.index.dataset.TestData;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;
import io.quiver.index.vector.Similarity;
import org.junit.jupiter.api.Test;

/** HNSW recall@10 on real data against the ground truth shipped with each data set. */
class HnswRecallTest {
  static final int DEFAULT_EF = HnswIndex.DEFAULT_EF;

  @Test
  void siftsmallL2() {
    TestData.VectorSet s = TestData.siftsmall();
    check(s, Distance.L2);
  }

  @Test
  void scifactMinilmCosine() {
    TestData.VectorSet s = TestData.scifactMinilm();
    check(s, Distance.COSINE);
  }

  private static void check(TestData.VectorSet s, Distance d) {
    FloatVectorStore store = new FloatVectorStore(s.base()[0].length);
    for (float[] v : s.base()) {
      store.append(Similarity.prepare(d, v));
    }
    FloatScorers scorers = new FloatScorers(store, d);
    // Two threads: the concurrent insert path is the one that must keep recall up.
    HnswGraph g = HnswBuilder.build(scorers, s.base().length, HnswParams.DEFAULT, 2, 7);
    double atDefault = recall(g, scorers, s, d, DEFAULT_EF);
    double atLarge = recall(g, scorers, s, d, 256);
    System.out.printf("%s recall@10 ef=%d: %.4f, ef=256: %.4f%n", s.name(), DEFAULT_EF, atDefault, atLarge);
    assertThat(atDefault).isGreaterThanOrEqualTo(0.95);
    assertThat(atLarge).isGreaterThanOrEqualTo(0.99);
  }

  /** A graph extended from one built over the first quarter (as a merge does) keeps the recall of a fresh build. */
  @Test
  void extendedGraphSiftsmallL2() {
    TestData.VectorSet s = TestData.siftsmall();
    Distance d = Distance.L2;
    FloatVectorStore store = new FloatVectorStore(s.base()[0].length);
    for (float[] v : s.base()) {
      store.append(Similarity.prepare(d, v));
    }
    FloatScorers scorers = new FloatScorers(store, d);
    int n = s.base().length;
    HnswGraph base = HnswBuilder.build(scorers, n / 4, HnswParams.DEFAULT, 2, 7);
    HnswGraph g = HnswBuilder.extend(base, scorers, n, 2, 8);
    assertThat(g.size()).isEqualTo(n);
    assertThat(g.isFrozen()).isTrue();
    assertThat(base.size()).as("the base graph is not changed").isEqualTo(n / 4);
    double atDefault = recall(g, scorers, s, d, DEFAULT_EF);
    double atLarge = recall(g, scorers, s, d, 256);
    System.out.printf("%s extended from %d: recall@10 ef=%d: %.4f, ef=256: %.4f%n", s.name(), n / 4, DEFAULT_EF,
        atDefault, atLarge);
    assertThat(atDefault).isGreaterThanOrEqualTo(0.95);
    assertThat(atLarge).isGreaterThanOrEqualTo(0.99);
  }

  static double recall(HnswGraph g, FloatScorers scorers, TestData.VectorSet s, Distance d, int ef) {
    int[][] res = new int[s.queries().length][];
    for (int q = 0; q < res.length; q++) {
      res[q] = HnswSearcher.search(g, scorers.scorer(Similarity.prepare(d, s.queries()[q])), 10, ef, null).ords();
    }
    return Recall.at(10, res, s.groundTruth());
  }
}
