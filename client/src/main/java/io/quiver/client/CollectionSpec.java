package io.quiver.client;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.QuantizationKind;
import io.quiver.common.model.WriteLevel;
import io.quiver.proto.v1.CollectionConfig;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.HnswConfig;
import io.quiver.proto.v1.QuantizationConfig;
import io.quiver.proto.v1.WriteConsistency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to create: a collection's name and config. Only the dimension and the distance are
 * required; anything left unset takes the server's documented default. The server validates
 * every field and names the bad one, so the builder checks nothing but presence.
 */
public final class CollectionSpec {
  private final CreateCollectionRequest request;

  private CollectionSpec(CreateCollectionRequest request) {
    this.request = request;
  }

  /** Starts a spec for a collection of {@code dimension}-long vectors compared by {@code distance}. */
  public static Builder builder(String name, int dimension, Distance distance) {
    return new Builder(name, dimension, distance);
  }

  /** A spec of a full config as the API gives it (a restore creates what a snapshot saved). */
  static CollectionSpec of(String name, CollectionConfig config) {
    return new CollectionSpec(CreateCollectionRequest.newBuilder().setName(name).setConfig(config).build());
  }

  public String name() {
    return request.getName();
  }

  CreateCollectionRequest toProto() {
    return request;
  }

  /** Builds a {@link CollectionSpec}; every setter returns the builder. */
  public static final class Builder {
    private final String name;
    private final CollectionConfig.Builder config = CollectionConfig.newBuilder();
    private final Map<String, PayloadFieldType> schema = new LinkedHashMap<>();

    private Builder(String name, int dimension, Distance distance) {
      this.name = Objects.requireNonNull(name, "name");
      config.setDimension(dimension);
      config.setDistance(io.quiver.proto.v1.Distance.valueOf(Objects.requireNonNull(distance, "distance").name()));
    }

    /** Shard count, fixed for the collection's life (server default 1). */
    public Builder shards(int shards) {
      config.setShardCount(shards);
      return this;
    }

    /** Replicas per shard (server default 1). */
    public Builder replicationFactor(int replicas) {
      config.setReplicationFactor(replicas);
      return this;
    }

    /** Level of writes that do not name one (server default QUORUM). */
    public Builder writeLevel(WriteLevel level) {
      config.setWriteConsistency(WriteConsistency.valueOf(level.name()));
      return this;
    }

    /** HNSW graph parameters; 0 leaves one at its default. */
    public Builder hnsw(int m, int efConstruct, int efSearch) {
      config.setHnsw(HnswConfig.newBuilder().setM(m).setEfConstruct(efConstruct).setEfSearch(efSearch));
      return this;
    }

    /** Quantization with default sub-spaces and re-scoring. */
    public Builder quantization(QuantizationKind kind) {
      return quantization(kind, 0, 0f);
    }

    /** Quantization; 0 leaves {@code pqSubspaces} or {@code rescoreOversampling} at its default. */
    public Builder quantization(QuantizationKind kind, int pqSubspaces, float rescoreOversampling) {
      config.setQuantization(
          QuantizationConfig.newBuilder()
              .setKind(
                  switch (kind) {
                    case NONE -> io.quiver.proto.v1.QuantizationKind.QUANTIZATION_NONE;
                    case INT8 -> io.quiver.proto.v1.QuantizationKind.INT8;
                    case PQ -> io.quiver.proto.v1.QuantizationKind.PQ;
                  })
              .setPqSubspaces(pqSubspaces)
              .setRescoreOversampling(rescoreOversampling));
      return this;
    }

    /** Indexes a payload field (dotted path) as {@code type}. */
    public Builder payloadIndex(String field, PayloadFieldType type) {
      schema.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(type, "type"));
      return this;
    }

    public CollectionSpec build() {
      CollectionConfig.Builder c = config.clone();
      schema.forEach((k, v) -> c.putPayloadSchema(k, io.quiver.proto.v1.PayloadFieldType.valueOf(v.name())));
      return new CollectionSpec(CreateCollectionRequest.newBuilder().setName(name).setConfig(c).build());
    }
  }
}
