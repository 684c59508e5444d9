package io.quiver.index.vector;

import io.quiver.common.model.Distance;
import io.quiver.index.simd.VectorDistances;

/**
 * Turns a {@link Distance} into a score where larger is closer, and prepares vectors on write
 * (cosine vectors are normalized once, so cosine is a dot product afterwards).
 */
public final class Similarity {
  private static final VectorDistances D = VectorDistances.get();

  private Similarity() {}

  /** The score of two slices under {@code distance}; cosine assumes normalized inputs. */
  public static float score(Distance distance, float[] a, int aOff, float[] b, int bOff, int len) {
    return switch (distance) {
      case COSINE, DOT -> D.dot(a, aOff, b, bOff, len);
      case L2 -> -D.squareL2(a, aOff, b, bOff, len);
    };
  }

  public static float score(Distance distance, float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector dimensions differ: " + a.length + "!=" + b.length);
    }
    return score(distance, a, 0, b, 0, a.length);
  }

  /**
   * The vector as stored for {@code distance}: a normalized copy for cosine, a copy otherwise.
   * A zero vector stays zero under cosine (it scores 0 against everything).
   */
  public static float[] prepare(Distance distance, float[] v) {
    float[] c = v.clone();
    if (distance == Distance.COSINE) {
      normalizeInPlace(c);
    }
    return c;
  }

  public static void normalizeInPlace(float[] v) {
    float n = D.dot(v, 0, v, 0, v.length);
    if (n > 0) {
      float inv = (float) (1.0 / Math.sqrt(n));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
  }

  /**
   * Checks a vector on input: length and finiteness.
   *
   * @throws IllegalArgumentException naming {@code field}, the index and the bad value
   */
  public static void check(String field, float[] v, int dimension) {
    if (v == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (v.length != dimension) {
      throw new IllegalArgumentException(
          field + " has dimension " + v.length + " but the index expects " + dimension);
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(field + "[" + i + "] must be finite but was " + v[i]);
      }
    }
  }
}
