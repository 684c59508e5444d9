package io.quiver.index.engine;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.QuantizationKind;
import io.quiver.index.hnsw.HnswParams;
import io.quiver.index.text.Bm25Params;
import java.util.Objects;

/**
 * Configuration of one {@link ShardEngine}.
 *
 * @param dimension vector length
 * @param distance how vectors compare
 * @param hnsw graph parameters of sealed segments
 * @param quantization codes the graph walk reads ({@code NONE}: floats)
 * @param schema indexed payload fields
 * @param segmentMaxPoints the growing segment is sealed (and indexed) at this many points
 * @param indexThreads threads that build one segment's graph
 * @param mergeFactor sealed segments merge when more than this many exist
 * @param rescoreOversampling candidates fetched per result before re-scoring quantized walks
 * @param pqSubspaces product-quantization subspaces (0: about dimension / 8)
 * @param bm25 keyword-search parameters
 */
public record EngineConfig(
    int dimension,
    Distance distance,
    HnswParams hnsw,
    QuantizationKind quantization,
    PayloadSchema schema,
    int segmentMaxPoints,
    int indexThreads,
    int mergeFactor,
    float rescoreOversampling,
    int pqSubspaces,
    Bm25Params bm25) {

  public static final int DEFAULT_SEGMENT_MAX_POINTS = 20_000;
  public static final int DEFAULT_INDEX_THREADS = 1;
  public static final int DEFAULT_MERGE_FACTOR = 4;
  public static final float DEFAULT_RESCORE_OVERSAMPLING = 3.0f;

  public EngineConfig {
    if (dimension < 1 || dimension > 65_536) {
      throw new IllegalArgumentException("dimension must be in 1..65536 but was " + dimension);
    }
    Objects.requireNonNull(distance, "distance");
    hnsw = hnsw == null ? HnswParams.DEFAULT : hnsw;
    quantization = quantization == null ? QuantizationKind.NONE : quantization;
    schema = schema == null ? PayloadSchema.EMPTY : schema;
    bm25 = bm25 == null ? Bm25Params.DEFAULT : bm25;
    if (segmentMaxPoints < 1) {
      throw new IllegalArgumentException("segment_max_points must be >= 1 but was " + segmentMaxPoints);
    }
    if (indexThreads < 1) {
      throw new IllegalArgumentException("index_threads must be >= 1 but was " + indexThreads);
    }
    if (mergeFactor < 2) {
      throw new IllegalArgumentException("merge_factor must be >= 2 but was " + mergeFactor);
    }
    if (!(rescoreOversampling >= 1 && rescoreOversampling <= 100)) {
      throw new IllegalArgumentException(
          "rescore_oversampling must be in 1..100 but was " + rescoreOversampling);
    }
    if (pqSubspaces < 0 || (pqSubspaces > 0 && dimension % pqSubspaces != 0)) {
      throw new IllegalArgumentException(
          "pq_subspaces must divide dimension " + dimension + " but was " + pqSubspaces);
    }
  }

  /** Defaults for everything but the vector shape. */
  public static EngineConfig defaults(int dimension, Distance distance) {
    return new EngineConfig(
        dimension, distance, HnswParams.DEFAULT, QuantizationKind.NONE, PayloadSchema.EMPTY,
        DEFAULT_SEGMENT_MAX_POINTS, DEFAULT_INDEX_THREADS, DEFAULT_MERGE_FACTOR,
        DEFAULT_RESCORE_OVERSAMPLING, 0, Bm25Params.DEFAULT);
  }

  /** The engine configuration of a collection's shard. */
  public static EngineConfig from(CollectionConfig c) {
    return defaults(c.dimension(), c.distance())
        .withHnsw(new HnswParams(c.hnsw().m(), c.hnsw().efConstruct()))
        .withQuantization(c.quantization().kind())
        .withSchema(c.payloadSchema())
        .withRescore(c.quantization().rescoreOversampling(), c.quantization().pqSubspaces());
  }

  public EngineConfig withHnsw(HnswParams p) {
    return new EngineConfig(dimension, distance, p, quantization, schema, segmentMaxPoints, indexThreads, mergeFactor, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withQuantization(QuantizationKind q) {
    return new EngineConfig(dimension, distance, hnsw, q, schema, segmentMaxPoints, indexThreads, mergeFactor, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withSchema(PayloadSchema s) {
    return new EngineConfig(dimension, distance, hnsw, quantization, s, segmentMaxPoints, indexThreads, mergeFactor, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withSegmentMaxPoints(int n) {
    return new EngineConfig(dimension, distance, hnsw, quantization, schema, n, indexThreads, mergeFactor, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withIndexThreads(int n) {
    return new EngineConfig(dimension, distance, hnsw, quantization, schema, segmentMaxPoints, n, mergeFactor, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withMergeFactor(int n) {
    return new EngineConfig(dimension, distance, hnsw, quantization, schema, segmentMaxPoints, indexThreads, n, rescoreOversampling, pqSubspaces, bm25);
  }

  public EngineConfig withRescore(float oversampling, int pqSubspaces) {
    return new EngineConfig(dimension, distance, hnsw, quantization, schema, segmentMaxPoints, indexThreads, mergeFactor, oversampling, pqSubspaces, bm25);
  }

  public EngineConfig withBm25(Bm25Params p) {
    return new EngineConfig(dimension, distance, hnsw, quantization, schema, segmentMaxPoints, indexThreads, mergeFactor, rescoreOversampling, pqSubspaces, p);
  }
}
