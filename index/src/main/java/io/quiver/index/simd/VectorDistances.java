package io.quiver.index.simd;

/**
 * Raw distance kernels over slices of arrays, so callers can keep many vectors in one contiguous
 * array and address each by offset. Two implementations exist: {@link PanamaDistances} (the Vector
 * API) and {@link ScalarDistances}; {@link #get()} returns the one chosen at start-up.
 *
 * <p>Kernels do not check bounds beyond what the JVM does: callers pass valid offsets and lengths.
 * Cosine similarity is a {@link #dot} of vectors normalized once on write.
 */
public interface VectorDistances {

  /** Inner product of {@code a[aOff..aOff+len)} and {@code b[bOff..bOff+len)}. */
  float dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** Squared euclidean distance of the two slices. */
  float squareL2(float[] a, int aOff, float[] b, int bOff, int len);

  /** Inner product of two int8 slices, exact in 32-bit integers for any length below 2^17. */
  int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len);

  /** Squared euclidean distance of two int8 slices, exact in 32-bit integers below 2^15 dims. */
  int squareL2Int8(byte[] a, int aOff, byte[] b, int bOff, int len);

  /**
   * Inner products of one query slice with four stored slices, into {@code out[outOff..outOff+4)}.
   * One pass loads each query lane once for four vectors and keeps four independent
   * multiply-add chains and memory streams in flight, which is what a graph walk scoring a node's
   * neighbours needs at high dimensions.
   */
  void dotBulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff);

  /** Squared euclidean distances of one query slice to four stored slices; see {@link #dotBulk4}. */
  void squareL2Bulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff);

  /** Short name for logs and benchmark tables. */
  String name();

  default float dot(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return dot(a, 0, b, 0, a.length);
  }

  default float squareL2(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return squareL2(a, 0, b, 0, a.length);
  }

  /** The implementation chosen once for this JVM. */
  static VectorDistances get() {
    return DistancesProvider.INSTANCE;
  }

  /** The scalar implementation, for tests and as a reference. */
  static VectorDistances scalar() {
    return ScalarDistances.INSTANCE;
  }

  private static void checkSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("vector dimensions differ: " + a + "!=" + b);
    }
  }
}
