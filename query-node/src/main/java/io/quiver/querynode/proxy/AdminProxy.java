package io.quiver.querynode.proxy;

import static io.quiver.querynode.proxy.CollectionsProxy.reply;

import io.grpc.stub.StreamObserver;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ClusterStatusRequest;
import io.quiver.proto.v1.ClusterStatusResponse;
import io.quiver.proto.v1.DrainRequest;
import io.quiver.proto.v1.RebalancePlanResponse;
import io.quiver.proto.v1.RebalanceRequest;
import io.quiver.proto.v1.UndrainRequest;

/** Admin, forwarded to the leading coordinator. */
public final class AdminProxy extends AdminGrpc.AdminImplBase {
  private final CoordinatorLink link;

  public AdminProxy(CoordinatorLink link) {
    this.link = link;
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
}
