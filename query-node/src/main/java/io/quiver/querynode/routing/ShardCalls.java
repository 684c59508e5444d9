package io.quiver.querynode.routing;

import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.DataNodeGrpc.DataNodeBlockingStub;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Calls on one shard replica within a request's deadline, for the write path; a replica that says
 * SHARD_NOT_HOSTED may just not have seen a new placement yet, so the call repeats after a short
 * pause while the deadline allows. Reads go through {@code io.quiver.querynode.scatter.ShardReader}.
 */
public final class ShardCalls {
  /** Pause between rounds over a shard's replicas when one may still be picking up its placement. */
  static final long ROUND_PAUSE_MILLIS = 50;

  private final ChannelPool channels;

  public ShardCalls(ChannelPool channels) {
    this.channels = channels;
  }

  /**
   * One call to one replica, repeated while it answers SHARD_NOT_HOSTED (it may not have seen the
   * placement yet: nothing was applied) and the deadline allows.
   */
  public <T> T callReplica(Route route, NodeId node, Deadline deadline, Function<DataNodeBlockingStub, T> call) {
    while (true) {
      try {
        return invoke(route, node, deadline, call);
      } catch (QuiverException e) {
        if (e.code() != ErrorCode.SHARD_NOT_HOSTED || !pause(deadline)) {
          throw e;
        }
      }
    }
  }

  /** One call to one replica, no retries: a failure comes back as the QuiverException the replica sent. */
  public <T> T once(Route route, NodeId node, Deadline deadline, Function<DataNodeBlockingStub, T> call) {
    return invoke(route, node, deadline, call);
  }

  /** One call; a failure comes back as the QuiverException (code and message) the replica sent. */
  private <T> T invoke(Route route, NodeId node, Deadline deadline, Function<DataNodeBlockingStub, T> call) {
    NodeLease lease = route.leases().get(node);
    if (lease == null) {
      throw QuiverException.unavailable("data node " + node + " holds no lease");
    }
    try {
      return call.apply(DataNodeGrpc.newBlockingStub(channels.channel(lease.address())).withDeadline(deadline));
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toQuiver(e);
    }
  }

  /** Sleeps a round pause; false when the deadline would not allow another round (reads use it too). */
  public static boolean pause(Deadline deadline) {
    if (deadline.timeRemaining(TimeUnit.MILLISECONDS) <= 2 * ROUND_PAUSE_MILLIS) {
      return false;
    }
    try {
      Thread.sleep(ROUND_PAUSE_MILLIS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
