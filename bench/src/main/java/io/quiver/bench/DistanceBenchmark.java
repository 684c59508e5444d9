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

/** JMH micro-benchmarks of the distance kernels: the Vector API against the scalar twin. */
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
}
