package io.quiver.querynode.routing;

import io.grpc.Deadline;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Sends each shard's part of a write to the shard's Raft leader, all shards in parallel
 * (ARCHITECTURE.md, "Writes"). The leader of each shard is remembered from the last answer (any
 * voter is tried first when none is known); a follower's NOT_LEADER names the leader, which is
 * tried next. Replies that may change with time (no leader yet, a node down, an outcome unknown)
 * are retried with backoff within the request's deadline, always with the same request id, so a
 * part that did apply is answered from the leader's record and never applied twice.
 *
 * <p>A leader that refuses with RESOURCE_EXHAUSTED (its backlog is too deep) is retried the same
 * way, so writers are slowed down rather than failed while it catches up; if it still refuses at
 * the deadline the part fails with RESOURCE_EXHAUSTED and the leader's reason.
 *
 * <p>A shard's result is APPLIED, FAILED (refused before it reached the log: nothing changed) or
 * UNKNOWN (submitted, no success seen: it may still apply). The call succeeds only when every
 * shard is APPLIED; otherwise it fails with the worst shard's code and every shard's outcome.
 */
public final class WritePath {
  /** Replies another attempt (maybe at another replica, maybe later) may turn into a success. */
  private static final Set<ErrorCode> RETRY = Set.of(
      ErrorCode.NOT_LEADER, ErrorCode.UNAVAILABLE, ErrorCode.SHARD_NOT_HOSTED, ErrorCode.BEHIND,
      ErrorCode.UNKNOWN_OUTCOME, ErrorCode.DEADLINE_EXCEEDED, ErrorCode.RESOURCE_EXHAUSTED);
  static final long FIRST_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 1_000;
  /** An attempt gets at least this much of the deadline (or what is left), so a slow commit is not cut short. */
  static final long MIN_ATTEMPT_MILLIS = 2_000;

  private record Outcome(ShardWriteResult result, ShardWriteResponse applied, ErrorCode error) {}

  private final ShardCalls calls;
  private final ExecutorService executor;
  /** The leader each shard last answered from; a routing hint only, never trusted for correctness. */
  private final Map<ShardId, NodeId> leaders = new ConcurrentHashMap<>();

  public WritePath(ShardCalls calls, ExecutorService executor) {
    this.calls = calls;
    this.executor = executor;
  }

  /** Writes {@code parts} (shard number to its request) and reports per shard. */
  public WriteResponse write(Route route, Map<Integer, ShardWriteRequest> parts, Deadline deadline) {
    Map<Integer, Future<Outcome>> sent = new LinkedHashMap<>();
    parts.forEach((shard, req) -> sent.put(shard, executor.submit(() -> writeShard(route, shard, req, deadline))));
    List<Outcome> outcomes = new ArrayList<>();
    sent.forEach((shard, f) -> outcomes.add(await(route, shard, f)));

    WriteResponse.Builder b = WriteResponse.newBuilder();
    ConsistencyToken.Builder token = ConsistencyToken.newBuilder().setCollectionUuid(route.entry().uuid().toString());
    long affected = 0;
    boolean allApplied = true;
    for (Outcome o : outcomes) {
      b.addShards(o.result());
      if (o.applied() != null) {
        token.addPositions(ShardPosition.newBuilder().setShard(o.result().getShard())
            .setGeneration(o.applied().getGeneration()).setIndex(o.applied().getAppliedIndex()));
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

  private static Outcome await(Route route, int shard, Future<Outcome> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unknown(route, shard, "interrupted while waiting for the shard's answer");
    } catch (ExecutionException e) {
      return unknown(route, shard, "the write path failed: " + e.getCause());
    }
  }

  /** One shard's part: to the leader, following hints and retrying until an answer is final or time is up. */
  private Outcome writeShard(Route route, int shard, ShardWriteRequest req, Deadline deadline) {
    ShardId id = new ShardId(route.entry().uuid(), shard);
    List<NodeId> voters = route.placement().shard(shard).voters();
    NodeId target = leaders.getOrDefault(id, voters.get(0));
    if (!voters.contains(target)) {
      target = voters.get(0);
    }
    boolean submitted = false;
    long backoff = FIRST_BACKOFF_MILLIS;
    String last = "no attempt before the deadline";
    ErrorCode lastCode = null;
    while (true) {
      NodeId next;
      boolean followsHint = false;
      ErrorCode code;
      String error;
      NodeId node = target;
      try {
        ShardWriteResponse r = calls.once(route, node, attempt(deadline), s -> s.shardWrite(req));
        if (r.getStatus() == ShardWriteStatus.APPLIED) {
          leaders.put(id, node);
          return new Outcome(ShardWriteResult.newBuilder().setShard(shard).setStatus(ShardWriteStatus.APPLIED).build(),
              r, null);
        }
        code = code(r.getErrorCode());
        error = r.getError();
        submitted |= r.getStatus() == ShardWriteStatus.UNKNOWN;
        NodeId hint = r.getLeaderHint().isEmpty() ? null : new NodeId(r.getLeaderHint());
        followsHint = hint != null && !hint.equals(node) && voters.contains(hint);
        next = followsHint ? hint : r.getStatus() == ShardWriteStatus.UNKNOWN ? node : after(voters, node);
      } catch (QuiverException e) {
        code = e.code();
        error = e.getMessage();
        // A call that timed out or broke may have reached the leader and been submitted.
        submitted |= code == ErrorCode.DEADLINE_EXCEEDED || code == ErrorCode.UNKNOWN_OUTCOME;
        next = after(voters, node);
      }
      last = node + ": " + error;
      lastCode = code;
      if (!RETRY.contains(code)) {
        return submitted ? unknown(route, shard, last) : failed(route, shard, code, last);
      }
      leaders.remove(id, node);
      target = next;
      if (!followsHint) {
        if (!sleep(backoff, deadline)) {
          break;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      } else if (deadline.isExpired()) {
        break;
      }
    }
    if (!submitted && lastCode == ErrorCode.RESOURCE_EXHAUSTED) {
      // The leader answered, and refused every try: it is overloaded, not unreachable.
      return failed(route, shard, ErrorCode.RESOURCE_EXHAUSTED, route.describe(shard)
          + ": the leader still refused at the deadline, nothing was written (last: " + last + ")");
    }
    String why = route.describe(shard) + ": no leader with a reachable majority answered within the deadline (last: "
        + last + ")";
    if (submitted) {
      return new Outcome(ShardWriteResult.newBuilder().setShard(shard).setStatus(ShardWriteStatus.UNKNOWN)
          .setError(why + "; outcome unknown, retry with the same request_id").build(), null, ErrorCode.UNAVAILABLE);
    }
    return failed(route, shard, ErrorCode.UNAVAILABLE, why);
  }

  private static Outcome failed(Route route, int shard, ErrorCode code, String error) {
    String message = error.contains(route.describe(shard)) || error.contains("shard ") ? error
        : route.describe(shard) + " refused: " + error;
    return new Outcome(ShardWriteResult.newBuilder().setShard(shard).setStatus(ShardWriteStatus.FAILED)
        .setError(message).build(), null, code);
  }

  private static Outcome unknown(Route route, int shard, String error) {
    return new Outcome(ShardWriteResult.newBuilder().setShard(shard).setStatus(ShardWriteStatus.UNKNOWN)
        .setError(route.describe(shard) + " outcome unknown: " + error).build(), null, ErrorCode.UNKNOWN_OUTCOME);
  }

  private static ErrorCode code(String name) {
    try {
      return ErrorCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ErrorCode.UNKNOWN_OUTCOME; // a newer data node's code: nothing says the part was refused
    }
  }

  private static NodeId after(List<NodeId> voters, NodeId node) {
    return voters.get((voters.indexOf(node) + 1) % voters.size());
  }

  /** The deadline of one attempt: at least {@link #MIN_ATTEMPT_MILLIS} or half of what is left. */
  private static Deadline attempt(Deadline deadline) {
    long left = deadline.timeRemaining(TimeUnit.MILLISECONDS);
    return Deadline.after(Math.min(left, Math.max(MIN_ATTEMPT_MILLIS, left / 2)), TimeUnit.MILLISECONDS);
  }

  /** Sleeps {@code millis} unless that would pass the deadline; false when no time is left for another try. */
  private static boolean sleep(long millis, Deadline deadline) {
    if (deadline.timeRemaining(TimeUnit.MILLISECONDS) <= millis + 10) {
      return false;
    }
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static QuiverException failure(Route route, List<Outcome> outcomes) {
    ErrorCode worst = null;
    List<String> parts = new ArrayList<>();
    boolean unknown = false;
    for (Outcome o : outcomes) {
      if (o.error() == null) {
        parts.add("shard " + o.result().getShard() + " APPLIED");
        continue;
      }
      parts.add(o.result().getError());
      unknown |= o.result().getStatus() == ShardWriteStatus.UNKNOWN;
      worst = worse(worst, o.error());
    }
    String hint = unknown ? " (retry with the same request_id)" : "";
    return new QuiverException(worst, "write to collection '" + route.entry().name() + "' did not apply everywhere"
        + hint + ": " + String.join("; ", parts));
  }

  /** UNKNOWN_OUTCOME before UNAVAILABLE before any refusal: the code that asks the most of the caller. */
  private static ErrorCode worse(ErrorCode a, ErrorCode b) {
    if (a == null) {
      return b;
    }
    for (ErrorCode c : new ErrorCode[] {ErrorCode.UNKNOWN_OUTCOME, ErrorCode.UNAVAILABLE}) {
      if (a == c || b == c) {
        return c;
      }
    }
    return a;
  }
}
