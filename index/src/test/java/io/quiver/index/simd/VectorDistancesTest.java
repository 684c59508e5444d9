package io.quiver.index.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorDistancesTest {
  private static final long SEED = System.nanoTime();
  private final VectorDistances simd = VectorDistances.get();
  private final VectorDistances scalar = VectorDistances.scalar();

  @Test
  void vectorApiIsChosenWhenTheModuleIsPresent() {
    // Surefire adds jdk.incubator.vector, so the SIMD kernels must be the ones in use.
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
    assertThat(simd.name()).startsWith("panama-");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 127, 128, 384, 768, 1536})
  void floatKernelsAgreeWithScalarAtAwkwardLengths(int len) {
    System.out.println("seed=" + SEED + " len=" + len);
    Random r = new Random(SEED + len);
    // Offsets inside larger arrays exercise the slice addressing the stores use.
    float[] a = randomFloats(r, len + 5);
    float[] b = randomFloats(r, len + 3);
    double exactDot = 0;
    double exactL2 = 0;
    for (int i = 0; i < len; i++) {
      exactDot += (double) a[i + 5] * b[i + 3];
      double d = (double) a[i + 5] - b[i + 3];
      exactL2 += d * d;
    }
    double tol = 1e-5 * len + 1e-5;
    assertThat((double) simd.dot(a, 5, b, 3, len)).isCloseTo(exactDot, within(tol));
    assertThat((double) scalar.dot(a, 5, b, 3, len)).isCloseTo(exactDot, within(tol));
    assertThat((double) simd.squareL2(a, 5, b, 3, len)).isCloseTo(exactL2, within(tol));
    assertThat((double) scalar.squareL2(a, 5, b, 3, len)).isCloseTo(exactL2, within(tol));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 127, 128, 384, 768, 1536})
  void bulkKernelsAgreeWithOneAtATimeAtAwkwardLengths(int len) {
    System.out.println("seed=" + SEED + " len=" + len);
    Random r = new Random(SEED - len);
    float[] q = randomFloats(r, len + 3);
    // Four stored vectors in two arrays at odd offsets, as a chunked store hands them over.
    float[] x = randomFloats(r, 2 * len + 7);
    float[] y = randomFloats(r, 2 * len + 2);
    float[][] arrays = {x, y, x, y};
    int[] offs = {1, 2, len + 6, len + 1};
    double tol = 1e-5 * len + 1e-5;
    for (VectorDistances k : new VectorDistances[] {simd, scalar}) {
      float[] dots = new float[6];
      float[] l2s = new float[6];
      k.dotBulk4(q, 3, x, offs[0], y, offs[1], x, offs[2], y, offs[3], len, dots, 2);
      k.squareL2Bulk4(q, 3, x, offs[0], y, offs[1], x, offs[2], y, offs[3], len, l2s, 2);
      assertThat(dots[0]).isZero();
      assertThat(dots[1]).isZero();
      for (int j = 0; j < 4; j++) {
        assertThat((double) dots[2 + j])
            .as("%s dot #%d", k.name(), j)
            .isCloseTo(scalar.dot(q, 3, arrays[j], offs[j], len), within(tol));
        assertThat((double) l2s[2 + j])
            .as("%s squareL2 #%d", k.name(), j)
            .isCloseTo(scalar.squareL2(q, 3, arrays[j], offs[j], len), within(tol));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 127, 128, 384, 768, 1536})
  void int8KernelsAreExact(int len) {
    System.out.println("seed=" + SEED + " len=" + len);
    Random r = new Random(SEED ^ len);
    byte[] a = new byte[len + 2];
    byte[] b = new byte[len + 1];
    r.nextBytes(a);
    r.nextBytes(b);
    a[2] = Byte.MIN_VALUE;
    b[1] = Byte.MIN_VALUE;
    int dot = 0;
    int l2 = 0;
    for (int i = 0; i < len; i++) {
      dot += a[i + 2] * b[i + 1];
      int d = a[i + 2] - b[i + 1];
      l2 += d * d;
    }
    assertThat(simd.dotInt8(a, 2, b, 1, len)).isEqualTo(dot);
    assertThat(scalar.dotInt8(a, 2, b, 1, len)).isEqualTo(dot);
    assertThat(simd.squareL2Int8(a, 2, b, 1, len)).isEqualTo(l2);
    assertThat(scalar.squareL2Int8(a, 2, b, 1, len)).isEqualTo(l2);
  }

  @Test
  void wholeArrayHelpersRejectDifferentLengths() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> simd.dot(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3!=4");
  }

  private static float[] randomFloats(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
