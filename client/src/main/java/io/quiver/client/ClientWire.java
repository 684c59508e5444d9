package io.quiver.client;

import io.quiver.common.model.Point;
import io.quiver.common.wire.WireCollections;
import io.quiver.common.wire.WireValues;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.DescribeCollectionResponse;
import io.quiver.proto.v1.NodeStatus;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.RebalancePlanResponse;
import io.quiver.proto.v1.ReplicaInfo;
import io.quiver.proto.v1.ReplicaMove;
import io.quiver.proto.v1.ScoredPoint;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardInfo;
import io.quiver.proto.v1.Vector;
import io.quiver.common.wire.WireVectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The SDK's one mapper between generated proto messages and its records. */
final class ClientWire {
  private ClientWire() {}

  static PointStruct point(Point p) {
    PointStruct.Builder b =
        PointStruct.newBuilder().setId(WireValues.toProto(p.id())).setVector(WireVectors.toProto(p.vector()));
    if (!p.payload().isEmpty()) {
      b.setPayload(WireValues.toStruct(p.payload()));
    }
    if (p.text() != null) {
      b.setText(p.text());
    }
    return b.build();
  }

  static CollectionInfo collection(io.quiver.proto.v1.CollectionInfo c) {
    return new CollectionInfo(
        c.getName(), c.getUuid(), WireCollections.config(c.getConfig()), Instant.ofEpochMilli(c.getCreatedAtMillis()));
  }

  static CollectionDescription description(DescribeCollectionResponse r) {
    List<CollectionDescription.Shard> shards = new ArrayList<>();
    for (ShardInfo s : r.getShardsList()) {
      List<CollectionDescription.Replica> replicas = new ArrayList<>();
      for (ReplicaInfo x : s.getReplicasList()) {
        String role = x.getRole() == io.quiver.proto.v1.ReplicaRole.REPLICA_ROLE_UNSPECIFIED ? "-" : x.getRole().name();
        replicas.add(new CollectionDescription.Replica(x.getNodeId(), role, x.getLive(), x.getPoints(), x.getAppliedIndex()));
      }
      shards.add(new CollectionDescription.Shard(s.getShard(), replicas));
    }
    return new CollectionDescription(collection(r.getCollection()), shards, r.getPoints());
  }

  static SearchResult search(SearchResponse r) {
    List<Hit> hits = new ArrayList<>(r.getHitsCount());
    for (ScoredPoint p : r.getHitsList()) {
      hits.add(
          new Hit(
              WireValues.pointId("hit.id", p.getId()),
              p.getScore(),
              vector(p.hasVector(), p.getVector()),
              WireValues.payload(p.getPayload()),
              p.getText().isEmpty() ? null : p.getText()));
    }
    return new SearchResult(hits, r.getPartial(), r.getMissingShardsList(), r.getTookMicros());
  }

  static RetrievedPoint retrieved(io.quiver.proto.v1.RetrievedPoint p) {
    return new RetrievedPoint(
        WireValues.pointId("point.id", p.getId()),
        vector(p.hasVector(), p.getVector()),
        WireValues.payload(p.getPayload()),
        p.getText().isEmpty() ? null : p.getText());
  }

  static ClusterStatus status(ClusterStatusResponse r) {
    List<ClusterStatus.Node> nodes = new ArrayList<>();
    for (NodeStatus n : r.getNodesList()) {
      nodes.add(
          new ClusterStatus.Node(
              n.getNodeId(), n.getRole(), n.getAddress(), n.getLive(), n.getZone(), n.getReplicas(), n.getLeaders(),
              n.getMemoryUsedBytes(), n.getMemoryBudgetBytes(), n.getDiskUsedBytes(), n.getDiskBudgetBytes()));
    }
    return new ClusterStatus(
        nodes, r.getCoordinatorLeader(), r.getCoordinatorEpoch(), r.getCollections(), r.getMovesInProgress(),
        r.getMovesDone(), r.getMovesTotal(), r.getBytesCopied());
  }

  static RebalancePlan plan(RebalancePlanResponse r) {
    List<RebalancePlan.Move> moves = new ArrayList<>();
    for (ReplicaMove m : r.getMovesList()) {
      moves.add(new RebalancePlan.Move(m.getCollection(), m.getShard(), m.getFromNode(), m.getToNode()));
    }
    return new RebalancePlan(r.getPlanId(), moves);
  }

  static ShardRecovery recovery(io.quiver.proto.v1.RecoverShardResponse r) {
    return new ShardRecovery(r.getCollection(), r.getShard(), r.getSurvivorNodeId(), r.getSurvivorAppliedIndex(),
        r.getReproposedEntries(), r.hasLastKnownCommitIndex() ? java.util.OptionalLong.of(r.getLastKnownCommitIndex())
            : java.util.OptionalLong.empty(), r.getDroppedNodeIdsList(), r.getDetail());
  }

  private static float[] vector(boolean present, Vector v) {
    if (!present || v.getValuesCount() == 0) {
      return null;
    }
    float[] out = new float[v.getValuesCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getValues(i);
    }
    return out;
  }
}
