package io.quiver.bench.writes;

import io.quiver.bench.writes.WriteThroughputBenchmark.Case;
import io.quiver.bench.writes.WriteThroughputBenchmark.Figure;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Closed-loop writers: {@code clients} threads, each sending one batch and waiting for its answer
 * before the next, for a warm-up and then a measured window; batches acknowledged in the window
 * are counted.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /**
   * @param writerFor gives thread {@code t} its writer: one batch per call, true when acknowledged
   */
  static Figure measure(Case c, int clients, int batch, int warmup, int seconds, IntFunction<BooleanSupplier> writerFor)
      throws InterruptedException {
    AtomicLong batches = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long measureFrom = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
    long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch done = new CountDownLatch(clients);
    for (int t = 0; t < clients; t++) {
      BooleanSupplier writer = writerFor.apply(t);
      Thread.ofPlatform().name("bench-writer-" + t).start(() -> {
        try {
          while (System.nanoTime() < end) {
            boolean ok = writer.getAsBoolean();
            if (!ok) {
              failures.incrementAndGet();
            } else if (System.nanoTime() >= measureFrom) {
              batches.incrementAndGet();
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
    double loadBefore = WriteThroughputBenchmark.loadAverage();
    done.await();
    double elapsed = (System.nanoTime() - measureFrom) / 1e9;
    long n = batches.get();
    Figure f = new Figure(c, n, (long) n * batch, elapsed, loadBefore, WriteThroughputBenchmark.loadAverage());
    System.out.printf("%-36s %8.1f batches/s %9.0f points/s (%d batches, %d failed, load %.1f -> %.1f)%n",
        c.name(), f.batchesPerSecond(), f.pointsPerSecond(), n, failures.get(), f.loadBefore(), f.loadAfter());
    return f;
  }
}
