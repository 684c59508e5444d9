package io.quiver.common.wire;

import io.quiver.common.error.QuiverException;
import io.quiver.proto.v1.Vector;

/** Vectors between proto and float arrays, checked for length and finiteness. */
public final class WireVectors {
  private WireVectors() {}

  /**
   * The vector's values, refused with INVALID_ARGUMENT naming {@code field} when its length is
   * not {@code dimension} or a value is NaN or infinite.
   */
  public static float[] vector(String field, Vector v, int dimension) {
    int n = v.getValuesCount();
    if (n != dimension) {
      throw QuiverException.invalid(field + " has " + n + " values but the collection's dimension is " + dimension);
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      float x = v.getValues(i);
      if (!Float.isFinite(x)) {
        throw QuiverException.invalid(field + "[" + i + "] is " + x + ": vector values must be finite");
      }
      out[i] = x;
    }
    return out;
  }

  public static Vector toProto(float[] v) {
    Vector.Builder b = Vector.newBuilder();
    for (float x : v) {
      b.addValues(x);
    }
    return b.build();
  }
}
