package io.quiver.common.model;

import java.util.Objects;

/**
 * A collection's configuration with every default filled in. The compact constructor checks
 * every field and names the bad one, so an instance is always valid.
 */
public record CollectionConfig(
    int dimension,
    Distance distance,
    int shardCount,
    int replicationFactor,
    WriteLevel writeLevel,
    Hnsw hnsw,
    Quantization quantization,
    PayloadSchema payloadSchema) {

  public static final int DEFAULT_SHARD_COUNT = 1;
  public static final int DEFAULT_REPLICATION_FACTOR = 1;
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCT = 100;
  public static final int DEFAULT_EF_SEARCH = 64;
  public static final float DEFAULT_RESCORE_OVERSAMPLING = 3.0f;

  /** HNSW parameters of a collection. */
  public record Hnsw(int m, int efConstruct, int efSearch) {
    public static final Hnsw DEFAULT = new Hnsw(DEFAULT_M, DEFAULT_EF_CONSTRUCT, DEFAULT_EF_SEARCH);

    public Hnsw {
      if (m < 2 || m > 128) {
        throw new IllegalArgumentException("hnsw.m must be in 2..128 but was " + m);
      }
      if (efConstruct < m || efConstruct > 4096) {
        throw new IllegalArgumentException(
            "hnsw.ef_construct must be in m.." + 4096 + " (m=" + m + ") but was " + efConstruct);
      }
      if (efSearch < 1 || efSearch > Limits.MAX_K) {
        throw new IllegalArgumentException("hnsw.ef_search must be in 1.." + Limits.MAX_K + " but was " + efSearch);
      }
    }
  }

  /** Quantization of a collection. */
  public record Quantization(QuantizationKind kind, int pqSubspaces, float rescoreOversampling) {
    public static final Quantization NONE = new Quantization(QuantizationKind.NONE, 0, DEFAULT_RESCORE_OVERSAMPLING);

    public Quantization {
      Objects.requireNonNull(kind, "quantization.kind");
      if (pqSubspaces < 0) {
        throw new IllegalArgumentException("quantization.pq_subspaces must be >= 0 but was " + pqSubspaces);
      }
      if (!(rescoreOversampling >= 1f && rescoreOversampling <= 100f)) {
        throw new IllegalArgumentException(
            "quantization.rescore_oversampling must be in 1..100 but was " + rescoreOversampling);
      }
    }
  }

  public CollectionConfig {
    if (dimension < 1 || dimension > Limits.MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in 1.." + Limits.MAX_DIMENSION + " but was " + dimension);
    }
    if (distance == null) {
      throw new IllegalArgumentException("distance must be one of COSINE, DOT, L2 but was unset");
    }
    if (shardCount < 1 || shardCount > Limits.MAX_SHARDS) {
      throw new IllegalArgumentException("shard_count must be in 1.." + Limits.MAX_SHARDS + " but was " + shardCount);
    }
    if (replicationFactor < 1 || replicationFactor > Limits.MAX_REPLICATION_FACTOR) {
      throw new IllegalArgumentException(
          "replication_factor must be in 1.." + Limits.MAX_REPLICATION_FACTOR + " but was " + replicationFactor);
    }
    writeLevel = writeLevel == null ? WriteLevel.QUORUM : writeLevel;
    hnsw = hnsw == null ? Hnsw.DEFAULT : hnsw;
    quantization = quantization == null ? Quantization.NONE : quantization;
    payloadSchema = payloadSchema == null ? PayloadSchema.EMPTY : payloadSchema;
    if (quantization.kind() == QuantizationKind.PQ) {
      int sub = quantization.pqSubspaces() == 0 ? Math.max(1, dimension / 8) : quantization.pqSubspaces();
      if (dimension % sub != 0) {
        throw new IllegalArgumentException(
            "quantization.pq_subspaces must divide dimension " + dimension + " but was " + sub);
      }
      quantization = new Quantization(QuantizationKind.PQ, sub, quantization.rescoreOversampling());
    }
  }

  /** A config with defaults for everything but the vector shape. */
  public static CollectionConfig of(int dimension, Distance distance) {
    return new CollectionConfig(
        dimension, distance, DEFAULT_SHARD_COUNT, DEFAULT_REPLICATION_FACTOR, WriteLevel.QUORUM, null, null, null);
  }

  public CollectionConfig withShards(int shards, int replicationFactor) {
    return new CollectionConfig(
        dimension, distance, shards, replicationFactor, writeLevel, hnsw, quantization, payloadSchema);
  }
}
