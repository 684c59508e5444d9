package io.quiver.index.text;

/**
 * BM25 parameters.
 *
 * @param k1 term-frequency saturation (default 1.2)
 * @param b length normalization, 0 (none) to 1 (full) (default 0.75)
 */
public record Bm25Params(float k1, float b) {
  public static final float DEFAULT_K1 = 1.2f;
  public static final float DEFAULT_B = 0.75f;
  public static final Bm25Params DEFAULT = new Bm25Params(DEFAULT_K1, DEFAULT_B);

  public Bm25Params {
    if (!(k1 >= 0 && k1 <= 10)) {
      throw new IllegalArgumentException("bm25.k1 must be in [0, 10] but was " + k1);
    }
    if (!(b >= 0 && b <= 1)) {
      throw new IllegalArgumentException("bm25.b must be in [0, 1] but was " + b);
    }
  }

  /** Inverse document frequency, never negative: {@code ln(1 + (N - df + 0.5) / (df + 0.5))}. */
  public static float idf(long docCount, long df) {
    return (float) Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
  }

  /** The score of one term occurring {@code tf} times in a document of length {@code dl}. */
  public float score(float idf, int tf, int dl, float avgdl) {
    float norm = k1 * (1 - b + b * dl / avgdl);
    return idf * tf * (k1 + 1) / (tf + norm);
  }
}
