package io.quiver.datanode.hosting;

import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.ClusterSnapshot;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.datanode.raft.ShardGroups;
import io.quiver.datanode.raft.ShardPeer;
import io.quiver.datanode.shard.LocalShard;
import io.quiver.datanode.shard.ShardIndexes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas this node hosts, kept in line with each cluster snapshot, on one thread of its own
 * (creating a Raft group takes seconds; the ZooKeeper cache's thread must not wait on it).
 *
 * <p>The rules (ARCHITECTURE.md, "Placement and membership"): a shard placed here gets its Raft
 * group once the leases of all its voters say where their Raft servers are (else it waits for
 * the next snapshot); a replica is deleted only when its collection's UUID is recorded as
 * dropped; a replica whose collection is neither in the catalog nor dropped is quarantined —
 * kept, never served, never deleted — because a catalog that looks empty is no proof of a drop.
 * A lookup of a replica not served fails with SHARD_NOT_HOSTED, never an empty answer.
 */
public final class HostedReplicas implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostedReplicas.class);
  /** Shards this node was named a voter of though its disk is newer than their group; logged once each. */
  private final java.util.Set<ShardId> emptyVoters = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final long RETRY_MILLIS = 1_000;

  /** A replica that is served: its collection's config and its search index. */
  public record Served(ShardId shard, CollectionConfig config, LocalShard index) {}

  private final NodeId self;
  private final ShardGroups groups;
  private final ShardIndexes indexes;
  private final ScheduledExecutorService worker;
  /** The newest snapshot not yet reconciled; the worker takes it. */
  private final AtomicReference<ClusterSnapshot> pending = new AtomicReference<>();
  /** Served replicas and their configs; written by the worker only, read lock-free. */
  private final Map<ShardId, CollectionConfig> served = new ConcurrentHashMap<>();
  /** Quarantined replicas already logged; worker only. */
  private final Set<ShardId> quarantined = new HashSet<>();
  private volatile boolean checked;

  public HostedReplicas(NodeId self, ShardGroups groups, ShardIndexes indexes) {
    this.self = self;
    this.groups = groups;
    this.indexes = indexes;
    this.worker = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("replicas-" + self).factory());
  }

  /**
   * @throws QuiverException SHARD_NOT_HOSTED naming the node and the shard
   */
  public Served require(ShardId shard) {
    return find(shard).orElseThrow(() -> new QuiverException(
        ErrorCode.SHARD_NOT_HOSTED, "data node " + self + " does not host shard " + shard));
  }

  /** The replica of {@code shard} if it is served here. */
  public Optional<Served> find(ShardId shard) {
    CollectionConfig config = served.get(shard);
    if (config == null) {
      return Optional.empty();
    }
    return indexes.find(shard).map(index -> new Served(shard, config, index));
  }

  public List<Served> all() {
    List<Served> out = new ArrayList<>();
    served.keySet().forEach(s -> find(s).ifPresent(out::add));
    return out;
  }

  /** Whether every local replica has been checked against the catalog at least once. */
  public boolean checked() {
    return checked;
  }

  /** Reconciles with {@code snapshot} on the worker; a newer snapshot replaces one not yet taken. */
  public void reconcile(ClusterSnapshot snapshot) {
    if (pending.getAndSet(snapshot) == null) {
      try {
        worker.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The node is stopping: its replicas are closing, nothing is left to reconcile.
        log.debug("catalog change ignored: the node is stopping");
      }
    }
  }

  /** Reconciles with {@code snapshot} now, on the caller's thread (start-up waits for it). */
  public void reconcileNow(ClusterSnapshot snapshot) {
    try {
      worker.submit(() -> apply(snapshot)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the local replicas", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("checking the local replicas failed", e.getCause());
    }
  }

  private void drain() {
    ClusterSnapshot s = pending.getAndSet(null);
    if (s != null) {
      apply(s);
    }
  }

  private void apply(ClusterSnapshot snapshot) {
    boolean incomplete = false;
    Map<ShardId, CatalogEntry> catalog = new HashMap<>();
    for (CatalogEntry e : snapshot.collections().values()) {
      CollectionPlacement p = snapshot.placements().get(e.name());
      if (p == null || snapshot.dropped().contains(e.uuid())) {
        continue;
      }
      for (ShardPlacement s : p.shards()) {
        ShardId shard = new ShardId(e.uuid(), s.shard());
        catalog.put(shard, e);
        if (s.hosts(self)) {
          incomplete |= !host(snapshot, shard, e, s);
        }
      }
    }
    for (ShardId shard : groups.hostedShards()) {
      try {
        if (snapshot.dropped().contains(shard.collection())) {
          delete(shard);
        } else if (catalog.containsKey(shard)) {
          // Placed elsewhere now, or still here: a Raft member of a live collection stays one
          // until a membership change removes it (the coordinator's job), and it serves.
          serve(shard, catalog.get(shard));
        } else if (quarantined.add(shard) || served.containsKey(shard)) {
          served.remove(shard);
          log.warn("node {} quarantines replica {}: its collection is neither in the catalog nor dropped;"
              + " it is kept and not served", self, shard);
        }
      } catch (RuntimeException ex) {
        log.warn("node {}: checking replica {} failed, retrying: {}", self, shard, ex.toString());
        incomplete = true;
      }
    }
    checked = true;
    if (incomplete && pending.get() == null) {
      worker.schedule(() -> reconcile(snapshot), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Creates the shard's group here if needed and serves it; false when it must be tried again. */
  private boolean host(ClusterSnapshot snapshot, ShardId shard, CatalogEntry e, ShardPlacement p) {
    try {
      if (!groups.hostedShards().contains(shard)) {
        // A learner joins a running group: it needs only some voter to start from (the leader's
        // configuration replaces the list), so a voter without a lease — the node it replaces — is skipped.
        boolean joining = p.learners().contains(self);
        long formatted = groups.identity().formattedAtMillis();
        if (!joining && formatted > e.createdAtMillis()) {
          // Named a voter of a group older than this data directory: the replica this node held went
          // with its old disk. Created now it would be an empty voter under a new peer id, and two
          // such nodes could elect each other and serve nothing. It joins as a learner instead,
          // through a move: drain and undrain the node, or recover the shard if its majority is gone.
          if (emptyVoters.add(shard)) {
            log.error("node {} does not create its replica of shard {} of collection {} as a voter: its data"
                + " directory was formatted at {} ms, after the collection was created at {} ms, so the replica it"
                + " held is gone with its old disk; run 'quiver admin drain {}' then 'quiver admin undrain {}' to"
                + " give it replicas through moves (or 'quiver admin recover-shard' if the shard lost its majority)",
                self, shard, e.name(), formatted, e.createdAtMillis(), self, self);
          }
          return true;
        }
        List<ShardPeer> voters = joining ? leased(snapshot, p.voters()) : peers(snapshot, p.voters());
        List<ShardPeer> learners = joining ? leased(snapshot, p.learners()) : peers(snapshot, p.learners());
        if (voters == null || learners == null || voters.isEmpty()) {
          log.debug("shard {}: waiting for the leases of its members {} {}", shard, p.voters(), p.learners());
          return true; // the lease's arrival is a new snapshot
        }
        log.info("node {} creates its replica of shard {} of collection {} (voters {})", self, shard, e.name(), voters);
        groups.ensureReplica(shard, e.config(), voters, learners);
      }
      serve(shard, e);
      return true;
    } catch (RuntimeException ex) {
      log.warn("node {}: hosting shard {} failed, retrying: {}", self, shard, ex.toString());
      return false;
    }
  }

  private void serve(ShardId shard, CatalogEntry e) {
    groups.ensureReplica(shard, e.config(), List.of(), List.of()); // hosted: records the config only
    indexes.attach(shard, e.config(), groups.store(shard));
    served.put(shard, e.config());
    if (quarantined.remove(shard)) {
      log.info("node {} serves replica {} again: collection {} is in the catalog", self, shard, e.name());
    }
  }

  private void delete(ShardId shard) {
    served.remove(shard);
    quarantined.remove(shard);
    log.info("node {} deletes replica {}: collection dropped", self, shard);
    groups.removeReplica(shard);
    indexes.remove(shard);
  }

  /**
   * Deletes this node's replica of {@code shard} (on the worker, between reconciliations): the
   * coordinator's last step of a move, once the replica's peer has left the group and the
   * placement no longer lists this node.
   */
  public void release(ShardId shard) {
    try {
      worker.submit(() -> {
        served.remove(shard);
        quarantined.remove(shard);
        log.info("node {} deletes replica {}: moved away", self, shard);
        groups.removeReplica(shard);
        indexes.remove(shard);
      }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(ErrorCode.UNAVAILABLE, "interrupted while deleting replica " + shard, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new QuiverException(ErrorCode.INTERNAL, "deleting replica " + shard + " failed", e.getCause());
    }
  }

  /**
   * Majority loss: recreates this node's replica of {@code shard} as its group's only voter, keeping
   * its rows ({@link ShardGroups#recoverAlone}). On the worker, so no reconciliation recreates the
   * old group between the two steps; the replica stays served and its index is rebuilt from the rows.
   */
  public ShardGroups.Recovery recoverAlone(ShardId shard) {
    try {
      return worker.submit(() -> groups.recoverAlone(shard)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(ErrorCode.UNAVAILABLE, "interrupted while recovering replica " + shard, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof QuiverException q) {
        throw q;
      }
      throw new QuiverException(ErrorCode.INTERNAL, "recovering replica " + shard + " failed", e.getCause());
    }
  }

  /** The Raft peers of those of {@code nodes} that hold a lease with a Raft address. */
  private static List<ShardPeer> leased(ClusterSnapshot snapshot, List<NodeId> nodes) {
    List<ShardPeer> out = new ArrayList<>(nodes.size());
    for (NodeId n : nodes) {
      NodeLease l = snapshot.leases().get(n);
      if (l != null && l.hasRaft()) {
        out.add(new ShardPeer(l.raftPeerId(), l.raftAddress()));
      }
    }
    return out;
  }

  /** The Raft peers of {@code nodes}, or null while one of them has no lease with a Raft address. */
  private static List<ShardPeer> peers(ClusterSnapshot snapshot, List<NodeId> nodes) {
    List<ShardPeer> out = new ArrayList<>(nodes.size());
    for (NodeId n : nodes) {
      NodeLease l = snapshot.leases().get(n);
      if (l == null || !l.hasRaft()) {
        return null;
      }
      out.add(new ShardPeer(l.raftPeerId(), l.raftAddress()));
    }
    return out;
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
