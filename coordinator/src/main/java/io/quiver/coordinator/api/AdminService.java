package io.quiver.coordinator.api;

import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.election.Leadership;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.DrainRequest;
import io.quiver.proto.v1.NodeStatus;
import io.quiver.proto.v1.RebalancePlanResponse;
import io.quiver.proto.v1.RebalanceRequest;
import java.util.HashMap;
import io.quiver.common.shard.ShardId;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.proto.v1.internal.ReplicaStatus;
import java.util.List;
import java.util.Map;

/** The public Admin API on the leading coordinator. Rebalancing is refused clearly until issue #10. */
public final class AdminService extends AdminGrpc.AdminImplBase {
  static final String REBALANCE_LATER = "rebalancing arrives with the coordinator issue (#10)";

  private final Catalog catalog;
  private final Leadership leadership;
  private final String nodeId;
  private final ReplicaStatusProbe probe;

  public AdminService(Catalog catalog, Leadership leadership, String nodeId, ReplicaStatusProbe probe) {
    this.probe = probe;
    this.catalog = catalog;
    this.leadership = leadership;
    this.nodeId = nodeId;
  }

  @Override
  public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> out) {
    long epoch = leadership.fence().epoch();
    List<Catalog.Collection> collections =
        catalog.list().stream().map(e -> catalog.get(e.name())).toList();
    Map<NodeId, Integer> replicas = new HashMap<>();
    for (Catalog.Collection c : collections) {
      c.placement().shards().forEach(s -> {
        s.voters().forEach(n -> replicas.merge(n, 1, Integer::sum));
        s.learners().forEach(n -> replicas.merge(n, 1, Integer::sum));
      });
    }
    ClusterStatusResponse.Builder b = ClusterStatusResponse.newBuilder()
        .setCoordinatorLeader(nodeId)
        .setCoordinatorEpoch(epoch)
        .setCollections(collections.size());
    // Which replicas each node leads, as its Raft groups say; a node that does not answer leads none.
    Map<NodeId, Map<ShardId, ReplicaStatus>> status = probe.probe(catalog.leases());
    for (NodeLease l : catalog.leases()) {
      int leaders = (int) status.getOrDefault(l.nodeId(), Map.of()).values().stream()
          .filter(r -> r.getRole().equals("leader")).count();
      b.addNodes(NodeStatus.newBuilder()
          .setLeaders(leaders)
          .setNodeId(l.nodeId().value())
          .setRole("data-node")
          .setAddress(l.address())
          .setLive(true)
          .setZone(l.zone())
          .setCapacity(l.capacity())
          .setIncarnation(l.incarnation())
          .setReplicas(replicas.getOrDefault(l.nodeId(), 0)));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void rebalancePlan(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    throw later();
  }

  @Override
  public void rebalanceApply(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    throw later();
  }

  @Override
  public void drain(DrainRequest req, StreamObserver<RebalancePlanResponse> out) {
    throw later();
  }

  private QuiverException later() {
    leadership.fence();
    return new QuiverException(ErrorCode.FAILED_PRECONDITION, REBALANCE_LATER);
  }
}
