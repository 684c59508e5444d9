package io.quiver.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeHeapTest {
  @Test
  void boundedMinHeapKeepsTheBestAndMaxHeapPopsBestFirst() {
    long seed = System.nanoTime();
    System.out.println("seed=" + seed);
    Random r = new Random(seed);
    float[] scores = new float[500];
    NodeHeap best = NodeHeap.min(16);
    best.clear(16);
    NodeHeap cand = NodeHeap.max(4);
    cand.clear(Integer.MAX_VALUE);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) r.nextGaussian() * (r.nextBoolean() ? -1 : 1);
      best.insertWithOverflow(i, scores[i]);
      cand.push(i, scores[i]);
    }
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    assertThat(best.size()).isEqualTo(16);
    assertThat(best.topScore()).isEqualTo(sorted[sorted.length - 16]);
    float prev = Float.POSITIVE_INFINITY;
    while (!cand.isEmpty()) {
      long k = cand.pop();
      float s = cand.score(k);
      assertThat(s).isLessThanOrEqualTo(prev);
      assertThat(scores[cand.node(k)]).isEqualTo(s);
      prev = s;
    }
  }
}
