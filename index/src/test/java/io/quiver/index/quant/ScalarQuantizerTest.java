package io.quiver.index.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quiver.common.model.Distance;
import io.quiver.index.vector.FloatVectorStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalarQuantizerTest {
  @Test
  void int8ScoresTrackFloatScoresWithinTheQuantizationError() {
    long seed = System.nanoTime();
    System.out.println("seed=" + seed);
    Random r = new Random(seed);
    int dim = 64;
    int n = 500;
    FloatVectorStore store = new FloatVectorStore(dim);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      for (int j = 0; j < dim; j++) {
        v[j] = (float) (r.nextDouble() * 2 - 0.5);
      }
      store.append(v);
    }
    ScalarQuantizer q = ScalarQuantizer.train(store, n, ScalarQuantizer.Mode.GLOBAL, 1.0, seed);
    Int8Vectors dot = Int8Vectors.encode(store, n, Distance.DOT, q);
    Int8Vectors l2 = Int8Vectors.encode(store, n, Distance.L2, q);
    float[] query = store.get(0);
    for (int i = 0; i < n; i++) {
      float[] v = store.get(i);
      double exactDot = 0;
      double exactL2 = 0;
      for (int j = 0; j < dim; j++) {
        exactDot += query[j] * v[j];
        exactL2 += (query[j] - v[j]) * (query[j] - v[j]);
      }
      // Each value is off by at most half a step (2.5/255/2): the error grows with dim.
      assertThat((double) dot.scorer(query).score(i)).isCloseTo(exactDot, within(0.25));
      assertThat((double) l2.scorer(query).score(i)).isCloseTo(-exactL2, within(0.25));
    }
    byte[] codes = new byte[dim];
    q.encode(query, 0, codes, 0);
    float[] back = q.decode(codes, 0);
    for (int j = 0; j < dim; j++) {
      assertThat(back[j]).isCloseTo(query[j], within(2.5f / 255));
    }
  }

  @Test
  void badTrainingInputIsNamed() {
    FloatVectorStore store = new FloatVectorStore(4);
    assertThatThrownBy(() -> ScalarQuantizer.train(store, 0, ScalarQuantizer.Mode.GLOBAL, 0.99, 1))
        .hasMessageContaining("0 vectors");
    store.append(new float[4]);
    assertThatThrownBy(() -> ScalarQuantizer.train(store, 1, ScalarQuantizer.Mode.GLOBAL, 0.2, 1))
        .hasMessageContaining("0.2");
    assertThatThrownBy(() -> ProductQuantizer.train(store, 1, Distance.L2, 3, 1))
        .hasMessageContaining("was 3");
  }
}
