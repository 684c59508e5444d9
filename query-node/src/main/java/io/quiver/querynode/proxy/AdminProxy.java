package io.quiver.querynode.proxy;

import static io.quiver.querynode.proxy.CollectionsProxy.reply;

import io.grpc.stub.StreamObserver;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.DrainRequest;
import io.quiver.proto.v1.ExportShardChunk;
import io.quiver.proto.v1.ExportShardRequest;
import io.quiver.proto.v1.RebalancePlanResponse;
import io.quiver.proto.v1.RebalanceRequest;
import io.quiver.proto.v1.RecoverShardRequest;
import io.quiver.proto.v1.RecoverShardResponse;
import io.quiver.proto.v1.UndrainRequest;
import io.quiver.querynode.backup.ShardExports;
import java.time.Duration;

/**
 * Admin, forwarded to the leading coordinator; except ExportShard, which this node serves itself:
 * it reaches the shard's replicas directly, and a stream of a whole shard has no business going
 * through the coordinator.
 */
public final class AdminProxy extends AdminGrpc.AdminImplBase {
  /**
   * A recovery waits for the recreated group to elect (an election timeout) and for the survivor's
   * old entries to commit again: longer than a request, so the caller's deadline governs up to this.
   */
  static final Duration RECOVER_LIMIT = Duration.ofMinutes(2);

  private final CoordinatorLink link;
  private final ShardExports exports;

  public AdminProxy(CoordinatorLink link, ShardExports exports) {
    this.link = link;
    this.exports = exports;
  }

  @Override
  public void clusterStatus(ClusterStatusRequest req, StreamObserver<ClusterStatusResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.clusterStatus(req)));
  }

  @Override
  public void rebalancePlan(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.rebalancePlan(req)));
  }

  @Override
  public void rebalanceApply(RebalanceRequest req, StreamObserver<RebalancePlanResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.rebalanceApply(req)));
  }

  @Override
  public void drain(DrainRequest req, StreamObserver<RebalancePlanResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.drain(req)));
  }

  @Override
  public void undrain(UndrainRequest req, StreamObserver<RebalancePlanResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.undrain(req)));
  }

  @Override
  public void recoverShard(RecoverShardRequest req, StreamObserver<RecoverShardResponse> out) {
    reply(out, link.call(AdminGrpc::newBlockingStub, s -> s.recoverShard(req), RECOVER_LIMIT));
  }

  @Override
  public void exportShard(ExportShardRequest req, StreamObserver<ExportShardChunk> out) {
    exports.export(req, out);
  }
}
