package io.quiver.querynode.scatter;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void keepsTheBestInOrderWhateverTheArrivalOrder() {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    Random rnd = new Random(seed);
    List<ScoredPoint> all = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      // few distinct scores, so ties are common and must break by id
      all.add(new ScoredPoint(PointId.of(rnd.nextInt(1_000_000)), rnd.nextInt(50)));
    }
    List<ScoredPoint> expected = new ArrayList<>(all);
    expected.sort(ScoredPoint.BEST_FIRST);
    for (int round = 0; round < 3; round++) {
      Collections.shuffle(all, rnd);
      TopK<ScoredPoint> top = new TopK<>(100, ScoredPoint.BEST_FIRST);
      all.forEach(top::offer);
      assertThat(top.size()).isEqualTo(100);
      assertThat(top.bestFirst()).isEqualTo(expected.subList(0, 100));
    }
  }

  @Test
  void fewerItemsThanCapacity() {
    TopK<ScoredPoint> top = new TopK<>(10_000, ScoredPoint.BEST_FIRST);
    assertThat(top.offer(new ScoredPoint(PointId.of(2), 1f))).isTrue();
    assertThat(top.offer(new ScoredPoint(PointId.of(1), 1f))).isTrue();
    assertThat(top.bestFirst()).extracting(ScoredPoint::id).containsExactly(PointId.of(1), PointId.of(2));
  }
}
