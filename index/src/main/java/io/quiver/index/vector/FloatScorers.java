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
   * Bulk scoring runs four vectors per kernel pass (see {@link VectorDistances#dotBulk4}).
   */
  private abstract static class Cached implements QueryScorer {
    final float[] q;
    final int qOff;
    final int dim;
    private final FloatVectorStore store;
    private float[][] table;
    // Scratch for the padded last pass of bulkScore; a scorer serves one search at a time.
    private final float[] tail = new float[4];

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

    /** Scores four ordinals into {@code out[outOff..outOff+4)} with one bulk kernel pass. */
    abstract void score4(int a, int b, int c, int d, float[] out, int outOff);

    /** Written so the JIT keeps the touching loads in {@link #bulkScore}; never read. */
    float sink;

    @Override
    public final void bulkScore(int[] ords, float[] out, int n) {
      // Read the first float of every vector before scoring any: the cache misses of a node's
      // neighbours then overlap instead of each bulk pass waiting for its own four. A walk over
      // vectors that do not fit in cache is bound by those misses: +10% QPS on 100k x 128
      // (bench/README.md). Java has no prefetch instruction; a plain load is the portable one.
      float touched = 0;
      for (int j = 0; j < n; j++) {
        int ord = ords[j];
        touched += chunk(ord)[offset(ord)];
      }
      sink = touched;
      int i = 0;
      for (; i + 3 < n; i += 4) {
        score4(ords[i], ords[i + 1], ords[i + 2], ords[i + 3], out, i);
      }
      int rest = n - i;
      if (rest == 1) {
        out[i] = score(ords[i]);
      } else if (rest > 1) {
        // Two or three left: one padded 4-way pass (the repeated vector is already in cache)
        // costs less than two or three single passes.
        int last = ords[i + rest - 1];
        score4(ords[i], ords[i + 1], last, last, tail, 0);
        System.arraycopy(tail, 0, out, i, rest);
      }
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

    @Override
    void score4(int a, int b, int c, int d, float[] out, int o) {
      D.squareL2Bulk4(q, qOff, chunk(a), offset(a), chunk(b), offset(b), chunk(c), offset(c),
          chunk(d), offset(d), dim, out, o);
      out[o] = -out[o];
      out[o + 1] = -out[o + 1];
      out[o + 2] = -out[o + 2];
      out[o + 3] = -out[o + 3];
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

    @Override
    void score4(int a, int b, int c, int d, float[] out, int o) {
      D.dotBulk4(q, qOff, chunk(a), offset(a), chunk(b), offset(b), chunk(c), offset(c),
          chunk(d), offset(d), dim, out, o);
    }
  }
}
