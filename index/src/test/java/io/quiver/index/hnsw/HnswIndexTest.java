package io.quiver.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.index.flat.FlatIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HnswIndexTest {
  private static final long SEED = System.nanoTime();

  @Test
  void concurrentInsertsFromManyThreadsMatchBruteForce() throws Exception {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    int n = 3000;
    int dim = 24;
    float[][] data = new float[n][];
    for (int i = 0; i < n; i++) {
      data[i] = gaussian(r, dim);
    }
    HnswIndex hnsw = new HnswIndex(dim, Distance.DOT, new HnswParams(12, 80), SEED);
    FlatIndex flat = new FlatIndex(dim, Distance.DOT);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int from = t;
        fs.add(pool.submit(() -> {
          for (int i = from; i < n; i += 4) {
            hnsw.add(PointId.of(i), data[i]);
          }
        }));
      }
      for (int i = 0; i < n; i++) {
        flat.add(PointId.of(i), data[i]);
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(hnsw.size()).isEqualTo(n);
    long hits = 0;
    int queries = 100;
    for (int q = 0; q < queries; q++) {
      float[] query = gaussian(r, dim);
      Set<PointId> truth = ids(flat.search(query, 10, 0, null));
      List<ScoredPoint> got = hnsw.search(query, 10, 100, null);
      hits += got.stream().filter(p -> truth.contains(p.id())).count();
    }
    double recall = hits / (10.0 * queries);
    System.out.println("concurrent-build recall@10 = " + recall);
    assertThat(recall).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void deletedAndReplacedPointsNeverShowUpAndIdsAreUnique() {
    System.out.println("seed=" + SEED);
    Random r = new Random(SEED);
    int dim = 8;
    HnswIndex hnsw = new HnswIndex(dim, Distance.L2, HnswParams.DEFAULT, SEED);
    for (int i = 0; i < 500; i++) {
      hnsw.add(PointId.of(i), gaussian(r, dim));
    }
    float[] target = gaussian(r, dim);
    // Replace id 7 three times with the target itself: it must appear once, with the newest vector.
    for (int t = 0; t < 3; t++) {
      hnsw.add(PointId.of(7), target.clone());
    }
    for (int i = 0; i < 500; i += 2) {
      if (i != 0) {
        hnsw.delete(PointId.of(i));
      }
    }
    hnsw.freeze();
    List<ScoredPoint> res = hnsw.search(target, 50, 200, null);
    assertThat(res).extracting(ScoredPoint::id).doesNotHaveDuplicates();
    assertThat(res.get(0).id()).isEqualTo(PointId.of(7));
    assertThat(res.get(0).score()).isEqualTo(-0f);
    assertThat(res).allSatisfy(p -> {
      long id = ((PointId.Num) p.id()).value();
      assertThat(id == 0 || id % 2 == 1).as("id %s is deleted", id).isTrue();
    });
    assertThat(hnsw.size()).isEqualTo(251);
  }

  @Test
  void filteredSearchReturnsOnlyAcceptedIds() {
    Random r = new Random(SEED);
    HnswIndex hnsw = new HnswIndex(4, Distance.COSINE, HnswParams.DEFAULT, SEED);
    for (int i = 0; i < 400; i++) {
      hnsw.add(PointId.of(i), gaussian(r, 4));
    }
    List<ScoredPoint> res =
        hnsw.search(gaussian(r, 4), 10, 64, id -> ((PointId.Num) id).value() % 10 == 3);
    assertThat(res).hasSize(10);
    assertThat(res).allSatisfy(p -> assertThat(((PointId.Num) p.id()).value() % 10).isEqualTo(3));
  }

  @Test
  void badInputNamesTheValue() {
    HnswIndex hnsw = new HnswIndex(3, Distance.L2, HnswParams.DEFAULT);
    assertThatThrownBy(() -> hnsw.add(PointId.of(1), new float[] {1, Float.NaN, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector[1]")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> hnsw.add(PointId.of(1), new float[2]))
        .hasMessageContaining("dimension 2");
    assertThatThrownBy(() -> new HnswParams(1, 10)).hasMessageContaining("was 1");
  }

  static Set<PointId> ids(List<ScoredPoint> ps) {
    Set<PointId> s = new HashSet<>();
    ps.forEach(p -> s.add(p.id()));
    return s;
  }

  static float[] gaussian(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
