package io.quiver.index.hnsw;

import java.util.HashSet;
import java.util.Set;

/** Recall@k of result ordinals against ground-truth ordinals. */
final class Recall {
  private Recall() {}

  static double at(int k, int[][] results, int[][] truth) {
    long hits = 0;
    for (int q = 0; q < results.length; q++) {
      Set<Integer> t = new HashSet<>();
      for (int i = 0; i < k; i++) {
        t.add(truth[q][i]);
      }
      for (int i = 0; i < Math.min(k, results[q].length); i++) {
        if (t.contains(results[q][i])) {
          hits++;
        }
      }
    }
    return hits / (double) (k * results.length);
  }
}
