package io.quiver.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one engine over a list of beam widths and records recall@10 and queries per second with
 * one and two threads; interpolates QPS at a target recall between the two sweep points that
 * bracket it.
 */
final class Sweep {
  /** One beam width's measurements. */
  record Point(int ef, double recall, double qps1, double qps2) {}

  static final int[] EFS = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384};
  private static final double MIN_SECONDS = 0.4;
  // Best of several rounds: the machine is shared, and interference only ever slows a round.
  private static final int ROUNDS = 3;

  private Sweep() {}

  static List<Point> run(AnnEngine e, DataSet d) throws Exception {
    // Warm-up: every beam width a few times, so the JIT has compiled the search paths.
    for (int rep = 0; rep < 3; rep++) {
      for (int ef : EFS) {
        for (float[] q : d.queries()) {
          e.search(q, DataSet.K, ef);
        }
      }
    }
    List<Point> out = new ArrayList<>();
    for (int ef : EFS) {
      double recall = recall(e, d, ef);
      out.add(new Point(ef, recall, qps(e, d, ef, 1), qps(e, d, ef, 2)));
      if (recall >= 0.999) {
        break;
      }
    }
    return out;
  }

  static double recall(AnnEngine e, DataSet d, int ef) throws IOException {
    long hits = 0;
    for (int i = 0; i < d.queries().length; i++) {
      Set<Integer> truth = new HashSet<>();
      for (int j = 0; j < DataSet.K; j++) {
        truth.add(d.truth()[i][j]);
      }
      for (int id : e.search(d.queries()[i], DataSet.K, ef)) {
        if (truth.contains(id)) {
          hits++;
        }
      }
    }
    return hits / (double) (DataSet.K * d.queries().length);
  }

  /**
   * Queries per second: the best of ROUNDS rounds, each repeating the query set until
   * MIN_SECONDS have passed. One thread is timed by the CPU time of the whole JVM (so other jobs
   * on a shared machine do not count, while GC and JIT threads do) and its rounds last
   * MIN_SECONDS of that CPU time: the process clock ticks in 10 ms steps on the benchmark
   * machine, and a round of 0.4 s wall time on a loaded machine got only a few ticks, which
   * quantized QPS by 10-30%. Two threads are timed by wall time.
   */
  static double qps(AnnEngine e, DataSet d, int ef, int threads) throws Exception {
    double best = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      long cpuStart = CpuClock.processNanos();
      long done = 0;
      while ((threads == 1 ? CpuClock.processNanos() - cpuStart : System.nanoTime() - start)
          < MIN_SECONDS * 1e9) {
        done += runOnce(e, d, ef, threads);
      }
      long elapsed = threads == 1 ? CpuClock.processNanos() - cpuStart : System.nanoTime() - start;
      best = Math.max(best, done / (elapsed / 1e9));
    }
    return best;
  }

  private static int runOnce(AnnEngine e, DataSet d, int ef, int threads) throws Exception {
    float[][] qs = d.queries();
    if (threads == 1) {
      for (float[] q : qs) {
        e.search(q, DataSet.K, ef);
      }
      return qs.length;
    }
    AtomicInteger next = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    Exception[] failure = new Exception[1];
    for (int t = 0; t < threads; t++) {
      ts.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i; (i = next.getAndIncrement()) < qs.length; ) {
            e.search(qs[i], DataSet.K, ef);
          }
        } catch (IOException ex) {
          failure[0] = ex;
        }
      }));
    }
    for (Thread t : ts) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return qs.length;
  }

  /** QPS at {@code target} recall, linearly interpolated; NaN when the sweep never reached it. */
  static double qpsAt(List<Point> ps, double target, boolean twoThreads) {
    for (int i = 0; i < ps.size(); i++) {
      Point p = ps.get(i);
      if (p.recall() >= target) {
        double q = twoThreads ? p.qps2() : p.qps1();
        if (i == 0) {
          return q;
        }
        Point a = ps.get(i - 1);
        double qa = twoThreads ? a.qps2() : a.qps1();
        double t = (target - a.recall()) / (p.recall() - a.recall());
        return qa + t * (q - qa);
      }
    }
    return Double.NaN;
  }
}
