package io.quiver.bench;

import io.quiver.index.simd.VectorDistances;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH micro-benchmarks of the distance kernels: the Vector API against the scalar twin, one pair at
 * a time and four stored vectors per pass (the shape the graph walk scores a node's neighbours in;
 * the bulk figures are per call, i.e. for four distances).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DistanceBenchmark {
  @Param({"128", "768"})
  int dim;

  private final VectorDistances simd = VectorDistances.get();
  private final VectorDistances scalar = VectorDistances.scalar();
  private float[] a;
  private float[] b;
  private byte[] ba;
  private byte[] bb;
  private float[] four;
  private final float[] out = new float[4];

  @Setup
  public void setUp() {
    Random r = new Random(42);
    a = new float[dim];
    b = new float[dim];
    ba = new byte[dim];
    bb = new byte[dim];
    for (int i = 0; i < dim; i++) {
      a[i] = (float) r.nextGaussian();
      b[i] = (float) r.nextGaussian();
    }
    four = new float[4 * dim];
    for (int i = 0; i < four.length; i++) {
      four[i] = (float) r.nextGaussian();
    }
    r.nextBytes(ba);
    r.nextBytes(bb);
  }

  @Benchmark
  public float dotSimd() {
    return simd.dot(a, 0, b, 0, dim);
  }

  @Benchmark
  public float dotScalar() {
    return scalar.dot(a, 0, b, 0, dim);
  }

  @Benchmark
  public float squareL2Simd() {
    return simd.squareL2(a, 0, b, 0, dim);
  }

  @Benchmark
  public float squareL2Scalar() {
    return scalar.squareL2(a, 0, b, 0, dim);
  }

  @Benchmark
  public int dotInt8Simd() {
    return simd.dotInt8(ba, 0, bb, 0, dim);
  }

  @Benchmark
  public int dotInt8Scalar() {
    return scalar.dotInt8(ba, 0, bb, 0, dim);
  }

  @Benchmark
  public int squareL2Int8Simd() {
    return simd.squareL2Int8(ba, 0, bb, 0, dim);
  }

  @Benchmark
  public int squareL2Int8Scalar() {
    return scalar.squareL2Int8(ba, 0, bb, 0, dim);
  }

  @Benchmark
  public float[] squareL2Bulk4Simd() {
    simd.squareL2Bulk4(a, 0, four, 0, four, dim, four, 2 * dim, four, 3 * dim, dim, out, 0);
    return out;
  }

  @Benchmark
  public float[] squareL2Bulk4Scalar() {
    scalar.squareL2Bulk4(a, 0, four, 0, four, dim, four, 2 * dim, four, 3 * dim, dim, out, 0);
    return out;
  }

  @Benchmark
  public float[] dotBulk4Simd() {
    simd.dotBulk4(a, 0, four, 0, four, dim, four, 2 * dim, four, 3 * dim, dim, out, 0);
    return out;
  }
}
