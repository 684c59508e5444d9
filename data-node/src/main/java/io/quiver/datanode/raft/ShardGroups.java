package io.quiver.datanode.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Point;
import io.quiver.common.model.ReadLevel;
import io.quiver.common.model.WriteLevel;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardOp;
import io.quiver.datanode.store.ShardStore;
import io.quiver.datanode.store.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data node's shard replicas: one Ratis {@link RaftServer} on its own port hosting a group
 * division per replica, over one {@link NodeStore}. Writes, reads and membership changes go to
 * the local division in-process (no client RPC); a replica that is not the leader refuses a
 * write with {@code NOT_LEADER} and the leader it knows.
 *
 * <p>Thread-safe. {@code shardsByGroup} and {@code configs} are concurrent maps; Ratis guards
 * its own divisions.
 */
public final class ShardGroups implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShardGroups.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  /** How long a removal waits for Ratis to close the division's state machine before dropping its store. */
  private static final Duration STATE_MACHINE_CLOSE_WAIT = Duration.ofSeconds(10);
  /** How often the divisions' roles are checked against their configurations ({@link #keepRoles}). */
  private static final Duration ROLE_CHECK = Duration.ofMillis(500);
  /** A learner replica that Ratis closed is started again at most this often. */
  private static final Duration REVIVE_INTERVAL = Duration.ofSeconds(30);

  private final NodeIdentity identity;
  private final RaftSettings settings;
  private final NodeStore store;
  private final RaftServer server;
  private final RaftPeerId self;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final Map<RaftGroupId, ShardId> shardsByGroup = new ConcurrentHashMap<>();
  private final Map<ShardId, CollectionConfig> configs = new ConcurrentHashMap<>();
  /** Shards whose group {@link #recoverAlone} is recreating: their state machine seeds a snapshot. */
  private final Set<ShardId> seeding = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Thread closeWatcher;
  /** Creating, removing and restarting divisions happen one at a time, under this lock. */
  private final Object divisionChanges = new Object();
  /** Divisions taken down by {@link #restart} whose new start failed: group to start again; under divisionChanges. */
  private final Map<RaftGroupId, RaftGroup> restartPending = new ConcurrentHashMap<>();
  /** When each closed learner replica was last started again; under divisionChanges. */
  private final Map<RaftGroupId, Long> revivedAt = new ConcurrentHashMap<>();
  private final ScheduledExecutorService roleKeeper;
  private final WriteAdmission admission;
  private final ResourceBudget budget;

  private ShardGroups(NodeIdentity identity, Path dataDir, RaftSettings settings, NodeStore.Settings storeSettings,
      ShardApplyListener listener, AdmissionSettings admission, MeterRegistry meters) throws IOException {
    this.identity = identity;
    this.settings = settings;
    this.budget = new ResourceBudget(dataDir, admission);
    this.admission = new WriteAdmission(admission, listener, budget, meters);
    Counter installs = Counter.builder("quiver.datanode.snapshot.installs")
        .description("Shard snapshots installed from a leader on this node (replicas that were new or too far behind)")
        .register(meters);
    this.self = RaftPeerId.valueOf(identity.peerId());
    this.store = NodeStore.open(dataDir.resolve("store"), storeSettings);
    for (ShardId shard : store.shards()) {
      shardsByGroup.put(groupId(shard), shard);
    }
    int port = Integer.parseInt(identity.raftAddress().substring(identity.raftAddress().lastIndexOf(':') + 1));
    server = RaftServer.newBuilder()
        .setServerId(self)
        .setProperties(ShardRaftProperties.of(settings, dataDir.resolve("raft").toFile(), port))
        .setStateMachineRegistry(gid -> new ShardStateMachine(shardOf(gid), store, listener, installs,
            seeding.contains(shardOf(gid))))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    server.start();
    closeWatcher = Thread.ofPlatform().daemon().name("raft-close-watch-" + identity.nodeId()).start(this::watchClose);
    roleKeeper = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("raft-roles-" + identity.nodeId()).factory());
    roleKeeper.scheduleWithFixedDelay(this::keepRoles, ROLE_CHECK.toMillis(), ROLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    long purgeEvery = storeSettings.tombstonePurgeInterval().toMillis();
    roleKeeper.scheduleWithFixedDelay(this::purgeTombstonesQuietly, purgeEvery, purgeEvery, TimeUnit.MILLISECONDS);
    log.info("raft server {} at {} hosting {} shard replicas", self, identity.raftAddress(), store.shards().size());
  }

  /**
   * Starts the node's Raft server on the port of {@code raftAddress} ({@code host:port}), over
   * {@code dataDir} (formatted on first use), and reopens every replica found there.
   */
  public static ShardGroups start(Path dataDir, NodeId nodeId, String raftAddress, boolean readdress,
      RaftSettings settings, NodeStore.Settings storeSettings, ShardApplyListener listener) {
    return start(dataDir, nodeId, raftAddress, readdress, settings, storeSettings, listener, AdmissionSettings.DEFAULTS,
        new SimpleMeterRegistry());
  }

  /**
   * As above, with the write admission limits and the registry the node's metrics go to
   * ({@code quiver.datanode.snapshot.installs}, {@code quiver.datanode.writes.refused}).
   */
  public static ShardGroups start(Path dataDir, NodeId nodeId, String raftAddress, boolean readdress,
      RaftSettings settings, NodeStore.Settings storeSettings, ShardApplyListener listener,
      AdmissionSettings admission, MeterRegistry meters) {
    NodeIdentity identity = NodeIdentity.loadOrFormat(dataDir, nodeId, raftAddress, readdress);
    try {
      return new ShardGroups(identity, dataDir, settings, storeSettings, listener, admission, meters);
    } catch (IOException e) {
      throw new QuiverException(ErrorCode.INTERNAL, "cannot start the raft server of " + nodeId + ": " + e, e);
    }
  }

  /** The Raft group of a shard: a name-based UUID of the collection UUID and shard number. */
  public static RaftGroupId groupId(ShardId shard) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("quiver-shard:" + shard).getBytes(StandardCharsets.UTF_8)));
  }

  public NodeIdentity identity() {
    return identity;
  }

  /** This node as a member of shard groups. */
  public ShardPeer self() {
    return new ShardPeer(identity.peerId(), identity.raftAddress());
  }

  /** Completes when the Raft server has closed, for whatever reason: the node should then exit. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  /** Replicas hosted here (a group division exists). */
  public Set<ShardId> hostedShards() {
    Set<ShardId> out = new TreeSet<>();
    try {
      for (RaftGroupId gid : server.getGroupIds()) {
        ShardId s = shardsByGroup.get(gid);
        if (s != null) {
          out.add(s);
        }
      }
    } catch (RuntimeException e) {
      log.debug("listing groups failed", e);
    }
    return out;
  }

  /**
   * Creates this node's replica of {@code shard} with the given initial group, unless it exists.
   * This node must be among {@code voters} or {@code listeners}; a replica joining an existing
   * group comes in as a listener, then the leader's configuration change admits it.
   */
  public void ensureReplica(ShardId shard, CollectionConfig config, List<ShardPeer> voters, List<ShardPeer> listeners) {
    configs.put(shard, config);
    RaftGroupId gid = groupId(shard);
    if (isHosted(gid)) {
      return;
    }
    if (voters.isEmpty()) {
      throw QuiverException.invalid("shard " + shard + ": a group needs at least one voter");
    }
    List<RaftPeer> peers = new ArrayList<>();
    voters.forEach(p -> peers.add(raftPeer(p, RaftPeerRole.FOLLOWER)));
    // A joining replica starts as a Ratis listener, this node's own included. A listener never
    // stands for election; a division that starts as a follower outside the voters does, as soon
    // as no leader has reached it for an election timeout (before the leader admits it, or in any
    // heartbeat gap after), and Ratis then closes it for good: the leader answers the vote request
    // of a peer outside its configuration with "shut down", and a candidate that finds itself
    // outside its own configuration shuts itself down. Ratis 3.2 never turns a listener into a
    // follower when the configuration promotes it; keepRoles restarts the division for that.
    listeners.forEach(p -> peers.add(raftPeer(p, RaftPeerRole.LISTENER)));
    if (peers.stream().noneMatch(p -> p.getId().equals(self))) {
      throw QuiverException.invalid("shard " + shard + ": this node " + self + " is not in the group " + peers);
    }
    synchronized (divisionChanges) {
      if (isHosted(gid)) {
        return;
      }
      if (restartPending.containsKey(gid)) {
        throw new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": its replica is being restarted");
      }
      shardsByGroup.put(gid, shard);
      store.openShard(shard);
      RaftClientReply reply = await(server.groupManagementAsync(
          GroupManagementRequest.newAdd(clientId, self, callIds.incrementAndGet(), RaftGroup.valueOf(gid, peers))),
          "add replica of shard " + shard);
      if (!reply.isSuccess() && !isHosted(gid)) {
        throw new QuiverException(ErrorCode.INTERNAL, "shard " + shard + ": adding the replica failed",
            reply.getException());
      }
    }
    log.info("shard {} replica created, group {}", shard, peers);
  }

  /** Stops this node's replica of {@code shard} and deletes its log and rows. */
  public void removeReplica(ShardId shard) {
    RaftGroupId gid = groupId(shard);
    synchronized (divisionChanges) {
      restartPending.remove(gid);
      revivedAt.remove(gid);
      if (isHosted(gid)) {
        RaftServer.Division d = divisionOrNull(gid);
        RaftClientReply reply = await(server.groupManagementAsync(GroupManagementRequest.newRemove(
            clientId, self, callIds.incrementAndGet(), gid, true, false)), "remove replica of shard " + shard);
        if (!reply.isSuccess() && isHosted(gid)) {
          throw new QuiverException(ErrorCode.INTERNAL, "shard " + shard + ": removing the replica failed",
              reply.getException());
        }
        awaitStateMachineClosed(shard, d);
      }
      store.dropShard(shard);
      shardsByGroup.remove(gid);
      configs.remove(shard);
    }
    log.info("shard {} replica removed", shard);
  }

  /**
   * Majority loss: recreates this node's replica of {@code shard} as a group of one voter, itself,
   * keeping its rows, and waits until it leads. The old division goes with its log and snapshots
   * (the group id stays); the new one starts from a snapshot of the kept rows, so its log continues
   * after their applied index (see {@code ShardStateMachine.seedSnapshot}). The entries the old log
   * held past the rows (a write acknowledged at ALL may sit there, uncommitted as far as this
   * replica knows) are proposed again, in order, under their request ids, so none is lost or applied
   * twice. Writes the old group committed that never reached this replica are lost: the caller
   * reports that. Also works when only the rows are left (a crash between the two steps); a replica
   * that is already its group's only voter is left as it is.
   *
   * @throws QuiverException SHARD_NOT_HOSTED when this node has no rows of the shard, UNAVAILABLE
   *     when the new group does not elect this node or take the old entries within the admin timeout
   */
  public Recovery recoverAlone(ShardId shard) {
    RaftGroupId gid = groupId(shard);
    boolean hosted = isHosted(gid);
    if (!hosted && !store.shards().contains(shard)) {
      throw new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " is not hosted on " + self);
    }
    List<ShardEntry> tail = List.of();
    if (hosted) {
      GroupConfiguration conf = configuration(shard);
      if (conf.listeners().isEmpty() && conf.voters().equals(List.of(self()))) {
        awaitLeading(shard);
        return new Recovery(store.shard(shard).appliedIndex(), 0);
      }
      tail = unappliedTail(shard);
      RaftClientReply reply = await(server.groupManagementAsync(GroupManagementRequest.newRemove(
          clientId, self, callIds.incrementAndGet(), gid, true, false)), "remove the old group of shard " + shard);
      if (!reply.isSuccess() && isHosted(gid)) {
        throw new QuiverException(ErrorCode.INTERNAL, "shard " + shard + ": removing the old group failed",
            reply.getException());
      }
    }
    shardsByGroup.put(gid, shard);
    seeding.add(shard);
    try {
      RaftClientReply reply = await(server.groupManagementAsync(GroupManagementRequest.newAdd(clientId, self,
          callIds.incrementAndGet(), RaftGroup.valueOf(gid, List.of(raftPeer(self(), RaftPeerRole.FOLLOWER))))),
          "recreate the group of shard " + shard);
      if (!reply.isSuccess() && !isHosted(gid)) {
        throw new QuiverException(ErrorCode.INTERNAL, "shard " + shard + ": recreating the group failed",
            reply.getException());
      }
    } finally {
      seeding.remove(shard);
    }
    long kept = store.shard(shard).appliedIndex();
    log.warn("shard {} recreated as a group of one voter, {}, from its rows at applied index {}; {} entries of the"
        + " old log proposed again", shard, self, kept, tail.size());
    awaitLeading(shard);
    for (ShardEntry e : tail) {
      repropose(shard, e);
    }
    return new Recovery(kept, tail.size());
  }

  /** Proposes an entry of the old log again under its request id, retrying what may still succeed. */
  private void repropose(ShardId shard, ShardEntry e) {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    WriteOutcome o;
    do {
      o = await(write(shard, e.requestId(), e.op(), WriteLevel.QUORUM, Duration.ofSeconds(10)),
          "propose request " + e.requestId() + " of the old log of shard " + shard + " again");
      if (o.status() == WriteOutcome.Status.APPLIED) {
        return;
      }
    } while ((o.status() == WriteOutcome.Status.UNKNOWN || o.code().retryable()) && System.nanoTime() < deadline
        && pause(200));
    throw new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": request " + e.requestId()
        + " of the old log was not applied in the recreated group: " + o.message() + "; run the recovery again");
  }

  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What {@link #recoverAlone} kept: the rows' applied index, and the old log's entries past it proposed again. */
  public record Recovery(long keptIndex, int reproposed) {}

  /** The local log's data entries past the rows' applied index, in order. */
  private List<ShardEntry> unappliedTail(ShardId shard) {
    RaftServer.Division d = requireDivision(shard);
    var raftLog = d.getRaftLog();
    var last = raftLog.getLastEntryTermIndex();
    List<ShardEntry> out = new ArrayList<>();
    if (last == null) {
      return out;
    }
    long from = Math.max(store.shard(shard).appliedIndex() + 1, raftLog.getStartIndex());
    for (long i = from; i <= last.getIndex(); i++) {
      try {
        var entry = raftLog.get(i);
        if (entry != null && entry.hasStateMachineLogEntry()) {
          out.add(ShardEntry.decode(entry.getStateMachineLogEntry().getLogData().toByteArray()));
        }
      } catch (org.apache.ratis.server.raftlog.RaftLogIOException e) {
        throw new QuiverException(ErrorCode.INTERNAL, "shard " + shard + ": cannot read log entry " + i
            + " of the old group; nothing was changed", e);
      }
    }
    return out;
  }

  private void awaitLeading(ShardId shard) {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      // Ready: the new term's first entry has committed, so writes are taken (not "not ready yet").
      RaftServer.Division d = division(shard);
      if (d != null && d.getInfo().isLeader() && d.getInfo().isLeaderReady()) {
        return;
      }
      if (!pause(100)) {
        throw new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": interrupted waiting to lead");
      }
    }
    throw new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": the recreated group did not elect "
        + self + " within " + ADMIN_TIMEOUT);
  }

  /**
   * Submits one shard batch as one log entry. See {@link WriteOutcome} for what the outcome
   * means; the future never fails and completes within about {@code timeout}. A leader whose
   * backlog is over the admission limits refuses it first ({@link WriteAdmission}).
   */
  public CompletableFuture<WriteOutcome> write(ShardId shard, String requestId, ShardOp op, WriteLevel level,
      Duration timeout) {
    RaftServer.Division division = division(shard);
    if (division == null) {
      return done(WriteOutcome.failed(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " is not hosted on " + self, null));
    }
    byte[] entry;
    try {
      entry = checkedEntry(shard, requestId, op);
    } catch (QuiverException e) {
      return done(WriteOutcome.failed(e.code(), e.getMessage(), null));
    }
    if (!division.getInfo().isLeader()) {
      return done(notLeader(shard, division, null));
    }
    WriteOutcome refused = admission.check(shard, division, requestId);
    if (refused != null) {
      return done(refused);
    }
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId).setServerId(self).setGroupId(division.getMemberId().getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(entry)))
        .setType(level == WriteLevel.ALL
            ? RaftClientRequest.writeRequestType(org.apache.ratis.proto.RaftProtos.ReplicationLevel.ALL_COMMITTED)
            : RaftClientRequest.writeRequestType())
        .setTimeoutMs(timeout.toMillis())
        .build();
    CompletableFuture<RaftClientReply> submitted;
    try {
      submitted = server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return done(WriteOutcome.unknown(ErrorCode.UNKNOWN_OUTCOME, "shard " + shard + ": submit failed: " + e));
    }
    if (TestFaults.ACK_BEFORE_COMMIT) {
      long now = ((ShardStateMachine) division.getStateMachine()).readableIndex();
      int n = op instanceof ShardOp.Upsert u ? u.points().size() : 0;
      return done(WriteOutcome.applied(now, n, false));
    }
    return submitted.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((reply, ex) -> outcome(shard, division, reply, ex));
  }

  private byte[] checkedEntry(ShardId shard, String requestId, ShardOp op) {
    if (requestId == null || requestId.isEmpty() || requestId.length() > 128) {
      throw QuiverException.invalid("request_id must be 1-128 characters but was '" + requestId + "'");
    }
    if (op instanceof ShardOp.Upsert u) {
      if (u.points().size() > settings.maxEntryPoints()) {
        throw QuiverException.invalid("shard " + shard + " batch has " + u.points().size()
            + " points, above the limit data-node.raft.max-entry-points=" + settings.maxEntryPoints()
            + ": split the batch");
      }
      CollectionConfig config = configs.get(shard);
      for (Point p : u.points()) {
        if (config != null && p.vector().length != config.dimension()) {
          throw QuiverException.invalid("point " + p.id() + " vector has " + p.vector().length
              + " dimensions, the collection " + config.dimension());
        }
      }
    }
    if (op instanceof ShardOp.Delete d && d.ids().size() > settings.maxEntryPoints()) {
      throw QuiverException.invalid("shard " + shard + " delete has " + d.ids().size()
          + " ids, above the limit data-node.raft.max-entry-points=" + settings.maxEntryPoints());
    }
    byte[] entry;
    try {
      entry = ShardEntry.encode(requestId, op);
    } catch (IllegalArgumentException e) {
      throw QuiverException.invalid("shard " + shard + ": " + e.getMessage());
    }
    if (entry.length > settings.maxEntryBytes()) {
      throw QuiverException.invalid("shard " + shard + " batch is " + entry.length
          + " bytes, above the limit data-node.raft.max-entry-bytes=" + settings.maxEntryBytes() + ": split the batch");
    }
    return entry;
  }

  private WriteOutcome outcome(ShardId shard, RaftServer.Division division, RaftClientReply reply, Throwable ex) {
    if (ex != null) {
      Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
      String why = cause instanceof TimeoutException ? "no answer within the deadline" : cause.toString();
      return WriteOutcome.unknown(ErrorCode.UNKNOWN_OUTCOME, "shard " + shard + ": outcome unknown (" + why
          + "); retry with the same request id");
    }
    if (reply.isSuccess()) {
      var r = ShardStateMachine.decodeResult(reply.getMessage().getContent().toByteArray());
      return r.refused()
          ? WriteOutcome.failed(ErrorCode.INVALID_ARGUMENT, "shard " + shard + ": " + r.refusal(), null)
          : WriteOutcome.applied(r.logIndex(), r.affected(), r.duplicate());
    }
    // NOT_LEADER here is not a refusal: a leader that steps down (it lost its majority, or met a
    // higher term) answers every pending request with NotLeaderException, entries it had already
    // appended, which a later leader may still commit. Only the check before submission (above,
    // in write) knows that nothing was appended.
    if (reply.getNotLeaderException() != null) {
      WriteOutcome notLeader = notLeader(shard, division, reply.getNotLeaderException());
      return new WriteOutcome(WriteOutcome.Status.UNKNOWN, -1, 0, false, ErrorCode.NOT_LEADER,
          notLeader.message() + "; the entry may have been appended, outcome unknown: retry with the same request id",
          notLeader.leaderHint());
    }
    // Refusals Ratis makes before appending: nothing was written, so the outcome is known.
    if (reply.getLeaderNotReadyException() != null) {
      return WriteOutcome.failed(ErrorCode.NOT_LEADER, "shard " + shard + ": leader " + self + " is not ready yet",
          self());
    }
    if (reply.getException() instanceof org.apache.ratis.protocol.exceptions.ResourceUnavailableException e) {
      return WriteOutcome.failed(ErrorCode.RESOURCE_EXHAUSTED, "shard " + shard
          + ": pending writes are over data-node.raft.pending-write-bytes=" + settings.pendingWriteBytes() + " (" + e.getMessage() + ")", null);
    }
    return WriteOutcome.unknown(ErrorCode.UNKNOWN_OUTCOME, "shard " + shard + ": outcome unknown ("
        + reply.getException() + "); retry with the same request id");
  }

  private WriteOutcome notLeader(ShardId shard, RaftServer.Division division, NotLeaderException e) {
    RaftPeer leader = e != null && e.getSuggestedLeader() != null ? e.getSuggestedLeader() : leaderPeer(division);
    ShardPeer hint = leader == null ? null : new ShardPeer(leader.getId().toString(), leader.getAddress());
    return WriteOutcome.failed(ErrorCode.NOT_LEADER, "shard " + shard + ": " + self + " is not the leader"
        + (hint == null ? " and knows no leader" : "; the leader is " + hint.peerId() + " at " + hint.address()), hint);
  }

  /**
   * On each shard this node leads, proposes forgetting the tombstones of deletes that every
   * replica of the group (voters and learners, old and new during a change) has committed, as the
   * leader last heard (ARCHITECTURE.md, "Writes" 5). The purge is itself a log entry, so every
   * replica drops the same tombstones at the same log position, and a replica that is down holds
   * the bound back until it returns. A shard with nothing to purge proposes nothing. Runs every
   * {@code data-node.store.tombstone-purge-interval}; returns the outcomes of the entries it proposed.
   */
  Map<ShardId, CompletableFuture<WriteOutcome>> purgeTombstones() {
    Map<ShardId, CompletableFuture<WriteOutcome>> proposed = new java.util.HashMap<>();
    for (RaftGroupId gid : server.getGroupIds()) {
      ShardId shard = shardsByGroup.get(gid);
      RaftServer.Division d = shard == null ? null : divisionOrNull(gid);
      if (d == null || isClosed(d) || !d.getInfo().isLeader()) {
        continue;
      }
      long upTo = committedByEveryPeer(d);
      if (upTo < 1 || store.shard(shard).countTombstones(upTo) == 0) {
        continue;
      }
      proposed.put(shard, write(shard, "purge-tombstones-" + upTo, new ShardOp.PurgeTombstones(upTo), WriteLevel.QUORUM,
          Duration.ofSeconds(10)).whenComplete((o, ex) -> log.info("shard {}: tombstones up to log index {}: {}",
              shard, upTo, o == null ? ex : o.status() + " (" + o.affected() + " purged)")));
    }
    return proposed;
  }

  /**
   * Ratis answers a group removal before the division's updater thread has stopped, and that
   * thread may still apply or take a last snapshot: the store is dropped only after it is done
   * (the store's guard turns a late use into an error either way, never a crash).
   */
  private void awaitStateMachineClosed(ShardId shard, RaftServer.Division d) {
    if (d == null || !(d.getStateMachine() instanceof ShardStateMachine sm)) {
      return;
    }
    try {
      sm.whenClosed().get(STATE_MACHINE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("shard {}: the removed replica's state machine did not close within {}; dropping its store anyway",
          shard, STATE_MACHINE_CLOSE_WAIT);
    }
  }

  private void purgeTombstonesQuietly() {
    try {
      purgeTombstones();
    } catch (RuntimeException e) {
      // never let the exception end the schedule; the next round tries again
      log.warn("proposing tombstone purges on {} failed: {}", self, e.toString());
    }
  }

  /** The lowest commit index the leader knows of among the group's peers; 0 when one is unknown. */
  private static long committedByEveryPeer(RaftServer.Division d) {
    Map<RaftPeerId, Long> committed = new java.util.HashMap<>();
    for (var info : d.getCommitInfos()) {
      committed.put(RaftPeerId.valueOf(info.getServer().getId()), info.getCommitIndex());
    }
    var conf = d.getRaftConf();
    List<RaftPeer> peers = new ArrayList<>(conf.getAllPeers(RaftPeerRole.FOLLOWER));
    peers.addAll(conf.getAllPeers(RaftPeerRole.LISTENER));
    long min = Long.MAX_VALUE;
    for (RaftPeer p : peers) {
      Long c = committed.get(p.getId());
      if (c == null) {
        return 0;
      }
      min = Math.min(min, c);
    }
    return peers.isEmpty() ? 0 : min;
  }

  /**
   * Completes with the applied index a read of this replica may be served at, once the read level
   * allows: STRONG after a linearizable read index from Ratis (on the leader or a follower);
   * SESSION once {@code minIndex} is applied here (else BEHIND after {@code timeout}); EVENTUAL at
   * once. Fails with a {@link QuiverException}: SHARD_NOT_HOSTED, BEHIND or UNAVAILABLE.
   */
  public CompletableFuture<Long> awaitReadable(ShardId shard, ReadLevel level, long minIndex, Duration timeout) {
    RaftServer.Division division = division(shard);
    if (division == null) {
      return CompletableFuture.failedFuture(
          new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " is not hosted on " + self));
    }
    ShardStateMachine sm = (ShardStateMachine) division.getStateMachine();
    return switch (level) {
      case EVENTUAL -> CompletableFuture.completedFuture(sm.readableIndex());
      case SESSION -> TestFaults.IGNORE_SESSION_TOKEN
          ? CompletableFuture.completedFuture(sm.readableIndex())
          : sm.awaitApplied(minIndex, timeout);
      case STRONG -> readIndex(shard, division, timeout);
    };
  }

  private CompletableFuture<Long> readIndex(ShardId shard, RaftServer.Division division, Duration timeout) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId).setServerId(self).setGroupId(division.getMemberId().getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(ShardEntry.barrier())))
        .setType(RaftClientRequest.readRequestType())
        .setTimeoutMs(timeout.toMillis())
        .build();
    CompletableFuture<RaftClientReply> f;
    try {
      f = server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(unavailable(shard, e.toString(), e));
    }
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((reply, ex) -> {
      if (ex != null) {
        throw unavailable(shard, "no read index within the deadline", ex);
      }
      if (!reply.isSuccess()) {
        throw unavailable(shard, String.valueOf(reply.getException()), reply.getException());
      }
      return new ValueCodec.In(reply.getMessage().getContent().toByteArray()).i64();
    });
  }

  private static QuiverException unavailable(ShardId shard, String why, Throwable cause) {
    return new QuiverException(ErrorCode.UNAVAILABLE, "shard " + shard + ": no linearizable read: " + why, cause);
  }

  /** The replica's rows, for gets and scrolls once {@link #awaitReadable} allowed the read. */
  public ShardStore store(ShardId shard) {
    if (division(shard) == null) {
      throw new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " is not hosted on " + self);
    }
    return store.shard(shard);
  }

  /** Role, leader, indexes of the local replica, or empty when not hosted. */
  public java.util.Optional<ReplicaStatus> status(ShardId shard) {
    RaftServer.Division d = division(shard);
    if (d == null) {
      return java.util.Optional.empty();
    }
    var info = d.getInfo();
    ShardStateMachine sm = (ShardStateMachine) d.getStateMachine();
    if (isClosed(d)) {
      // Ratis closed the division (its role and log are gone): say so rather than fail on them.
      return java.util.Optional.of(new ReplicaStatus(shard, ReplicaStatus.CLOSED, null, -1, sm.readableIndex(), -1, -1,
          sm.snapshotInstalls()));
    }
    RaftPeerId leader = info.getLeaderId();
    return java.util.Optional.of(new ReplicaStatus(shard, info.getCurrentRole().name(),
        leader == null ? null : leader.toString(), info.getCurrentTerm(), sm.readableIndex(),
        d.getRaftLog().getLastCommittedIndex(), d.getRaftLog().getStartIndex(), sm.snapshotInstalls()));
  }

  /** The group's membership as this replica knows it (the leader's view is the current one). */
  public GroupConfiguration configuration(ShardId shard) {
    RaftServer.Division d = requireDivision(shard);
    var conf = d.getRaftConf();
    return new GroupConfiguration(shardPeers(conf.getCurrentPeers(RaftPeerRole.FOLLOWER)),
        shardPeers(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
  }

  /** Membership changes (learners, promotion, removal, leader transfer); see {@link ShardMembership}. */
  public ShardMembership membership() {
    return new ShardMembership(this);
  }

  RaftServer server() {
    return server;
  }

  RaftPeerId selfId() {
    return self;
  }

  ClientId clientId() {
    return clientId;
  }

  long nextCallId() {
    return callIds.incrementAndGet();
  }

  RaftServer.Division requireDivision(ShardId shard) {
    RaftServer.Division d = division(shard);
    if (d == null) {
      throw new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " is not hosted on " + self);
    }
    return d;
  }

  static RaftPeer raftPeer(ShardPeer p, RaftPeerRole role) {
    return RaftPeer.newBuilder().setId(p.peerId()).setAddress(p.address()).setStartupRole(role).build();
  }

  static List<ShardPeer> shardPeers(java.util.Collection<RaftPeer> peers) {
    return peers.stream().map(p -> new ShardPeer(p.getId().toString(), p.getAddress()))
        .sorted(java.util.Comparator.comparing(ShardPeer::peerId)).toList();
  }

  private RaftPeer leaderPeer(RaftServer.Division d) {
    RaftPeerId id = d.getInfo().getLeaderId();
    return id == null ? null : d.getRaftConf().getPeer(id, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER);
  }

  private RaftServer.Division division(ShardId shard) {
    RaftGroupId gid = groupId(shard);
    if (!isHosted(gid)) {
      return null;
    }
    try {
      return server.getDivision(gid);
    } catch (IOException e) {
      return null;
    }
  }

  private boolean isHosted(RaftGroupId gid) {
    for (RaftGroupId g : server.getGroupIds()) {
      if (g.equals(gid)) {
        return true;
      }
    }
    return false;
  }

  private ShardId shardOf(RaftGroupId gid) {
    ShardId shard = shardsByGroup.get(gid);
    if (shard == null) {
      throw new IllegalStateException("raft group " + gid + " on " + self + " belongs to no known shard replica");
    }
    return shard;
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuiverException(ErrorCode.UNAVAILABLE, what + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, what + " failed: " + e, e);
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private static boolean isClosed(RaftServer.Division d) {
    return d.getInfo().getLifeCycleState().isClosingOrClosed() || d.getInfo().getLifeCycleState() == LifeCycle.State.EXCEPTION;
  }

  /**
   * Brings each division's Ratis role in line with its group's configuration (every
   * {@link #ROLE_CHECK}, on its own thread):
   *
   * <ul>
   *   <li>a learner that the group has made a voter — in a committed, stable configuration — but
   *       whose division still runs as a listener is restarted, and so starts as a follower that
   *       votes and can lead (Ratis 3.2 changes a listener's role only at start);
   *   <li>a learner (a listener in its own configuration) whose division Ratis closed (an error in
   *       its log or state machine) is started again from its log and rows, at most every
   *       {@link #REVIVE_INTERVAL}, so that a move waiting for it can finish. Any other closed
   *       division is left alone: Ratis closes a voter that has left the group (it stands for
   *       election and is told to shut down), and the coordinator deletes that replica.
   * </ul>
   */
  private void keepRoles() {
    try {
      synchronized (divisionChanges) {
        for (RaftGroup pending : List.copyOf(restartPending.values())) {
          start(pending);
        }
      }
      keepRolesOfHosted();
    } catch (RuntimeException e) {
      // never let the exception end the schedule
      log.warn("checking the roles of the replicas on {} failed: {}", self, e.toString());
    }
  }

  private void keepRolesOfHosted() {
    for (RaftGroupId gid : server.getGroupIds()) {
      ShardId shard = shardsByGroup.get(gid);
      RaftServer.Division d = shard == null ? null : divisionOrNull(gid);
      if (d == null) {
        continue;
      }
      try {
        LifeCycle.State state = d.getInfo().getLifeCycleState();
        if (state == LifeCycle.State.RUNNING && d.getInfo().isListener() && votesInCommittedConfiguration(d)) {
          restart(shard, d, "the group made it a voter; its division ran as a listener");
        } else if ((state == LifeCycle.State.CLOSED || state == LifeCycle.State.EXCEPTION)
            && isIn(d, RaftPeerRole.LISTENER) && revivable(gid)) {
          restart(shard, d, "Ratis closed the division of this learner");
        }
      } catch (RuntimeException e) {
        log.warn("checking the role of the replica of shard {} on {} failed: {}", shard, self, e.toString());
      }
    }
  }

  private boolean votesInCommittedConfiguration(RaftServer.Division d) {
    var conf = d.getRaftConf();
    return isIn(d, RaftPeerRole.FOLLOWER) && conf.getPreviousPeers(RaftPeerRole.FOLLOWER).isEmpty()
        && d.getRaftLog().getLastCommittedIndex() >= conf.getLogEntryIndex();
  }

  /** Whether the division's own configuration names this node in {@code role} (FOLLOWER: a voter). */
  private boolean isIn(RaftServer.Division d, RaftPeerRole role) {
    return d.getRaftConf().getCurrentPeers(role).stream().anyMatch(p -> p.getId().equals(self));
  }

  private boolean revivable(RaftGroupId gid) {
    Long last = revivedAt.get(gid);
    return last == null || System.nanoTime() - last >= REVIVE_INTERVAL.toNanos();
  }

  /**
   * Stops the division and starts it again from its directory (its log, its configuration) and
   * its rows, which both stay: what a restart of the node does, for one replica.
   */
  private void restart(ShardId shard, RaftServer.Division d, String why) {
    RaftGroupId gid = d.getMemberId().getGroupId();
    synchronized (divisionChanges) {
      if (divisionOrNull(gid) != d || !shardsByGroup.containsKey(gid)) {
        return; // removed or restarted meanwhile
      }
      var conf = d.getRaftConf();
      List<RaftPeer> peers = new ArrayList<>();
      conf.getCurrentPeers(RaftPeerRole.FOLLOWER).forEach(p -> peers.add(withRole(p, RaftPeerRole.FOLLOWER)));
      conf.getCurrentPeers(RaftPeerRole.LISTENER).forEach(p -> peers.add(withRole(p, RaftPeerRole.LISTENER)));
      log.info("shard {}: restarting its replica on {} ({})", shard, self, why);
      if (isClosed(d)) {
        revivedAt.put(gid, System.nanoTime());
      }
      // Pending before the stop: a stop that outlasts the wait must still be followed by a start
      // (from the directory; ensureReplica would format a new one), never by nothing.
      RaftGroup group = RaftGroup.valueOf(gid, peers);
      restartPending.put(gid, group);
      RaftClientReply reply;
      try {
        reply = await(server.groupManagementAsync(GroupManagementRequest.newRemove(
            clientId, self, callIds.incrementAndGet(), gid, false, false)), "stop replica of shard " + shard);
      } catch (QuiverException e) {
        if (isHosted(gid)) {
          restartPending.remove(gid);
        }
        throw e;
      }
      if (!reply.isSuccess() && isHosted(gid)) {
        restartPending.remove(gid);
        log.warn("shard {}: stopping its replica for a restart failed: {}", shard, reply.getException());
        return;
      }
      start(group);
    }
  }

  /** Starts a division stopped by {@link #restart} from its directory; kept pending if that fails. */
  private void start(RaftGroup group) {
    RaftGroupId gid = group.getGroupId();
    try {
      RaftClientReply reply = await(server.groupManagementAsync(
          GroupManagementRequest.newAdd(clientId, self, callIds.incrementAndGet(), group, false)),
          "restart replica of shard " + shardsByGroup.get(gid));
      if (reply.isSuccess() || isHosted(gid)) {
        restartPending.remove(gid);
        RaftServer.Division d = divisionOrNull(gid);
        log.info("shard {}: replica on {} restarted as {}", shardsByGroup.get(gid), self,
            d == null ? "?" : d.getInfo().getCurrentRole());
        return;
      }
      log.warn("shard {}: restarting its replica failed, retrying: {}", shardsByGroup.get(gid), reply.getException());
    } catch (QuiverException e) {
      log.warn("shard {}: restarting its replica failed, retrying: {}", shardsByGroup.get(gid), e.getMessage());
    }
  }

  private static RaftPeer withRole(RaftPeer p, RaftPeerRole role) {
    return RaftPeer.newBuilder().setId(p.getId()).setAddress(p.getAddress()).setStartupRole(role).build();
  }

  private RaftServer.Division divisionOrNull(RaftGroupId gid) {
    try {
      return isHosted(gid) ? server.getDivision(gid) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void watchClose() {
    try {
      while (server.getLifeCycleState() != LifeCycle.State.CLOSED
          && server.getLifeCycleState() != LifeCycle.State.EXCEPTION) {
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed.complete(null);
  }

  /** Closes the Raft server (every replica) and the store. */
  @Override
  public void close() {
    roleKeeper.shutdownNow();
    try {
      server.close();
    } catch (IOException e) {
      log.warn("closing raft server {} failed", self, e);
    }
    closeWatcher.interrupt();
    closed.complete(null);
    budget.close();
    store.close();
  }

  /** The node's memory and disk use against its budgets (for status). */
  public ResourceBudget resources() {
    return budget;
  }
}
