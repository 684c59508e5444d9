package io.quiver.querynode.hybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quiver.common.model.PointId;
import io.quiver.querynode.hybrid.Fusion.Candidate;
import io.quiver.querynode.hybrid.Fusion.Fused;
import io.quiver.querynode.hybrid.Fusion.RankedList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {
  static Candidate c(long id, float score) {
    return new Candidate(PointId.of(id), score);
  }

  static List<Long> ids(List<Fused> fused) {
    return fused.stream().map(f -> ((PointId.Num) f.id()).value()).toList();
  }

  @Test
  void rrfSumsWeightedReciprocalRanks() {
    RankedList text = new RankedList("text", 1f, List.of(c(1, 12.5f), c(2, 7f), c(3, 1f)));
    RankedList vector = new RankedList("vector", 1f, List.of(c(3, 0.9f), c(1, 0.8f), c(4, 0.1f)));
    List<Fused> f = Fusion.rrf(List.of(text, vector), 60, 10);
    // 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62; 4: 1/63
    assertThat(ids(f)).containsExactly(1L, 3L, 2L, 4L);
    assertThat(f.get(0).score()).isCloseTo(1.0 / 61 + 1.0 / 62, within(1e-12));
    assertThat(f.get(1).score()).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-12));
    assertThat(f.get(3).score()).isCloseTo(1.0 / 63, within(1e-12));
  }

  @Test
  void rrfWeightsAndKChangeTheOrder() {
    RankedList text = new RankedList("text", 3f, List.of(c(1, 1f)));
    RankedList vector = new RankedList("vector", 1f, List.of(c(2, 1f), c(1, 0.5f)));
    // 1: 3/(1+1) + 1/(1+2) = 1.833; 2: 1/2
    List<Fused> f = Fusion.rrf(List.of(text, vector), 1, 10);
    assertThat(ids(f)).containsExactly(1L, 2L);
    assertThat(f.get(0).score()).isCloseTo(1.5 + 1.0 / 3, within(1e-12));
    // Zero weight: the list only contributes ids at score 0.
    List<Fused> g = Fusion.rrf(List.of(new RankedList("text", 0f, List.of(c(9, 1f))), vector), 60, 10);
    assertThat(ids(g)).containsExactly(2L, 1L, 9L);
    assertThat(g.get(2).score()).isZero();
  }

  @Test
  void tiesBreakById() {
    RankedList a = new RankedList("a", 1f, List.of(c(7, 1f)));
    RankedList b = new RankedList("b", 1f, List.of(c(3, 1f)));
    assertThat(ids(Fusion.rrf(List.of(a, b), 60, 10))).containsExactly(3L, 7L);
    assertThat(ids(Fusion.weightedSum(List.of(a, b), 10))).containsExactly(3L, 7L);
  }

  @Test
  void weightedSumNormalizesEachListByItsOwnRange() {
    // BM25 scores in the tens, cosine in [0, 1]: normalization puts them on one scale.
    RankedList text = new RankedList("text", 0.5f, List.of(c(1, 30f), c(2, 20f), c(3, 10f)));
    RankedList vector = new RankedList("vector", 1f, List.of(c(3, 0.9f), c(2, 0.7f), c(4, 0.5f)));
    List<Fused> f = Fusion.weightedSum(List.of(text, vector), 3);
    // 1: 0.5*1 = 0.5; 2: 0.5*0.5 + 1*0.5 = 0.75; 3: 0.5*0 + 1*1 = 1; 4: 0
    assertThat(ids(f)).containsExactly(3L, 2L, 1L);
    assertThat(f.get(0).score()).isCloseTo(1.0, within(1e-6));
    assertThat(f.get(1).score()).isCloseTo(0.75, within(1e-6));
    assertThat(f.get(2).score()).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void aFlatListCountsFully() {
    RankedList flat = new RankedList("text", 1f, List.of(c(1, 2f), c(2, 2f)));
    List<Fused> f = Fusion.weightedSum(List.of(flat), 10);
    assertThat(f).extracting(Fused::score).containsExactly(1.0, 1.0);
    assertThat(Fusion.weightedSum(List.of(new RankedList("empty", 1f, List.of())), 5)).isEmpty();
  }

  @Test
  void badParametersAreNamed() {
    assertThatThrownBy(() -> new RankedList("text", -1f, List.of())).hasMessageContaining("weight of list 'text'");
    assertThatThrownBy(() -> new RankedList("text", Float.NaN, List.of())).hasMessageContaining("weight of list 'text'");
    assertThatThrownBy(() -> Fusion.rrf(List.of(), 0, 1)).hasMessageContaining("rrf_k must be >= 1 but was 0");
  }
}
