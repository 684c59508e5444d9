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
    return l2 ? new L2(q, qOff, store) : new Dot(q, qOff, store);
  }

  /**
   * A scorer that caches the store's chunk table (re-reading it only for an ordinal beyond the
   * cached one), so the hot loop does one plain array walk instead of a volatile read per score.
   */
  private abstract static class Cached implements QueryScorer {
    final float[] q;
    final int qOff;
    final int dim;
    private final FloatVectorStore store;
    private float[][] table;

    Cached(float[] q, int qOff, FloatVectorStore store) {
      this.q = q;
      this.qOff = qOff;
      this.store = store;
      this.dim = store.dimension();
      this.table = store.table();
    }

    final float[] chunk(int ord) {
      float[][] t = table;
      int c = ord >>> FloatVectorStore.SHIFT;
      if (c >= t.length || t[c] == null) {
        t = table = store.table();
      }
      return t[c];
    }

    final int offset(int ord) {
      return (ord & FloatVectorStore.MASK) * dim;
    }
  }

  private static final class L2 extends Cached {
    L2(float[] q, int qOff, FloatVectorStore store) {
      super(q, qOff, store);
    }

    @Override
    public float score(int ord) {
      return -D.squareL2(q, qOff, chunk(ord), offset(ord), dim);
    }
  }

  private static final class Dot extends Cached {
    Dot(float[] q, int qOff, FloatVectorStore store) {
      super(q, qOff, store);
    }

    @Override
    public float score(int ord) {
      return D.dot(q, qOff, chunk(ord), offset(ord), dim);
    }
  }
}
