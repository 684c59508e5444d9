package io.quiver.coordinator.membership;

import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.catalog.Catalog;
import io.quiver.coordinator.catalog.ReplicaStatusProbe;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.FencedWrites;
import io.quiver.coordinator.election.Leadership;
import io.quiver.coordinator.placement.HashRing;
import io.quiver.coordinator.placement.RingNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leading coordinator's membership loop. Every tick it looks at the leases ({@link NodeLoss});
 * replicas of nodes lost past the replace delay are moved to the ring's choice among the others;
 * while a rebalance plan is open under {@code rebalance/<plan-id>} (apply or drain) it moves
 * every replica the ring places elsewhere, at most {@code maxConcurrentMoves} at once and no
 * faster than {@code maxBytesPerSecond}. The plan is a function of the ring, so a coordinator
 * that takes over recomputes it and resumes; the znode keeps its size. The first ticks of each
 * epoch reconcile every shard's placement with its Raft group ({@link Reconciler}); a shard moves
 * only once that is done.
 */
public final class MembershipController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MembershipController.class);
  /** Bytes a point costs beyond its vector, for the throttle's estimate of a replica's size. */
  private static final long POINT_OVERHEAD_BYTES = 64;
  /** A plan znode's content: {@code moves=<n>}, the plan's size when it was opened. */
  private static final String MOVES = "moves=";
  /** How many ticks apart the data nodes are asked for replicas nothing names any more. */
  private static final int STRAY_CHECK_TICKS = 5;
  /** Leadership is evened out every this many ticks (one transfer each: see {@link LeaderBalancer}). */
  private static final int LEADER_BALANCE_TICKS = 3;

  private final CuratorFramework zk;
  private final ZkPaths paths;
  private final Leadership leadership;
  private final Catalog catalog;
  private final NodeLoss loss;
  private final ShardMover mover;
  private final Reconciler reconciler;
  private final LeaderBalancer leaders;
  private final ShardRecovery recovery;
  private final ReplicaStatusProbe probe;
  private final MembershipSettings settings;
  private final ScheduledExecutorService loop;
  private final ExecutorService moves;
  // The last lease seen of every node, so a lost node keeps its capacity and zone on the ring; loop thread only.
  private final Map<NodeId, NodeLease> lastLeases = new HashMap<>();
  private final Set<ShardId> moving = ConcurrentHashMap.newKeySet();
  // Replacement moves already counted into movesTotal; loop thread only.
  private final Set<Move> countedReplacements = new HashSet<>();
  private final AtomicInteger movesDone = new AtomicInteger();
  private final AtomicInteger movesTotal = new AtomicInteger();
  private final AtomicLong bytesCopied = new AtomicLong();
  // The epoch whose takeover reconciliation has started, and its shards not reconciled yet; loop thread only.
  private long reconcilingEpoch;
  private Set<ShardId> unreconciled = Set.of();
  // Ticks since start, for the stray check every STRAY_CHECK_TICKS; loop thread only.
  private long ticks;

  public MembershipController(CuratorFramework zk, ZkPaths paths, Leadership leadership, Catalog catalog,
      ShardMover mover, ReplicaStatusProbe probe, MembershipSettings settings, Clock clock) {
    this.zk = zk;
    this.paths = paths;
    this.leadership = leadership;
    this.catalog = catalog;
    this.loss = new NodeLoss(zk, paths, clock, leadership.refusals());
    this.mover = mover;
    this.reconciler = new Reconciler(catalog, mover.admin(), probe);
    this.leaders = new LeaderBalancer(mover.admin(), probe);
    this.recovery = new ShardRecovery(catalog, mover.admin());
    this.probe = probe;
    this.settings = settings;
    this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("membership").factory());
    this.moves = Executors.newFixedThreadPool(settings.maxConcurrentMoves(),
        Thread.ofPlatform().daemon().name("move-", 0).factory());
  }

  public void start() {
    loop.scheduleWithFixedDelay(this::tick, settings.tick().toMillis(), settings.tick().toMillis(), TimeUnit.MILLISECONDS);
  }

  public int movesInProgress() {
    return moving.size();
  }

  public int movesDone() {
    return movesDone.get();
  }

  public int movesTotal() {
    return movesTotal.get();
  }

  public long bytesCopied() {
    return bytesCopied.get();
  }

  /** Placements a takeover corrected to their Raft group's configuration, since start. */
  public long placementsReconciled() {
    return reconciler.corrected();
  }

  /** Replicas a takeover deleted because neither the placement nor the group named them, since start. */
  public long strayReplicasDeleted() {
    return reconciler.straysDeleted();
  }

  /** Shard leaderships handed over to even out leaders per node, since start. */
  public long leadershipTransfers() {
    return leaders.transfers();
  }

  /** The moves a rebalance would make now (of one collection, or all when empty), without acting. */
  public List<Move> plan(String collection, Set<NodeId> alsoDraining) {
    Fence fence = leadership.fence();
    List<Catalog.Collection> all = catalog.all();
    NodeLoss.View view = loss.look(fence, placed(all), settings.replaceDelay());
    Set<NodeId> draining = new HashSet<>(draining());
    draining.addAll(alsoDraining);
    List<Move> plan = Planner.plan(all, ring(view, draining));
    return collection.isEmpty() ? plan : plan.stream().filter(m -> m.collection().equals(collection)).toList();
  }

  /** Opens a plan the loop carries out; returns its id. */
  public String apply(List<Move> plan) {
    Fence fence = leadership.fence();
    String id = "plan-" + fence.epoch() + "-" + System.currentTimeMillis();
    zkWrite("open rebalance plan", () -> {
      FencedWrites.ensure(zk, paths.rebalance());
      FencedWrites.commit(zk, paths, fence, leadership.refusals(), List.of(zk.transactionOp().create()
          .forPath(paths.rebalance(id), (MOVES + plan.size()).getBytes(StandardCharsets.UTF_8))));
    });
    movesTotal.addAndGet(plan.size());
    log.info("rebalance {} opened with {} moves", id, plan.size());
    loop.execute(this::tick);
    return id;
  }

  /** Marks {@code node} draining (the ring leaves it out) and opens a plan that empties it. */
  public String drain(NodeId node) {
    Fence fence = leadership.fence();
    zkWrite("mark " + node + " draining", () -> {
      FencedWrites.ensure(zk, paths.draining());
      if (zk.checkExists().forPath(paths.draining(node.value())) == null) {
        FencedWrites.commit(zk, paths, fence, leadership.refusals(),
            List.of(zk.transactionOp().create().forPath(paths.draining(node.value()))));
      }
    });
    return apply(plan("", Set.of()));
  }

  /**
   * Takes {@code node}'s draining mark off and opens a plan toward the ring that includes it again:
   * moves of the drain still to come are no longer planned, and replicas the ring now places on
   * the node move back to it. Refused with FAILED_PRECONDITION when the node is not draining.
   */
  public String undrain(NodeId node) {
    Fence fence = leadership.fence();
    zkWrite("take " + node + "'s draining mark off", () -> {
      if (zk.checkExists().forPath(paths.draining(node.value())) == null) {
        throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "node_id: " + node + " is not draining");
      }
      FencedWrites.commit(zk, paths, fence, leadership.refusals(),
          List.of(zk.transactionOp().delete().forPath(paths.draining(node.value()))));
    });
    log.info("{} is no longer draining", node);
    return apply(plan("", Set.of()));
  }

  /**
   * Recreates {@code collection}/{@code shard}, which lost a majority of its replicas, from the
   * replica on {@code from} (see {@link ShardRecovery}). A rebalance then adds replicas back up to
   * the replication factor (the planner plans adds for a shard with fewer voters); the loop does not
   * on its own, since a shard short of voters may also be one whose stray replica is to be collected.
   */
  public ShardRecovery.Result recoverShard(String collection, int shard, NodeId from) {
    Fence fence = leadership.fence();
    Map<NodeId, NodeLease> live = new HashMap<>();
    catalog.leases().forEach(l -> live.put(l.nodeId(), l));
    return recovery.recover(fence, live, collection, shard, from);
  }

  /** A ZooKeeper step of the coordinator that may throw anything. */
  @FunctionalInterface
  private interface ZkStep {
    void run() throws Exception;
  }

  /** Runs {@code step}: Quiver's own errors pass through, anything else is UNAVAILABLE "cannot {@code what}". */
  private static void zkWrite(String what, ZkStep step) {
    try {
      step.run();
    } catch (QuiverException e) {
      throw e;
    } catch (Exception e) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private void tick() {
    if (!leadership.leads()) {
      return;
    }
    try {
      Fence fence = leadership.fence();
      // Read first: a plan opened meanwhile (apply() runs on a gRPC thread) is then judged by leases,
      // draining marks and placements at least as new as those it was planned from, never older ones
      // that would make it look empty and close it at once.
      List<String> openPlans = openPlans();
      List<Catalog.Collection> all = catalog.all();
      NodeLoss.View view = loss.look(fence, placed(all), settings.replaceDelay());
      lastLeases.putAll(view.live());
      boolean takeover = fence.epoch() != reconcilingEpoch;
      if (takeover) {
        reconcilingEpoch = fence.epoch();
        unreconciled = shards(all);
      }
      if (!unreconciled.isEmpty()) {
        int before = unreconciled.size();
        unreconciled = reconciler.reconcile(fence, all, view.live(), unreconciled);
        log.info("epoch {}: {} of {} shard(s) reconciled with their Raft groups{}", fence.epoch(),
            before - unreconciled.size(), before, unreconciled.isEmpty() ? "" : "; the rest wait for a leader");
        all = catalog.all();
      }
      if (unreconciled.isEmpty() && ++ticks % STRAY_CHECK_TICKS == 0) {
        reconciler.collectStrays(fence, all, view.live()); // no move runs now: moves finish within a tick
      }
      List<Move> plan = Planner.plan(all, ring(view, draining()));
      if (takeover) {
        resumeProgress(openPlans, plan.size());
      }
      Set<ShardId> waiting = unreconciled;
      plan = plan.stream().filter(m -> !waiting.contains(new ShardId(m.uuid(), m.shard()))).toList();
      if (openPlans.isEmpty()) {
        // No rebalance open: only replace what the lost nodes held.
        plan = plan.stream().filter(m -> m.from() != null && view.replaceable().contains(m.from())).toList();
        // Replacements open no plan: count each into the total once, however often it is retried.
        plan.forEach(m -> {
          if (countedReplacements.add(m)) {
            movesTotal.incrementAndGet();
          }
        });
      }
      if (view.massOutage() && !plan.isEmpty()) {
        log.warn("{} of {} data nodes lack leases: no replica moves until more return",
            view.lostSince().size(), view.lostSince().size() + view.live().size());
        return;
      }
      if (plan.isEmpty()) {
        if (unreconciled.isEmpty()) {
          // Only now is an empty plan the end of the open plans: the moves of a shard that still
          // waits for its reconciliation (no leader yet after a takeover) were left out above, and
          // closing the plans then would leave those moves undone for good (issue 10, churn seed
          // 6763339160339252634: a drain stopped halfway, its learner never admitted).
          closePlans(fence, openPlans);
        }
        if (unreconciled.isEmpty() && !view.massOutage() && ticks % LEADER_BALANCE_TICKS == 0) {
          leaders.balance(fence, all, view.live()); // only while nothing moves: a move picks its own heir
        }
        return;
      }
      runMoves(plan, view.live(), fence);
    } catch (QuiverException e) {
      log.warn("membership tick: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("membership tick failed", e);
    }
  }

  /** Runs the plan's moves, one per shard and at most maxConcurrentMoves at once, waiting for them. */
  private void runMoves(List<Move> plan, Map<NodeId, NodeLease> live, Fence fence) {
    List<Future<?>> running = new ArrayList<>();
    Set<ShardId> taken = new HashSet<>();
    long started = System.nanoTime();
    for (Move m : plan) {
      ShardId shard = new ShardId(m.uuid(), m.shard());
      if (!taken.add(shard) || running.size() >= settings.maxConcurrentMoves()) {
        continue; // one change at a time per shard; the rest go next tick
      }
      moving.add(shard);
      running.add(moves.submit(() -> {
        try {
          mover.run(m, live, fence);
          movesDone.incrementAndGet();
          bytesCopied.addAndGet(estimateBytes(m, live));
        } catch (InterruptedException e) {
          log.warn("move {} interrupted (the coordinator is stopping or lost its lead); the next leader resumes it", m);
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          log.warn("move {} stopped, retried next tick: {}", m, e.getMessage());
        } finally {
          moving.remove(shard);
        }
      }));
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        log.warn("move failed", e.getCause());
      }
    }
    throttle(started);
  }

  /** Sleeps until the bytes copied so far fit the bytes/s limit. */
  private void throttle(long startedNanos) {
    long allowedNanos = (long) (bytesCopied.get() * 1e9 / settings.maxBytesPerSecond());
    long elapsed = System.nanoTime() - startedNanos;
    long rest = Math.min(allowedNanos - elapsed, settings.moveTimeout().toNanos());
    if (rest > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(rest);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long estimateBytes(Move m, Map<NodeId, NodeLease> live) {
    if (m.to() == null || !live.containsKey(m.to())) {
      return 0;
    }
    var status = probe.probe(List.of(live.get(m.to()))).getOrDefault(m.to(), Map.of()).get(new ShardId(m.uuid(), m.shard()));
    int dim = catalog.get(m.collection()).entry().config().dimension();
    return status == null ? 0 : status.getPoints() * (4L * dim + POINT_OVERHEAD_BYTES);
  }

  private HashRing ring(NodeLoss.View view, Set<NodeId> draining) {
    List<RingNode> nodes = new ArrayList<>();
    view.live().values().stream().filter(l -> !draining.contains(l.nodeId())).forEach(l -> nodes.add(RingNode.of(l)));
    // A lost node inside its replace delay keeps its place: nothing moves for a node that may return.
    view.lostSince().keySet().stream()
        .filter(n -> !view.replaceable().contains(n) && !draining.contains(n))
        .forEach(n -> nodes.add(lastLeases.containsKey(n) ? RingNode.of(lastLeases.get(n)) : new RingNode(n, 100, "")));
    return new HashRing(nodes);
  }

  /**
   * After a takeover, the progress shown is that of the open plans: their sizes when opened, of
   * which all but the {@code remaining} moves are done.
   */
  private void resumeProgress(List<String> openPlans, int remaining) {
    int total = 0;
    for (String id : openPlans) {
      try {
        String data = new String(zk.getData().forPath(paths.rebalance(id)), StandardCharsets.UTF_8);
        total += data.startsWith(MOVES) ? Integer.parseInt(data.substring(MOVES.length()).trim()) : 0;
      } catch (KeeperException.NoNodeException e) {
        // closed meanwhile
      } catch (Exception e) {
        throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot read rebalance " + id + ": " + e.getMessage(), e);
      }
    }
    if (total > 0) {
      movesTotal.set(total);
      movesDone.set(Math.max(0, total - remaining));
      log.info("resuming {} open rebalance plan(s) {}: {} of {} moves left", openPlans.size(), openPlans,
          Math.min(remaining, total), total);
    }
  }

  private static Set<ShardId> shards(List<Catalog.Collection> all) {
    Set<ShardId> out = new HashSet<>();
    for (Catalog.Collection c : all) {
      c.placement().shards().forEach(s -> out.add(new ShardId(c.entry().uuid(), s.shard())));
    }
    return out;
  }

  private static Set<NodeId> placed(List<Catalog.Collection> all) {
    Set<NodeId> out = new HashSet<>();
    for (Catalog.Collection c : all) {
      for (ShardPlacement s : c.placement().shards()) {
        out.addAll(s.voters());
        out.addAll(s.learners());
      }
    }
    return out;
  }

  private Set<NodeId> draining() {
    return catalog.draining();
  }

  private List<String> openPlans() {
    try {
      return zk.checkExists().forPath(paths.rebalance()) == null ? List.of() : zk.getChildren().forPath(paths.rebalance());
    } catch (Exception e) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot read the rebalance plans: " + e.getMessage(), e);
    }
  }

  /** A plan with nothing left to move is done: its znode goes (fenced). */
  private void closePlans(Fence fence, List<String> plans) {
    for (String id : plans) {
      try {
        FencedWrites.commit(zk, paths, fence, leadership.refusals(),
            List.of(zk.transactionOp().delete().forPath(paths.rebalance(id))));
        log.info("rebalance {} done", id);
      } catch (KeeperException.NoNodeException e) {
        // closed already
      } catch (QuiverException e) {
        throw e;
      } catch (Exception e) {
        throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot close rebalance " + id + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    moves.shutdownNow();
  }
}
