package io.quiver.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VisitedSetTest {

  @Test
  void agreesWithAHashSetAcrossResetsAndGrowth() {
    long seed = System.nanoTime();
    System.out.println("seed=" + seed);
    Random r = new Random(seed);
    VisitedSet v = new VisitedSet();
    for (int search = 0; search < 200; search++) {
      // Capacities go up and down, and some visits land beyond the announced capacity.
      int capacity = 1 + r.nextInt(search < 100 ? 5_000 : 200_000);
      v.reset(capacity);
      Set<Integer> seen = new HashSet<>();
      int visits = r.nextInt(3_000);
      for (int i = 0; i < visits; i++) {
        int node = r.nextInt(capacity + 100);
        assertThat(v.visit(node)).as("search %d node %d", search, node).isEqualTo(seen.add(node));
      }
    }
  }

  @Test
  void resetForgetsEveryNode() {
    VisitedSet v = new VisitedSet();
    v.reset(1000);
    for (int n = 0; n < 1000; n += 3) {
      assertThat(v.visit(n)).isTrue();
    }
    v.reset(1000);
    for (int n = 0; n < 1000; n++) {
      assertThat(v.visit(n)).as("node %d", n).isTrue();
    }
  }
}
