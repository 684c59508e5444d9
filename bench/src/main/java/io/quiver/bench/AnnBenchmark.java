package io.quiver.bench;

import io.quiver.common.model.QuantizationKind;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.simd.VectorDistances;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quiver vs Lucene vs jvector on the same vectors with M = 16, ef_construct = 100 and the same
 * queries: single-threaded build throughput, QPS with one and two threads at recall@10 = 0.95 and
 * 0.99 (interpolated over an ef sweep), bytes per vector; then exact-scan and memory bandwidth.
 *
 * <p>Options: {@code --datasets siftsmall,gauss128,gauss768}, {@code --n 100000} (points of the
 * generated sets), {@code --queries 200}, {@code --engines quiver,quiver-int8,lucene,jvector}.
 */
public final class AnnBenchmark {
  private AnnBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int n = Integer.parseInt(opt.getOrDefault("n", "100000"));
    int queries = Integer.parseInt(opt.getOrDefault("queries", "200"));
    List<String> sets = List.of(opt.getOrDefault("datasets", "siftsmall,gauss128,gauss768").split(","));
    List<String> engines = List.of(opt.getOrDefault("engines", "quiver,quiver-int8,lucene,jvector").split(","));
    System.out.printf("kernels: %s, cores: %d, java %s%n", VectorDistances.get().name(),
        Runtime.getRuntime().availableProcessors(), Runtime.version());

    StringBuilder table = new StringBuilder();
    table.append("| data set | engine | build vec/s (1 thread, per CPU-s) | QPS@0.95 1t (per CPU-s) | QPS@0.95 2t (wall) | QPS@0.99 1t | QPS@0.99 2t | bytes/vector |\n");
    table.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (String set : sets) {
      DataSet d = switch (set.trim()) {
        case "siftsmall" -> DataSet.siftsmall(queries);
        case "gauss128" -> DataSet.gaussianClusters(n, 128, queries, 128);
        case "gauss768" -> DataSet.gaussianClusters(n, 768, queries, 768);
        default -> throw new IllegalArgumentException("unknown data set '" + set + "'");
      };
      System.out.printf("%n== %s (%d queries)%n", d.name(), d.queries().length);
      for (String name : engines) {
        try (AnnEngine e = engine(name.trim())) {
          System.gc();
          long t0 = System.nanoTime();
          long c0 = CpuClock.processNanos();
          e.build(d);
          double buildSec = (CpuClock.processNanos() - c0) / 1e9;
          System.out.printf(Locale.ROOT, "  %-12s build: %.1f s CPU, %.1f s wall%n", e.name(), buildSec,
              (System.nanoTime() - t0) / 1e9);
          List<Sweep.Point> sweep = Sweep.run(e, d);
          for (Sweep.Point p : sweep) {
            System.out.printf(Locale.ROOT, "  %-12s ef=%-4d recall=%.4f qps1=%8.0f qps2=%8.0f%n",
                e.name(), p.ef(), p.recall(), p.qps1(), p.qps2());
          }
          String row = String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %s | %s | %s | %.0f |",
              d.name(), e.name(), d.base().length / buildSec,
              fmt(Sweep.qpsAt(sweep, 0.95, false)), fmt(Sweep.qpsAt(sweep, 0.95, true)),
              fmt(Sweep.qpsAt(sweep, 0.99, false)), fmt(Sweep.qpsAt(sweep, 0.99, true)),
              e.bytesPerVector());
          System.out.println(row);
          table.append(row).append('\n');
        }
      }
      if (set.trim().equals("gauss768")) {
        double scan = Bandwidth.scanBytesPerSecond(d.base(), d.queries()[0]);
        table.append(String.format(Locale.ROOT, "%nexact scan (%s, 1 thread): %.2f GB/s of vectors%n", d.name(), scan / 1e9));
      }
    }
    double copy = Bandwidth.copyBytesPerSecond();
    double read = Bandwidth.readBytesPerSecond();
    table.append(String.format(Locale.ROOT,
        "memory copy (512 MB, read+write bytes, 1 thread): %.2f GB/s; streaming read (2 x 512 MB dot): %.2f GB/s%n",
        copy / 1e9, read / 1e9));
    System.out.println();
    System.out.println(table);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static AnnEngine engine(String name) {
    HnswParams p = new HnswParams(16, 100);
    return switch (name) {
      case "quiver" -> new QuiverAnn(p, QuantizationKind.NONE);
      case "quiver-int8" -> new QuiverAnn(p, QuantizationKind.INT8);
      case "lucene" -> new LuceneAnn(16, 100);
      case "jvector" -> new JVectorAnn(32, 100);
      default -> throw new IllegalArgumentException("unknown engine '" + name + "'");
    };
  }
}
