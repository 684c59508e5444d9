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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Calls on shard replicas within a request's deadline. A read goes to one replica and falls back
 * to the others on an error another replica may not have (unavailable, not hosted, behind); a
 * replica that says SHARD_NOT_HOSTED may just not have seen a new placement yet, so rounds repeat
 * after a short pause while the deadline allows. Errors about the request itself are not retried.
 */
public final class ShardCalls {
  /** Pause between rounds over a shard's replicas when one may still be picking up its placement. */
  static final long ROUND_PAUSE_MILLIS = 50;
  private static final Set<ErrorCode> OTHER_REPLICA_MAY_ANSWER = Set.of(
      ErrorCode.UNAVAILABLE, ErrorCode.SHARD_NOT_HOSTED, ErrorCode.BEHIND, ErrorCode.NOT_LEADER,
      ErrorCode.DEADLINE_EXCEEDED);

  private final ChannelPool channels;
  // Spreads reads over replicas; races only skew the spread.
  private final AtomicInteger turn = new AtomicInteger();

  public ShardCalls(ChannelPool channels) {
    this.channels = channels;
  }

  /**
   * The answer of one voter of {@code shard}.
   *
   * @throws QuiverException UNAVAILABLE naming the shard and each replica's failure when none answers
   */
  public <T> T read(Route route, int shard, Deadline deadline, Function<DataNodeBlockingStub, T> call) {
    List<NodeId> replicas = route.placement().shard(shard).voters();
    int start = Math.floorMod(turn.getAndIncrement(), replicas.size());
    List<String> failures = new ArrayList<>();
    while (true) {
      failures.clear();
      boolean notHosted = false;
      for (int i = 0; i < replicas.size() && !deadline.isExpired(); i++) {
        NodeId node = replicas.get((start + i) % replicas.size());
        boolean last = i == replicas.size() - 1;
        try {
          return invoke(route, node, last ? deadline : half(deadline), call);
        } catch (QuiverException e) {
          if (!OTHER_REPLICA_MAY_ANSWER.contains(e.code())) {
            throw e;
          }
          failures.add(node + ": " + e.getMessage());
          notHosted |= e.code() == ErrorCode.SHARD_NOT_HOSTED;
        }
      }
      if (!notHosted || !pause(deadline)) {
        throw QuiverException.unavailable(
            route.describe(shard) + " has no answering replica" + (failures.isEmpty() ? " before the deadline" : ": " + String.join("; ", failures)));
      }
    }
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

  private static Deadline half(Deadline d) {
    long left = d.timeRemaining(TimeUnit.NANOSECONDS);
    return Deadline.after(Math.max(1, left / 2), TimeUnit.NANOSECONDS);
  }

  /** Sleeps a round pause; false when the deadline would not allow another round. */
  private static boolean pause(Deadline deadline) {
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
