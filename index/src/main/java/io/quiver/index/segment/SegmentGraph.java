package io.quiver.index.segment;

import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.vector.ScorerSource;

/**
 * The search structure of a sealed segment: its frozen graph and the scorers the walk uses
 * ({@code walk} is the float scorers, or int8 / PQ codes that are then re-scored).
 *
 * @param quantized whether {@code walk} is approximate and needs re-scoring
 * @param codeBytesPerVector bytes per vector of the scorer the walk reads
 */
public record SegmentGraph(HnswGraph graph, ScorerSource walk, boolean quantized, int codeBytesPerVector) {
  public SegmentGraph {
    if (!graph.isFrozen()) {
      throw new IllegalArgumentException("a segment graph must be frozen");
    }
  }
}
