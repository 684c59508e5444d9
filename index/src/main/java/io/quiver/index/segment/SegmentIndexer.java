package io.quiver.index.segment;

import io.quiver.common.model.QuantizationKind;
import io.quiver.index.hnsw.HnswBuilder;
import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.quant.Int8Vectors;
import io.quiver.index.quant.ProductQuantizer;
import io.quiver.index.quant.ScalarQuantizer;

/**
 * Builds the graph of a sealed segment on its float vectors (the best graph quality) and, when
 * quantization is configured, the codes the search walk then reads. Seeds are fixed per segment
 * number, so the same data gives the same graph.
 */
public final class SegmentIndexer {
  private SegmentIndexer() {}

  public static SegmentGraph build(Segment s, HnswParams params, QuantizationKind kind, int pqSubspaces, int threads) {
    int n = s.size();
    HnswGraph g = HnswBuilder.build(s.scorers(), n, params, threads, 0x5EED0000L + s.number());
    return withQuantization(s, g, kind, pqSubspaces);
  }

  /**
   * Builds the graph of {@code s} from {@code base}, the graph of its first {@code base.size()}
   * ordinals (copied from a merge input, same vectors): only the later ordinals are inserted.
   */
  public static SegmentGraph extend(Segment s, HnswGraph base, QuantizationKind kind, int pqSubspaces, int threads) {
    HnswGraph g = HnswBuilder.extend(base, s.scorers(), s.size(), threads, 0x5EED0000L + s.number());
    return withQuantization(s, g, kind, pqSubspaces);
  }

  /** Attaches the walk scorers for {@code kind} to a built (or loaded) graph. */
  public static SegmentGraph withQuantization(Segment s, HnswGraph g, QuantizationKind kind, int pqSubspaces) {
    int n = s.size();
    int dim = s.vectors().dimension();
    return switch (kind) {
      case NONE -> new SegmentGraph(g, s.scorers(), false, dim * Float.BYTES);
      case INT8 -> {
        ScalarQuantizer q =
            ScalarQuantizer.train(s.vectors(), n, ScalarQuantizer.Mode.GLOBAL, ScalarQuantizer.DEFAULT_CONFIDENCE, s.number());
        Int8Vectors codes = Int8Vectors.encode(s.vectors(), n, s.distance(), q);
        yield new SegmentGraph(g, codes, true, codes.bytesPerVector());
      }
      case PQ -> {
        ProductQuantizer pq = ProductQuantizer.train(s.vectors(), n, s.distance(), pqSubspaces(dim, pqSubspaces), s.number());
        yield new SegmentGraph(g, pq, true, pq.bytesPerVector());
      }
    };
  }

  /** The configured subspace count, or the largest divisor of {@code dim} at most {@code dim / 8}. */
  public static int pqSubspaces(int dim, int configured) {
    if (configured > 0) {
      return configured;
    }
    for (int m = Math.max(1, dim / 8); m > 1; m--) {
      if (dim % m == 0) {
        return m;
      }
    }
    return 1;
  }
}
