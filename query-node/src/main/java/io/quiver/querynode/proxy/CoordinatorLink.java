package io.quiver.querynode.proxy;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractBlockingStub;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.cluster.LeaderInfo;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.grpc.Deadlines;
import java.time.Duration;
import java.util.function.Function;

/** Calls the leading coordinator within the request's deadline. */
public final class CoordinatorLink {
  private final ClusterWatcher cluster;
  private final ChannelPool channels;
  private final Duration requestDeadline;

  public CoordinatorLink(ClusterWatcher cluster, ChannelPool channels, Duration requestDeadline) {
    this.cluster = cluster;
    this.channels = channels;
    this.requestDeadline = requestDeadline;
  }

  /**
   * @throws QuiverException UNAVAILABLE when no coordinator leads, else the coordinator's own error
   */
  <S extends AbstractBlockingStub<S>, T> T call(Function<Channel, S> stub, Function<S, T> call) {
    return call(stub, call, requestDeadline);
  }

  /** As {@link #call(Function, Function)}, for work that may take longer than a request: up to {@code limit}. */
  <S extends AbstractBlockingStub<S>, T> T call(Function<Channel, S> stub, Function<S, T> call, Duration limit) {
    LeaderInfo leader = cluster.snapshot().leader();
    if (leader == null) {
      throw QuiverException.unavailable("no coordinator leads right now; retry shortly");
    }
    try {
      return call.apply(stub.apply(channels.channel(leader.address())).withDeadline(Deadlines.forRequest(limit)));
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toQuiver(e);
    }
  }
}
