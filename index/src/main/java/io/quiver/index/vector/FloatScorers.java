package io.quiver.index.vector;

import io.quiver.common.model.Distance;
import io.quiver.index.simd.VectorDistances;

/** Full-precision scorers over a {@link FloatVectorStore}. */
public final class FloatScorers implements ScorerSource {
  private static final VectorDistances D = VectorDistances.get();

  private final FloatVectorStore store;
  private final boolean l2;
  private final int dim;

  public FloatScorers(FloatVectorStore store, Distance distance) {
    this.store = store;
    this.l2 = distance == Distance.L2;
    this.dim = store.dimension();
  }

  public FloatVectorStore store() {
    return store;
  }

  @Override
  public QueryScorer scorer(float[] query) {
    return scorer(query, 0);
  }

  @Override
  public QueryScorer scorer(int ord) {
    return scorer(store.chunk(ord), store.offset(ord));
  }

  @Override
  public float score(int a, int b) {
    float[] ca = store.chunk(a);
    float[] cb = store.chunk(b);
    return l2
        ? -D.squareL2(ca, store.offset(a), cb, store.offset(b), dim)
        : D.dot(ca, store.offset(a), cb, store.offset(b), dim);
  }

  private QueryScorer scorer(float[] q, int qOff) {
    FloatVectorStore s = store;
    int d = dim;
    if (l2) {
      return ord -> -D.squareL2(q, qOff, s.chunk(ord), s.offset(ord), d);
    }
    return ord -> D.dot(q, qOff, s.chunk(ord), s.offset(ord), d);
  }
}
