package io.quiver.bench;

import io.quiver.common.model.QuantizationKind;
import io.quiver.index.hnsw.HnswBuilder;
import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.hnsw.HnswSearcher;
import io.quiver.index.hnsw.Neighbors;
import io.quiver.index.quant.Rescorer;
import io.quiver.index.segment.Segment;
import io.quiver.index.segment.SegmentGraph;
import io.quiver.index.segment.SegmentIndexer;
import io.quiver.index.vector.FloatScorers;
import io.quiver.index.vector.FloatVectorStore;

/** Quiver's HNSW (float walk, or int8 walk with re-scoring). */
final class QuiverAnn implements AnnEngine {
  private final HnswParams params;
  private final QuantizationKind kind;
  private FloatVectorStore store;
  private FloatScorers scorers;
  private HnswGraph graph;
  private SegmentGraph quantized;

  QuiverAnn(HnswParams params, QuantizationKind kind) {
    this.params = params;
    this.kind = kind;
  }

  @Override
  public String name() {
    return kind == QuantizationKind.NONE ? "quiver" : "quiver-" + kind.name().toLowerCase();
  }

  @Override
  public void build(DataSet data) {
    store = new FloatVectorStore(data.dimension());
    for (float[] v : data.base()) {
      store.append(v);
    }
    scorers = new FloatScorers(store, data.distance());
    if (kind == QuantizationKind.NONE) {
      graph = HnswBuilder.build(scorers, data.base().length, params, 1, 42);
    } else {
      Segment s = new Segment(0, data.dimension(), data.distance(), io.quiver.common.model.PayloadSchema.EMPTY);
      for (int i = 0; i < data.base().length; i++) {
        s.append(io.quiver.common.model.PointId.of(i), data.base()[i], java.util.Map.of(), null, 0);
      }
      s.seal();
      quantized = SegmentIndexer.build(s, params, kind, 0, 1);
      store = s.vectors();
      scorers = s.scorers();
      graph = quantized.graph();
    }
  }

  @Override
  public int[] search(float[] query, int k, int ef) {
    if (quantized == null) {
      return HnswSearcher.search(graph, scorers.scorer(query), k, ef, null).ords();
    }
    int fetch = Math.max(k, Rescorer.candidates(k, Rescorer.DEFAULT_OVERSAMPLING));
    Neighbors cand = HnswSearcher.search(graph, quantized.walk().scorer(query), fetch, Math.max(ef, fetch), null);
    return Rescorer.rescore(cand, scorers.scorer(query), k).ords();
  }

  @Override
  public double bytesPerVector() {
    int n = store.size();
    double graphBytes = graph.bytes() / (double) n;
    int walk = quantized == null ? store.dimension() * Float.BYTES : quantized.codeBytesPerVector();
    return walk + graphBytes;
  }

  @Override
  public void close() {}
}
