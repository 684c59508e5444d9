package io.quiver.querynode.backup;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quiver.common.cluster.ClusterWatcher;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.grpc.Deadlines;
import io.quiver.common.grpc.StreamSender;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.ExportShardChunk;
import io.quiver.proto.v1.ExportShardRequest;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.ShardExportChunk;
import io.quiver.proto.v1.internal.ShardExportRequest;
import io.quiver.querynode.routing.Route;
import io.quiver.querynode.routing.ShardCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin.ExportShard on the query node: relays one replica's export of a shard to the caller,
 * chunk by chunk, with flow control end to end (the data node waits for the caller). The voters
 * are asked in turn until one starts the stream; a replica that cannot (not hosted, no STRONG read
 * now, unreachable) is skipped. Once a chunk has gone to the caller the export cannot move to
 * another replica (it would be read at another index), so a failure then fails the call, and the
 * caller starts the shard again.
 */
public final class ShardExports {
  private static final Logger log = LoggerFactory.getLogger(ShardExports.class);
  /** Longest an export may run, unless the caller's deadline is sooner. */
  public static final Duration EXPORT_LIMIT = Duration.ofHours(1);
  private static final Set<ErrorCode> OTHER_REPLICA_MAY_ANSWER = Set.of(
      ErrorCode.UNAVAILABLE, ErrorCode.SHARD_NOT_HOSTED, ErrorCode.BEHIND, ErrorCode.NOT_LEADER,
      ErrorCode.DEADLINE_EXCEEDED, ErrorCode.INTERNAL);

  private final ClusterWatcher cluster;
  private final ChannelPool channels;
  private final Duration requestDeadline;

  /**
   * @param requestDeadline how long the search for a replica that starts the stream may take
   */
  public ShardExports(ClusterWatcher cluster, ChannelPool channels, Duration requestDeadline) {
    this.cluster = cluster;
    this.channels = channels;
    this.requestDeadline = requestDeadline;
  }

  /**
   * Streams the export of {@code req.shard} to {@code out}.
   *
   * @throws QuiverException INVALID_ARGUMENT for a missing collection name or a shard out of range,
   *     NOT_FOUND for an unknown collection, FAILED_PRECONDITION when its UUID is not the one given,
   *     UNAVAILABLE when no replica starts the stream in time or one fails part-way
   */
  public void export(ExportShardRequest req, StreamObserver<ExportShardChunk> out) {
    if (req.getCollection().isEmpty()) {
      throw QuiverException.invalid("collection is empty: name the collection");
    }
    Route route = Route.of(cluster.snapshot(), req.getCollection());
    String uuid = route.entry().uuid().toString();
    if (!req.getCollectionUuid().isEmpty() && !req.getCollectionUuid().equals(uuid)) {
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "collection '" + req.getCollection() + "' has uuid "
          + uuid + ", not collection_uuid " + req.getCollectionUuid() + ": it was dropped and created again");
    }
    long shard = Integer.toUnsignedLong(req.getShard());
    if (shard >= route.shardCount()) {
      throw QuiverException.invalid("shard must be in 0.." + (route.shardCount() - 1) + " but was " + shard);
    }
    Deadline start = Deadlines.forRequest(requestDeadline);
    Deadline end = Deadlines.forRequest(EXPORT_LIMIT);
    StreamSender<ExportShardChunk> sender = new StreamSender<>(out, "export of " + route.describe((int) shard));
    ShardExportRequest internal = ShardExportRequest.newBuilder().setShard(route.ref((int) shard)).build();
    List<String> failures = new ArrayList<>();
    while (true) {
      boolean notHosted = false;
      failures.clear();
      for (NodeId node : route.placement().shard((int) shard).voters()) {
        try {
          relay(route, node, internal, end, sender);
          return;
        } catch (ReplicaRefused r) {
          failures.add(node + ": " + r.refusal.getMessage());
          notHosted |= r.refusal.code() == ErrorCode.SHARD_NOT_HOSTED || r.refusal.code() == ErrorCode.BEHIND;
        }
      }
      if (!notHosted || !ShardCalls.pause(start)) {
        throw QuiverException.unavailable(route.describe((int) shard) + " has no replica that can export it now: "
            + String.join("; ", failures));
      }
    }
  }

  /** A replica's refusal before it sent anything: another replica may do. */
  private static final class ReplicaRefused extends Exception {
    final QuiverException refusal;

    ReplicaRefused(QuiverException refusal) {
      super(refusal.getMessage(), refusal, false, false);
      this.refusal = refusal;
    }
  }

  /** One replica's stream, relayed in a context of its own so it is cancelled however this ends. */
  private void relay(Route route, NodeId node, ShardExportRequest req, Deadline end,
      StreamSender<ExportShardChunk> sender) throws ReplicaRefused {
    NodeLease lease = route.leases().get(node);
    if (lease == null) {
      throw new ReplicaRefused(QuiverException.unavailable("data node " + node + " holds no lease"));
    }
    Context.CancellableContext ctx = Context.current().withCancellation();
    Context previous = ctx.attach();
    boolean started = false;
    try {
      Iterator<ShardExportChunk> it =
          DataNodeGrpc.newBlockingStub(channels.channel(lease.address())).withDeadline(end).shardExport(req);
      while (it.hasNext()) {
        ShardExportChunk c = it.next();
        started = true;
        sender.send(ExportShardChunk.newBuilder().addAllPoints(c.getPointsList()).setAppliedIndex(c.getAppliedIndex())
            .setNodeId(node.value()).setLast(c.getLast()).setTotalPoints(c.getTotalPoints()).build());
        if (c.getLast()) {
          sender.complete();
          log.info("{} exported from {}: {} points at applied index {}", route.describe(req.getShard().getShard()),
              node, c.getTotalPoints(), c.getAppliedIndex());
          return;
        }
      }
      throw QuiverException.unavailable("data node " + node + " ended the export of "
          + route.describe(req.getShard().getShard()) + " before its last chunk");
    } catch (StatusRuntimeException e) {
      QuiverException q = GrpcErrors.toQuiver(e);
      if (!started && OTHER_REPLICA_MAY_ANSWER.contains(q.code())) {
        throw new ReplicaRefused(q);
      }
      throw new QuiverException(q.code(), "export of " + route.describe(req.getShard().getShard()) + " from "
          + node + " failed: " + q.getMessage(), q);
    } finally {
      ctx.detach(previous);
      ctx.cancel(null);
    }
  }
}
