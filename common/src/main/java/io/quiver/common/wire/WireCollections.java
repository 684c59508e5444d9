package io.quiver.common.wire;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.QuantizationKind;
import io.quiver.common.model.WriteLevel;
import io.quiver.proto.v1.HnswConfig;
import io.quiver.proto.v1.QuantizationConfig;
import io.quiver.proto.v1.WriteConsistency;
import java.util.LinkedHashMap;
import java.util.Map;

/** Collection configs and enums between proto and the model; unset proto fields take defaults. */
public final class WireCollections {
  private WireCollections() {}

  public static CollectionConfig config(io.quiver.proto.v1.CollectionConfig p) {
    try {
      Distance distance =
          switch (p.getDistance()) {
            case COSINE -> Distance.COSINE;
            case DOT -> Distance.DOT;
            case L2 -> Distance.L2;
            default -> throw new IllegalArgumentException(
                "config.distance must be one of COSINE, DOT, L2 but was " + p.getDistanceValue());
          };
      HnswConfig h = p.getHnsw();
      int m = h.getM() == 0 ? CollectionConfig.DEFAULT_M : h.getM();
      var hnsw =
          new CollectionConfig.Hnsw(
              m,
              h.getEfConstruct() == 0 ? Math.max(CollectionConfig.DEFAULT_EF_CONSTRUCT, m) : h.getEfConstruct(),
              h.getEfSearch() == 0 ? CollectionConfig.DEFAULT_EF_SEARCH : h.getEfSearch());
      QuantizationConfig q = p.getQuantization();
      QuantizationKind kind =
          switch (q.getKind()) {
            case QUANTIZATION_NONE -> QuantizationKind.NONE;
            case INT8 -> QuantizationKind.INT8;
            case PQ -> QuantizationKind.PQ;
            default -> throw new IllegalArgumentException(
                "config.quantization.kind is unknown: " + q.getKindValue());
          };
      var quant =
          new CollectionConfig.Quantization(
              kind,
              q.getPqSubspaces(),
              q.getRescoreOversampling() == 0f ? CollectionConfig.DEFAULT_RESCORE_OVERSAMPLING : q.getRescoreOversampling());
      Map<String, PayloadFieldType> schema = new LinkedHashMap<>();
      for (var e : p.getPayloadSchemaMap().entrySet()) {
        schema.put(e.getKey(), fieldType(e.getKey(), e.getValue()));
      }
      return new CollectionConfig(
          (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(p.getDimension())),
          distance,
          p.getShardCount() == 0 ? CollectionConfig.DEFAULT_SHARD_COUNT : p.getShardCount(),
          p.getReplicationFactor() == 0 ? CollectionConfig.DEFAULT_REPLICATION_FACTOR : p.getReplicationFactor(),
          writeLevel(p.getWriteConsistency(), WriteLevel.QUORUM),
          hnsw,
          quant,
          new PayloadSchema(schema));
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage().startsWith("config.") ? e.getMessage() : "config." + e.getMessage();
      throw new QuiverException(ErrorCode.INVALID_ARGUMENT, msg, e);
    }
  }

  public static io.quiver.proto.v1.CollectionConfig toProto(CollectionConfig c) {
    var b =
        io.quiver.proto.v1.CollectionConfig.newBuilder()
            .setDimension(c.dimension())
            .setDistance(io.quiver.proto.v1.Distance.valueOf(c.distance().name()))
            .setShardCount(c.shardCount())
            .setReplicationFactor(c.replicationFactor())
            .setWriteConsistency(WriteConsistency.valueOf(c.writeLevel().name()))
            .setHnsw(
                HnswConfig.newBuilder()
                    .setM(c.hnsw().m())
                    .setEfConstruct(c.hnsw().efConstruct())
                    .setEfSearch(c.hnsw().efSearch()))
            .setQuantization(
                QuantizationConfig.newBuilder()
                    .setKind(
                        switch (c.quantization().kind()) {
                          case NONE -> io.quiver.proto.v1.QuantizationKind.QUANTIZATION_NONE;
                          case INT8 -> io.quiver.proto.v1.QuantizationKind.INT8;
                          case PQ -> io.quiver.proto.v1.QuantizationKind.PQ;
                        })
                    .setPqSubspaces(c.quantization().pqSubspaces())
                    .setRescoreOversampling(c.quantization().rescoreOversampling()));
    c.payloadSchema()
        .fields()
        .forEach((k, v) -> b.putPayloadSchema(k, io.quiver.proto.v1.PayloadFieldType.valueOf(v.name())));
    return b.build();
  }

  public static WriteLevel writeLevel(WriteConsistency w, WriteLevel dflt) {
    return switch (w) {
      case QUORUM -> WriteLevel.QUORUM;
      case ALL -> WriteLevel.ALL;
      case WRITE_CONSISTENCY_UNSPECIFIED -> dflt;
      default -> throw QuiverException.invalid("consistency is unknown: " + w.getNumber());
    };
  }

  private static PayloadFieldType fieldType(String field, io.quiver.proto.v1.PayloadFieldType t) {
    return switch (t) {
      case KEYWORD -> PayloadFieldType.KEYWORD;
      case INTEGER -> PayloadFieldType.INTEGER;
      case FLOAT -> PayloadFieldType.FLOAT;
      case BOOL -> PayloadFieldType.BOOL;
      case DATETIME -> PayloadFieldType.DATETIME;
      case TEXT -> PayloadFieldType.TEXT;
      default -> throw new IllegalArgumentException(
          "config.payload_schema['" + field + "'] needs a type (KEYWORD, INTEGER, FLOAT, BOOL, DATETIME, TEXT)");
    };
  }
}
