package io.quiver.datanode.api;

import io.quiver.common.error.QuiverException;
import io.quiver.common.model.Point;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.ShardId;
import io.quiver.common.wire.WireValues;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.RetrievedPoint;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.WithPayload;
import java.util.Map;
import java.util.UUID;

/** Proto to model and back for the data-node service, validated with the field named. */
final class ShardMessages {
  private ShardMessages() {}

  static ShardId shard(ShardRef ref) {
    try {
      return new ShardId(UUID.fromString(ref.getCollectionUuid()), ref.getShard());
    } catch (IllegalArgumentException e) {
      throw QuiverException.invalid(
          "shard.collection_uuid '" + ref.getCollectionUuid() + "' is not a UUID");
    }
  }

  static Point point(int i, PointStruct p, int dimension) {
    String field = "points[" + i + "]";
    return new Point(
        WireValues.pointId(field + ".id", p.getId()),
        WireVectors.vector(field + ".vector", p.getVector(), dimension),
        WireValues.payload(p.getPayload()),
        p.getText().isEmpty() ? null : p.getText());
  }

  static RetrievedPoint retrieved(Point p, WithPayload with, boolean withVector) {
    RetrievedPoint.Builder b = RetrievedPoint.newBuilder().setId(WireValues.toProto(p.id()));
    Map<String, Object> payload = payload(p, with);
    if (payload != null) {
      b.setPayload(WireValues.toStruct(payload));
      if (p.text() != null) {
        b.setText(p.text());
      }
    }
    if (withVector) {
      b.setVector(WireVectors.toProto(p.vector()));
    }
    return b.build();
  }

  static io.quiver.proto.v1.ScoredPoint scored(ScoredPoint s, WithPayload with, boolean withVector) {
    io.quiver.proto.v1.ScoredPoint.Builder b =
        io.quiver.proto.v1.ScoredPoint.newBuilder().setId(WireValues.toProto(s.id())).setScore(s.score());
    Map<String, Object> payload = payload(s.point(), with);
    if (payload != null) {
      b.setPayload(WireValues.toStruct(payload));
      if (s.point().text() != null) {
        b.setText(s.point().text());
      }
    }
    if (withVector) {
      b.setVector(WireVectors.toProto(s.point().vector()));
    }
    return b.build();
  }

  /** The payload to return: all of it, the listed fields, or none (null) when not asked for. */
  private static Map<String, Object> payload(Point p, WithPayload with) {
    return switch (with.getKindCase()) {
      case ENABLE -> with.getEnable() ? p.payload() : null;
      case INCLUDE -> WireValues.project(p.payload(), with.getInclude().getFieldsList());
      case KIND_NOT_SET -> null;
    };
  }
}
