package io.quiver.coordinator.api;

import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.common.wire.WireCollections;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.proto.v1.CollectionInfo;
import io.quiver.proto.v1.CollectionsGrpc;
import io.quiver.proto.v1.CreateCollectionRequest;
import io.quiver.proto.v1.CreateCollectionResponse;
import io.quiver.proto.v1.DescribeCollectionRequest;
import io.quiver.proto.v1.DescribeCollectionResponse;
import io.quiver.proto.v1.DropCollectionRequest;
import io.quiver.proto.v1.DropCollectionResponse;
import io.quiver.proto.v1.ListCollectionsRequest;
import io.quiver.proto.v1.ListCollectionsResponse;
import io.quiver.proto.v1.ReplicaInfo;
import io.quiver.proto.v1.ReplicaRole;
import io.quiver.proto.v1.ShardInfo;
import io.quiver.proto.v1.internal.ReplicaStatus;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The public Collections API on the leading coordinator; a follower answers UNAVAILABLE naming the leader. */
public final class CollectionsService extends CollectionsGrpc.CollectionsImplBase {
  private final Catalog catalog;
  private final ReplicaStatusProbe probe;

  public CollectionsService(Catalog catalog, ReplicaStatusProbe probe) {
    this.catalog = catalog;
    this.probe = probe;
  }

  @Override
  public void create(CreateCollectionRequest req, StreamObserver<CreateCollectionResponse> out) {
    CatalogEntry e = catalog.create(req.getName(), WireCollections.config(req.getConfig()));
    out.onNext(CreateCollectionResponse.newBuilder().setCollection(info(e)).build());
    out.onCompleted();
  }

  @Override
  public void list(ListCollectionsRequest req, StreamObserver<ListCollectionsResponse> out) {
    ListCollectionsResponse.Builder b = ListCollectionsResponse.newBuilder();
    catalog.list().forEach(e -> b.addCollections(info(e)));
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void describe(DescribeCollectionRequest req, StreamObserver<DescribeCollectionResponse> out) {
    Catalog.Collection c = catalog.get(req.getName());
    Set<NodeId> placed = c.placement().shards().stream()
        .flatMap(s -> java.util.stream.Stream.concat(s.voters().stream(), s.learners().stream()))
        .collect(Collectors.toSet());
    Map<NodeId, Map<ShardId, ReplicaStatus>> status =
        probe.probe(catalog.leases().stream().filter(l -> placed.contains(l.nodeId())).toList());
    DescribeCollectionResponse.Builder b = DescribeCollectionResponse.newBuilder().setCollection(info(c.entry()));
    long points = 0;
    for (ShardPlacement s : c.placement().shards()) {
      ShardId shard = new ShardId(c.entry().uuid(), s.shard());
      ShardInfo.Builder sb = ShardInfo.newBuilder().setShard(s.shard());
      Long shardPoints = null;
      for (NodeId n : s.voters()) {
        ReplicaInfo r = replica(n, ReplicaRole.FOLLOWER, status.getOrDefault(n, Map.of()).get(shard));
        sb.addReplicas(r);
        // The leader's count is the shard's; a follower's may lag behind it.
        if (r.getLive() && (shardPoints == null || r.getRole() == ReplicaRole.LEADER)) {
          shardPoints = r.getPoints();
        }
      }
      for (NodeId n : s.learners()) {
        sb.addReplicas(replica(n, ReplicaRole.LEARNER, status.getOrDefault(n, Map.of()).get(shard)));
      }
      points += shardPoints == null ? 0 : shardPoints;
      b.addShards(sb);
    }
    out.onNext(b.setPoints(points).build());
    out.onCompleted();
  }

  @Override
  public void drop(DropCollectionRequest req, StreamObserver<DropCollectionResponse> out) {
    catalog.drop(req.getName());
    out.onNext(DropCollectionResponse.getDefaultInstance());
    out.onCompleted();
  }

  /**
   * A replica as its node reports it: the role its Raft group gives it (leader, follower,
   * learner), else the placement's; live when its node answered and holds it.
   */
  private static ReplicaInfo replica(NodeId node, ReplicaRole placed, ReplicaStatus s) {
    ReplicaInfo.Builder r = ReplicaInfo.newBuilder().setNodeId(node.value()).setRole(placed).setLive(s != null);
    if (s != null) {
      r.setRole(role(s.getRole(), placed)).setPoints(s.getPoints()).setAppliedIndex(s.getAppliedIndex());
    }
    return r.build();
  }

  /** The wire role of a data node's {@code leader|follower|learner}. */
  static ReplicaRole role(String reported, ReplicaRole otherwise) {
    return switch (reported) {
      case "leader" -> ReplicaRole.LEADER;
      case "follower" -> ReplicaRole.FOLLOWER;
      case "learner" -> ReplicaRole.LEARNER;
      default -> otherwise;
    };
  }

  static CollectionInfo info(CatalogEntry e) {
    return CollectionInfo.newBuilder()
        .setName(e.name())
        .setUuid(e.uuid().toString())
        .setConfig(WireCollections.toProto(e.config()))
        .setCreatedAtMillis(e.createdAtMillis())
        .build();
  }
}
