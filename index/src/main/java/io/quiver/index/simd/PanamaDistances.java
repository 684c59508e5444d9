package io.quiver.index.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API with the preferred species. Float kernels keep four independent
 * accumulators so consecutive fused multiply-adds do not wait on each other; the tail shorter
 * than one vector runs scalar. Int8 kernels widen bytes straight to int lanes (one instruction on
 * x86) so the products never overflow.
 */
final class PanamaDistances implements VectorDistances {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int FL = F.length();
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(I.length() * 8));
  private static final int IL = I.length();

  PanamaDistances() {
    if (FL < 4 || I.length() < 4) {
      throw new IllegalStateException("preferred species too small: " + F);
    }
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    int i = 0;
    float sum = 0;
    if (len >= 2 * FL) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      int bound4 = len - 4 * FL;
      for (; i <= bound4; i += 4 * FL) {
        acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
        acc1 = FloatVector.fromArray(F, a, aOff + i + FL)
            .fma(FloatVector.fromArray(F, b, bOff + i + FL), acc1);
        acc2 = FloatVector.fromArray(F, a, aOff + i + 2 * FL)
            .fma(FloatVector.fromArray(F, b, bOff + i + 2 * FL), acc2);
        acc3 = FloatVector.fromArray(F, a, aOff + i + 3 * FL)
            .fma(FloatVector.fromArray(F, b, bOff + i + 3 * FL), acc3);
      }
      int bound1 = len - FL;
      for (; i <= bound1; i += FL) {
        acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    }
    return sum;
  }

  @Override
  public float squareL2(float[] a, int aOff, float[] b, int bOff, int len) {
    int i = 0;
    float sum = 0;
    if (len >= 2 * FL) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      int bound4 = len - 4 * FL;
      for (; i <= bound4; i += 4 * FL) {
        FloatVector d0 =
            FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i));
        FloatVector d1 =
            FloatVector.fromArray(F, a, aOff + i + FL).sub(FloatVector.fromArray(F, b, bOff + i + FL));
        FloatVector d2 =
            FloatVector.fromArray(F, a, aOff + i + 2 * FL)
                .sub(FloatVector.fromArray(F, b, bOff + i + 2 * FL));
        FloatVector d3 =
            FloatVector.fromArray(F, a, aOff + i + 3 * FL)
                .sub(FloatVector.fromArray(F, b, bOff + i + 3 * FL));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
        acc2 = d2.fma(d2, acc2);
        acc3 = d3.fma(d3, acc3);
      }
      int bound1 = len - FL;
      for (; i <= bound1; i += FL) {
        FloatVector d =
            FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i));
        acc0 = d.fma(d, acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      float d = a[aOff + i] - b[bOff + i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  @Override
  public void dotBulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff) {
    int i = 0;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    if (len >= FL) {
      // One accumulator per stored vector: four independent chains, and each query load is
      // shared by four multiply-adds.
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      int bound = len - FL;
      for (; i <= bound; i += FL) {
        FloatVector x = FloatVector.fromArray(F, q, qOff + i);
        acc0 = x.fma(FloatVector.fromArray(F, b0, o0 + i), acc0);
        acc1 = x.fma(FloatVector.fromArray(F, b1, o1 + i), acc1);
        acc2 = x.fma(FloatVector.fromArray(F, b2, o2 + i), acc2);
        acc3 = x.fma(FloatVector.fromArray(F, b3, o3 + i), acc3);
      }
      s0 = acc0.reduceLanes(VectorOperators.ADD);
      s1 = acc1.reduceLanes(VectorOperators.ADD);
      s2 = acc2.reduceLanes(VectorOperators.ADD);
      s3 = acc3.reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      float x = q[qOff + i];
      s0 = Math.fma(x, b0[o0 + i], s0);
      s1 = Math.fma(x, b1[o1 + i], s1);
      s2 = Math.fma(x, b2[o2 + i], s2);
      s3 = Math.fma(x, b3[o3 + i], s3);
    }
    out[outOff] = s0;
    out[outOff + 1] = s1;
    out[outOff + 2] = s2;
    out[outOff + 3] = s3;
  }

  @Override
  public void squareL2Bulk4(
      float[] q, int qOff, float[] b0, int o0, float[] b1, int o1, float[] b2, int o2,
      float[] b3, int o3, int len, float[] out, int outOff) {
    int i = 0;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    if (len >= FL) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      int bound = len - FL;
      for (; i <= bound; i += FL) {
        FloatVector x = FloatVector.fromArray(F, q, qOff + i);
        FloatVector d0 = x.sub(FloatVector.fromArray(F, b0, o0 + i));
        FloatVector d1 = x.sub(FloatVector.fromArray(F, b1, o1 + i));
        FloatVector d2 = x.sub(FloatVector.fromArray(F, b2, o2 + i));
        FloatVector d3 = x.sub(FloatVector.fromArray(F, b3, o3 + i));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
        acc2 = d2.fma(d2, acc2);
        acc3 = d3.fma(d3, acc3);
      }
      s0 = acc0.reduceLanes(VectorOperators.ADD);
      s1 = acc1.reduceLanes(VectorOperators.ADD);
      s2 = acc2.reduceLanes(VectorOperators.ADD);
      s3 = acc3.reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      float x = q[qOff + i];
      float d0 = x - b0[o0 + i];
      float d1 = x - b1[o1 + i];
      float d2 = x - b2[o2 + i];
      float d3 = x - b3[o3 + i];
      s0 = Math.fma(d0, d0, s0);
      s1 = Math.fma(d1, d1, s1);
      s2 = Math.fma(d2, d2, s2);
      s3 = Math.fma(d3, d3, s3);
    }
    out[outOff] = s0;
    out[outOff + 1] = s1;
    out[outOff + 2] = s2;
    out[outOff + 3] = s3;
  }

  @Override
  public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int i = 0;
    int sum = 0;
    if (len >= IL) {
      IntVector acc0 = IntVector.zero(I);
      IntVector acc1 = IntVector.zero(I);
      int bound2 = len - 2 * IL;
      for (; i <= bound2; i += 2 * IL) {
        acc0 = acc0.add(widen(a, aOff + i).mul(widen(b, bOff + i)));
        acc1 = acc1.add(widen(a, aOff + i + IL).mul(widen(b, bOff + i + IL)));
      }
      if (i <= len - IL) {
        acc0 = acc0.add(widen(a, aOff + i).mul(widen(b, bOff + i)));
        i += IL;
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public int squareL2Int8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int i = 0;
    int sum = 0;
    if (len >= IL) {
      IntVector acc0 = IntVector.zero(I);
      IntVector acc1 = IntVector.zero(I);
      int bound2 = len - 2 * IL;
      for (; i <= bound2; i += 2 * IL) {
        IntVector d0 = widen(a, aOff + i).sub(widen(b, bOff + i));
        IntVector d1 = widen(a, aOff + i + IL).sub(widen(b, bOff + i + IL));
        acc0 = acc0.add(d0.mul(d0));
        acc1 = acc1.add(d1.mul(d1));
      }
      if (i <= len - IL) {
        IntVector d = widen(a, aOff + i).sub(widen(b, bOff + i));
        acc0 = acc0.add(d.mul(d));
        i += IL;
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      int d = a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  private static IntVector widen(byte[] a, int off) {
    return (IntVector) ByteVector.fromArray(B, a, off).convertShape(VectorOperators.B2I, I, 0);
  }

  @Override
  public String name() {
    return "panama-" + F.vectorBitSize() + "bit";
  }
}
