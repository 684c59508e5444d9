package io.quiver.querynode.scatter;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Deadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.GrpcErrors;
import io.quiver.common.error.QuiverException;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.DataNodeGrpc.DataNodeFutureStub;
import io.quiver.querynode.routing.Route;
import io.quiver.querynode.routing.ShardCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Reads one shard from one of its replicas within the request's deadline. The first replica is
 * asked; when it has not answered within its hedge delay (a latency percentile of that node) the
 * same request — same read level — goes to the next replica too, and the first answer wins (the
 * other call is cancelled). An answer another replica may not share (unreachable, not hosted,
 * behind) moves on to the next replica at once; an error about the request itself ends the read.
 * A replica answering SHARD_NOT_HOSTED may not have seen a new placement yet, so rounds over the
 * replicas repeat after a short pause while the deadline allows. Blocks the calling (virtual) thread.
 */
public final class ShardReader {
  private static final Set<ErrorCode> OTHER_REPLICA_MAY_ANSWER = Set.of(
      ErrorCode.UNAVAILABLE, ErrorCode.SHARD_NOT_HOSTED, ErrorCode.BEHIND, ErrorCode.NOT_LEADER,
      ErrorCode.DEADLINE_EXCEEDED, ErrorCode.INTERNAL);

  private record Done<T>(int attempt, T value, Throwable error, long nanos) {}

  private final ChannelPool channels;
  private final DataNodeHealth health;
  private final Counter hedges;
  private final Counter fallbacks;
  // Spreads reads over replicas; races only skew the spread.
  private final AtomicInteger turn = new AtomicInteger();

  public ShardReader(ChannelPool channels, DataNodeHealth health, MeterRegistry meters) {
    this.channels = channels;
    this.health = health;
    this.hedges = Counter.builder("quiver.query.hedges").description("Shard reads sent to a second replica because the first was slow").register(meters);
    this.fallbacks = Counter.builder("quiver.query.replica.fallbacks").description("Shard reads moved to another replica after an error").register(meters);
  }

  /**
   * The answer of one voter of {@code shard}.
   *
   * @throws QuiverException UNAVAILABLE naming the shard and each replica's failure when none
   *     answers within the deadline; the replica's own error when it is about the request
   */
  public <T> ShardAnswer<T> read(Route route, int shard, Deadline deadline, Function<DataNodeFutureStub, ListenableFuture<T>> call) {
    List<NodeId> replicas = order(route.placement().shard(shard).voters());
    List<String> failures = new ArrayList<>();
    while (true) {
      failures.clear();
      Round<T> round = new Round<>(route, replicas, deadline, call);
      ShardAnswer<T> answer = round.run(shard, failures);
      if (answer != null) {
        return answer;
      }
      if (!round.notHosted || !ShardCalls.pause(deadline)) {
        throw QuiverException.unavailable(route.describe(shard) + " has no answering replica"
            + (failures.isEmpty() ? " before the deadline" : ": " + String.join("; ", failures)));
      }
    }
  }

  /** Healthy replicas first (rotated to spread load), those with an open breaker last. */
  private List<NodeId> order(List<NodeId> voters) {
    int n = voters.size();
    int start = Math.floorMod(turn.getAndIncrement(), Math.max(1, n));
    List<NodeId> healthy = new ArrayList<>(n);
    List<NodeId> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeId node = voters.get((start + i) % n);
      (health.available(node) ? healthy : open).add(node);
    }
    healthy.addAll(open);
    return healthy;
  }

  /** One pass over the replicas; the state is confined to the calling thread except the queue. */
  private final class Round<T> {
    private final Route route;
    private final List<NodeId> replicas;
    private final Deadline deadline;
    private final Function<DataNodeFutureStub, ListenableFuture<T>> call;
    private final BlockingQueue<Done<T>> done = new LinkedBlockingQueue<>();
    private final List<ListenableFuture<T>> calls = new ArrayList<>();
    private final List<Boolean> permits = new ArrayList<>();
    boolean notHosted;

    Round(Route route, List<NodeId> replicas, Deadline deadline, Function<DataNodeFutureStub, ListenableFuture<T>> call) {
      this.route = route;
      this.replicas = replicas;
      this.deadline = deadline;
      this.call = call;
    }

    /** The first answer, or null when every replica failed (reasons added to {@code failures}). */
    ShardAnswer<T> run(int shard, List<String> failures) {
      int pending = 0;
      boolean hedged = false;
      while (calls.size() < replicas.size() || pending > 0) {
        if (deadline.isExpired()) {
          break;
        }
        if (pending == 0) {
          if (calls.size() > 0) {
            fallbacks.increment();
          }
          launch(calls.size());
          pending++;
          continue;
        }
        boolean more = calls.size() < replicas.size();
        long wait = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        if (more) {
          wait = Math.min(wait, health.hedgeDelayNanos(replicas.get(calls.size() - 1)));
        }
        Done<T> d = poll(wait);
        if (d == null) {
          if (more && !deadline.isExpired()) {
            hedges.increment();
            hedged = true;
            launch(calls.size());
            pending++;
          }
          continue;
        }
        pending--;
        NodeId node = replicas.get(d.attempt());
        if (d.error() == null) {
          health.answered(node, d.nanos(), permits.get(d.attempt()));
          cancelOthers(d.attempt());
          return new ShardAnswer<>(shard, d.value(), node, hedged && d.attempt() > 0, calls.size(), d.nanos() / 1_000);
        }
        QuiverException q = GrpcErrors.toQuiver(d.error());
        health.failed(node, d.nanos(), q.code(), d.error(), permits.get(d.attempt()));
        if (!OTHER_REPLICA_MAY_ANSWER.contains(q.code())) {
          cancelOthers(d.attempt());
          throw q;
        }
        failures.add(node + ": " + q.getMessage());
        notHosted |= q.code() == ErrorCode.SHARD_NOT_HOSTED || q.code() == ErrorCode.BEHIND;
      }
      cancelOthers(-1);
      return null;
    }

    private void launch(int attempt) {
      NodeId node = replicas.get(attempt);
      long start = System.nanoTime();
      NodeLease lease = route.leases().get(node);
      boolean permitted = lease != null && health.acquire(node);
      permits.add(permitted);
      if (lease == null) {
        calls.add(null);
        done.add(new Done<>(attempt, null, QuiverException.unavailable("data node " + node + " holds no lease"), 0));
        return;
      }
      ListenableFuture<T> f;
      try {
        f = call.apply(DataNodeGrpc.newFutureStub(channels.channel(lease.address())).withDeadline(deadline));
      } catch (RuntimeException e) {
        calls.add(null);
        done.add(new Done<>(attempt, null, e, System.nanoTime() - start));
        return;
      }
      calls.add(f);
      f.addListener(() -> {
        long nanos = System.nanoTime() - start;
        try {
          done.add(new Done<>(attempt, f.get(), null, nanos));
        } catch (ExecutionException e) {
          done.add(new Done<>(attempt, null, e.getCause(), nanos));
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
          // cancelled by us: the winner is already taken
        }
      }, MoreExecutors.directExecutor());
    }

    private void cancelOthers(int winner) {
      for (int i = 0; i < calls.size(); i++) {
        ListenableFuture<T> f = calls.get(i);
        if (i != winner && f != null && !f.isDone()) {
          f.cancel(true);
          health.abandoned(replicas.get(i), permits.get(i));
        }
      }
    }

    private Done<T> poll(long nanos) {
      try {
        return done.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancelOthers(-1);
        throw new QuiverException(ErrorCode.UNAVAILABLE, "interrupted while waiting for replicas", e);
      }
    }
  }
}
