package io.quiver.querynode.routing;

import io.grpc.Deadline;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.ShardWriteResult;
import io.quiver.proto.v1.ShardWriteStatus;
import io.quiver.proto.v1.WriteResponse;
import io.quiver.proto.v1.internal.ShardWriteRequest;
import io.quiver.proto.v1.internal.ShardWriteResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Sends each shard's part of a write to every voter of the shard, in parallel (the slice has no
 * Raft: Raft replaces this). A shard is APPLIED when every voter applied it, FAILED when every
 * voter refused it before applying, UNKNOWN otherwise. The call succeeds only when every shard
 * is APPLIED; otherwise it fails with the worst shard's status and every shard's outcome named.
 */
public final class WritePath {
  /** Errors that mean the replica refused the part before applying anything. */
  private static final Set<ErrorCode> REFUSED = Set.of(
      ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND, ErrorCode.FAILED_PRECONDITION, ErrorCode.SHARD_NOT_HOSTED,
      ErrorCode.NOT_LEADER, ErrorCode.STALE_EPOCH, ErrorCode.RESOURCE_EXHAUSTED);

  private record Outcome(ShardWriteResult result, ShardWriteResponse applied, ErrorCode error) {}

  private final ShardCalls calls;
  private final ExecutorService executor;

  public WritePath(ShardCalls calls, ExecutorService executor) {
    this.calls = calls;
    this.executor = executor;
  }

  /** Writes {@code parts} (shard number to its request) and reports per shard. */
  public WriteResponse write(Route route, Map<Integer, ShardWriteRequest> parts, Deadline deadline) {
    Map<Integer, List<Future<ShardWriteResponse>>> sent = new LinkedHashMap<>();
    parts.forEach((shard, req) -> {
      List<Future<ShardWriteResponse>> voters = new ArrayList<>();
      for (NodeId node : route.placement().shard(shard).voters()) {
        voters.add(executor.submit(() -> calls.callReplica(route, node, deadline, s -> s.shardWrite(req))));
      }
      sent.put(shard, voters);
    });
    List<Outcome> outcomes = new ArrayList<>();
    sent.forEach((shard, voters) -> outcomes.add(outcome(route, shard, voters)));

    WriteResponse.Builder b = WriteResponse.newBuilder();
    ConsistencyToken.Builder token = ConsistencyToken.newBuilder().setCollectionUuid(route.entry().uuid().toString());
    long affected = 0;
    boolean allApplied = true;
    for (Outcome o : outcomes) {
      b.addShards(o.result());
      if (o.applied() != null) {
        token.addPositions(ShardPosition.newBuilder().setShard(o.result().getShard()).setIndex(o.applied().getAppliedIndex()));
        affected += o.applied().getAffected();
      } else {
        allApplied = false;
      }
    }
    if (allApplied) {
      return b.setToken(token).setAffected(affected).build();
    }
    throw failure(route, outcomes);
  }

  private static Outcome outcome(Route route, int shard, List<Future<ShardWriteResponse>> voters) {
    ShardWriteResponse first = null;
    List<String> errors = new ArrayList<>();
    ErrorCode code = null;
    int applied = 0;
    boolean unknown = false;
    for (Future<ShardWriteResponse> f : voters) {
      try {
        ShardWriteResponse r = f.get();
        applied++;
        first = first == null ? r : first;
      } catch (ExecutionException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        QuiverException q = io.quiver.common.error.GrpcErrors.toQuiver(e);
        errors.add(q.getMessage());
        code = code == null ? q.code() : code;
        unknown |= !REFUSED.contains(q.code());
      }
    }
    ShardWriteResult.Builder r = ShardWriteResult.newBuilder().setShard(shard);
    if (applied == voters.size()) {
      return new Outcome(r.setStatus(ShardWriteStatus.APPLIED).build(), first, null);
    }
    boolean failed = applied == 0 && !unknown;
    r.setStatus(failed ? ShardWriteStatus.FAILED : ShardWriteStatus.UNKNOWN)
        .setError(route.describe(shard) + (failed ? " refused: " : " outcome unknown (" + applied + " of "
            + voters.size() + " replicas applied): ") + String.join("; ", errors));
    return new Outcome(r.build(), null, failed ? code : ErrorCode.UNKNOWN_OUTCOME);
  }

  private static QuiverException failure(Route route, List<Outcome> outcomes) {
    ErrorCode worst = null;
    List<String> parts = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.error() == null) {
        parts.add("shard " + o.result().getShard() + " APPLIED");
        continue;
      }
      parts.add(o.result().getError());
      if (worst == null || o.error() == ErrorCode.UNKNOWN_OUTCOME) {
        worst = o.error();
      } else if (worst != o.error() && worst != ErrorCode.UNKNOWN_OUTCOME) {
        worst = ErrorCode.UNAVAILABLE;
      }
    }
    String hint = worst == ErrorCode.UNKNOWN_OUTCOME ? " (retry with the same request_id)" : "";
    return new QuiverException(worst, "write to collection '" + route.entry().name() + "' did not apply everywhere"
        + hint + ": " + String.join("; ", parts));
  }
}
