package io.quiver.index.simd;

/** Plain-Java kernels: the reference for tests and the fallback without the Vector API. */
final class ScalarDistances implements VectorDistances {
  static final ScalarDistances INSTANCE = new ScalarDistances();

  private ScalarDistances() {}

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
      s1 = Math.fma(a[aOff + i + 1], b[bOff + i + 1], s1);
      s2 = Math.fma(a[aOff + i + 2], b[bOff + i + 2], s2);
      s3 = Math.fma(a[aOff + i + 3], b[bOff + i + 3], s3);
    }
    for (; i < len; i++) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squareL2(float[] a, int aOff, float[] b, int bOff, int len) {
    float s0 = 0;
    float s1 = 0;
    int i = 0;
    for (; i + 1 < len; i += 2) {
      float d0 = a[aOff + i] - b[bOff + i];
      float d1 = a[aOff + i + 1] - b[bOff + i + 1];
      s0 = Math.fma(d0, d0, s0);
      s1 = Math.fma(d1, d1, s1);
    }
    for (; i < len; i++) {
      float d = a[aOff + i] - b[bOff + i];
      s0 = Math.fma(d, d, s0);
    }
    return s0 + s1;
  }

  @Override
  public void dotBulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff) {
    out[outOff] = dot(q, qOff, b0, o0, len);
    out[outOff + 1] = dot(q, qOff, b1, o1, len);
    out[outOff + 2] = dot(q, qOff, b2, o2, len);
    out[outOff + 3] = dot(q, qOff, b3, o3, len);
  }

  @Override
  public void squareL2Bulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff) {
    out[outOff] = squareL2(q, qOff, b0, o0, len);
    out[outOff + 1] = squareL2(q, qOff, b1, o1, len);
    out[outOff + 2] = squareL2(q, qOff, b2, o2, len);
    out[outOff + 3] = squareL2(q, qOff, b3, o3, len);
  }

  @Override
  public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public int squareL2Int8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) {
      int d = a[aOff + i] - b[bOff + i];
      s += d * d;
    }
    return s;
  }

  @Override
  public String name() {
    return "scalar";
  }
}
