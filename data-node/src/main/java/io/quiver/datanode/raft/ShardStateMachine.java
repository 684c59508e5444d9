package io.quiver.datanode.raft;

import io.micrometer.core.instrument.Counter;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import io.quiver.datanode.store.ApplyResult;
import io.quiver.datanode.store.NodeStore;
import io.quiver.datanode.store.ShardExport;
import io.quiver.datanode.store.ShardStore;
import io.quiver.datanode.store.StoreException;
import io.quiver.datanode.store.ValueCodec;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.storage.FileInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one shard replica: applies committed entries, in log order, to the
 * replica's RocksDB column family, tells the {@link ShardApplyListener}, then advances the
 * applied index reads wait on. Snapshots are the column family exported to one file (Ratis's
 * {@link SimpleStateMachineStorage} layout), so Ratis can purge the log and send them to a
 * replica that is new or too far behind.
 *
 * <p>Ratis calls {@code applyTransaction}, {@code takeSnapshot} and {@code reinitialize} from the
 * replica's one updater thread; apply is synchronous, so a snapshot always sees a whole entry.
 * {@code readable} and the waiters are shared with reader threads: the waiters map is guarded by
 * itself.
 */
final class ShardStateMachine extends BaseStateMachine {
  private static final Logger log = LoggerFactory.getLogger(ShardStateMachine.class);

  private final ShardId shard;
  private final NodeStore nodeStore;
  private final ShardApplyListener listener;
  private final Counter installCounter;
  /** Whether this division is a shard recovered alone, whose log must start after the kept rows. */
  private final boolean seedFromStore;
  private final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
  private final AtomicLong readable = new AtomicLong();
  private final AtomicInteger installs = new AtomicInteger();
  private final AtomicLong lastStampMillis = new AtomicLong();
  /** Sessions waiting for an applied index; guarded by itself. */
  private final TreeMap<Long, List<CompletableFuture<Long>>> waiters = new TreeMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile ShardStore store;

  /**
   * {@code installCounter} counts snapshots installed from a leader, for every replica of the node.
   * {@code seedFromStore} is set only for a group recreated over kept rows (see {@link #seedSnapshot}).
   */
  ShardStateMachine(ShardId shard, NodeStore nodeStore, ShardApplyListener listener, Counter installCounter,
      boolean seedFromStore) {
    this.shard = shard;
    this.nodeStore = nodeStore;
    this.listener = listener;
    this.installCounter = installCounter;
    this.seedFromStore = seedFromStore;
  }

  ShardId shard() {
    return shard;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      snapshots.init(raftStorage);
      store = nodeStore.openShard(shard);
      if (seedFromStore) {
        seedSnapshot();
      }
      SingleFileSnapshotInfo snapshot = snapshots.getLatestSnapshot();
      boolean loaded = loadSnapshotIfAhead(snapshot);
      listener.onReset(shard, store);
      advanceReadable(store.appliedIndex());
      if (loaded) {
        updateLastAppliedTermIndex(snapshot.getTerm(), snapshot.getIndex());
      }
      log.debug("shard {} opened at applied index {}", shard, store.appliedIndex());
    });
  }

  /**
   * A group recreated over kept rows ({@code ShardGroups.recoverAlone}) has a new, empty log whose
   * indexes would start at 0, below the rows' applied index: {@link #applyTransaction} would take
   * every new entry up to there for a replay and skip it. Ratis 3.2 opens the log after this
   * initialize, starting it after {@link #getLatestSnapshot()} (ServerState.initialize), so a
   * snapshot of the rows written here makes the log start at appliedIndex + 1; the same file
   * installs the rows on every replica that joins later.
   *
   * <p>The snapshot's term is 0, not the rows' term: the new group counts terms from 1 again, and
   * a snapshot at an old, higher term would rank a replica holding only it above candidates with
   * newer entries (Raft compares the last term first), and Ratis refuses entries whose term is
   * below the log's last.
   */
  private void seedSnapshot() throws IOException {
    long index = store.appliedIndex();
    SingleFileSnapshotInfo latest = snapshots.getLatestSnapshot();
    if (index <= 0 || (latest != null && latest.getIndex() >= index)) {
      return;
    }
    writeSnapshot(store, 0, index);
    updateLastAppliedTermIndex(0, index);
    log.info("shard {}: recreated group starts after a snapshot of the kept rows at index {}", shard, index);
  }

  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** Called after a snapshot from the leader was installed into the state machine directory. */
  @Override
  public void reinitialize() throws IOException {
    SingleFileSnapshotInfo snapshot = snapshots.loadLatestSnapshot();
    boolean loaded = loadSnapshotIfAhead(snapshot);
    listener.onReset(shard, store);
    advanceReadable(store.appliedIndex());
    if (loaded) {
      updateLastAppliedTermIndex(snapshot.getTerm(), snapshot.getIndex());
      installs.incrementAndGet();
      installCounter.increment();
      log.info("shard {} installed snapshot at index {}", shard, snapshot.getIndex());
    }
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  /**
   * Replaces the rows with the snapshot's when it is ahead of them (a new or lagging replica, or
   * lost writes). The caller publishes the snapshot's index as applied once the index has been
   * reset to the new rows (see {@link #applyTransaction}).
   */
  private boolean loadSnapshotIfAhead(SingleFileSnapshotInfo snapshot) {
    if (snapshot == null || snapshot.getIndex() <= store.appliedIndex()) {
      return false;
    }
    ShardExport.importInto(store, snapshot.getFile().getPath());
    if (store.appliedIndex() != snapshot.getIndex()) {
      throw new IllegalStateException("shard " + shard + ": snapshot " + snapshot.getFile().getPath()
          + " holds applied index " + store.appliedIndex() + ", not " + snapshot.getIndex());
    }
    return true;
  }

  /** Checks the entry at the leader and stamps the leader's clock into it, before it is appended. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    byte[] data = request.getMessage().getContent().toByteArray();
    // Refuse malformed bytes before they reach the log (every replica would fail to apply them);
    // the content hash is left to apply, which needs it, instead of being computed twice here.
    ShardEntry.check(data);
    long now = lastStampMillis.accumulateAndGet(System.currentTimeMillis(), Math::max);
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(ByteString.copyFrom(ShardEntry.stamp(data, now)))
        .build();
  }

  /**
   * Applies one entry: its rows into RocksDB, its changes into the index, then the applied index.
   * The order matters: Ratis 3.2 serves a linearizable read as soon as
   * {@link #getLastAppliedTermIndex()} reaches the read index (ReadRequests.waitToAdvance reads it
   * from another thread, before the updater finishes the entry), so it moves last, once a search
   * of the index sees the entry. Moved first, a follower's STRONG read could run between the two
   * and miss a write acknowledged before it started.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    if (index <= store.appliedIndex()) {
      // Replayed after a restart: RocksDB holds this entry's rows already (store.apply would
      // change nothing), so skip decoding and hashing the whole batch again.
      advanceReadable(index);
      updateLastAppliedTermIndex(entry.getTerm(), index);
      return CompletableFuture.completedFuture(
          Message.valueOf(ByteString.copyFrom(encodeResult(ApplyResult.applied(index, 0)))));
    }
    ShardEntry e = ShardEntry.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
    String requestId = TestFaults.NO_DEDUP ? e.requestId() + "#" + index : e.requestId();
    var applied = store.apply(entry.getTerm(), index, e.leaderMillis(), requestId, e.contentHash(),
        TestFaults.CORRUPT_APPLY ? corrupted(e.op()) : e.op());
    ApplyResult result = applied.map(ShardStore.Applied::result).orElse(ApplyResult.applied(index, 0));
    applied.map(ShardStore.Applied::change).filter(c -> !c.isEmpty()).ifPresent(this::notifyListener);
    advanceReadable(index);
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(encodeResult(result))));
  }

  private void notifyListener(AppliedChange change) {
    try {
      listener.onApplied(shard, change);
    } catch (RuntimeException ex) {
      // The store has the change; the listener lost it. Rebuilding keeps the index honest.
      log.error("shard {}: apply listener failed at index {}; rebuilding it from the store", shard,
          change.logIndex(), ex);
      listener.onReset(shard, store);
    }
  }

  /** The {@code corrupt-apply} test fault: every upserted point's payload gains a field only this replica has. */
  private static io.quiver.datanode.store.ShardOp corrupted(io.quiver.datanode.store.ShardOp op) {
    if (!(op instanceof io.quiver.datanode.store.ShardOp.Upsert u)) {
      return op;
    }
    List<io.quiver.common.model.Point> points = new ArrayList<>();
    for (io.quiver.common.model.Point p : u.points()) {
      Map<String, Object> payload = new java.util.HashMap<>(p.payload() == null ? Map.of() : p.payload());
      payload.put("corrupted", true);
      points.add(new io.quiver.common.model.Point(p.id(), p.vector(), payload, p.text()));
    }
    return new io.quiver.datanode.store.ShardOp.Upsert(points);
  }

  /** Configuration and leader-change entries count for the read index too, though they change no row. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    advanceReadable(index);
    super.notifyTermIndexUpdated(term, index);
  }

  /** A read barrier answers with the applied index; Ratis calls it once the read index is applied here. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(new ValueCodec.Out(8).i64(readable.get()).toByteArray())));
  }

  @Override
  public long takeSnapshot() throws IOException {
    ShardStore s = store;
    long term = s.appliedTerm();
    long index = s.appliedIndex();
    if (index <= 0) {
      return -1;
    }
    SingleFileSnapshotInfo latest = snapshots.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= index) {
      return latest.getIndex();
    }
    try {
      writeSnapshot(s, term, index);
    } catch (StoreException e) {
      if (!s.closing()) {
        throw e;
      }
      // The replica was dropped (or its node is stopping) while Ratis was still winding its
      // division down. Throwing here would make Ratis's updater retry the snapshot in a loop
      // that never lets the division close; there is nothing left to snapshot.
      log.info("shard {}: no snapshot at {}:{}, the replica's store is closed", shard, term, index);
      return latest == null ? -1 : latest.getIndex();
    }
    log.debug("shard {} snapshot at {}:{}", shard, term, index);
    return index;
  }

  /** Exports the rows as the snapshot at {@code term:index}, with Ratis's MD5 file, and makes it the latest. */
  private void writeSnapshot(ShardStore s, long term, long index) throws IOException {
    // The log behind this index may be purged next, so the rows it made must be durable first.
    nodeStore.syncWal();
    File file = snapshots.getSnapshotFile(term, index);
    java.nio.file.Files.createDirectories(file.toPath().getParent());
    ShardExport.export(s, file.toPath());
    // Ratis's computeMd5ForFile feeds a mapped buffer through MessageDigest's slow ByteBuffer
    // path; a stream of byte arrays takes the intrinsic one. This runs on the apply thread.
    MD5Hash md5;
    try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file.toPath()), 1 << 16)) {
      md5 = MD5Hash.digest(in);
    }
    MD5FileUtil.saveMD5File(file, md5);
    snapshots.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), term, index));
  }

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return snapshots.getLatestSnapshot();
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /** Completes once Ratis has closed this state machine: its updater thread applies and snapshots no more. */
  CompletableFuture<Void> whenClosed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    closed.complete(null);
    super.close();
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    synchronized (waiters) {
      waiters.values().forEach(pending::addAll);
      waiters.clear();
    }
    pending.forEach(f -> f.completeExceptionally(
        new QuiverException(ErrorCode.SHARD_NOT_HOSTED, "shard " + shard + " replica closed")));
  }

  long readableIndex() {
    return readable.get();
  }

  int snapshotInstalls() {
    return installs.get();
  }

  ShardStore store() {
    return store;
  }

  /** Completes once this replica has applied {@code minIndex}; fails with BEHIND after {@code timeout}. */
  CompletableFuture<Long> awaitApplied(long minIndex, Duration timeout) {
    long now = readable.get();
    if (now >= minIndex) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    synchronized (waiters) {
      waiters.computeIfAbsent(minIndex, k -> new ArrayList<>()).add(f);
    }
    advanceReadable(readable.get()); // in case it moved while we registered
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(ex -> {
      synchronized (waiters) {
        List<CompletableFuture<Long>> list = waiters.get(minIndex);
        if (list != null && list.remove(f) && list.isEmpty()) {
          waiters.remove(minIndex);
        }
      }
      if (ex instanceof TimeoutException) {
        return CompletableFuture.failedFuture(new QuiverException(ErrorCode.BEHIND, "shard " + shard
            + " replica has applied " + readable.get() + ", below the session's " + minIndex));
      }
      return CompletableFuture.failedFuture(ex);
    });
  }

  private void advanceReadable(long index) {
    long now = readable.accumulateAndGet(index, Math::max);
    List<CompletableFuture<Long>> ready = new ArrayList<>();
    synchronized (waiters) {
      Map<Long, List<CompletableFuture<Long>>> head = waiters.headMap(now, true);
      head.values().forEach(ready::addAll);
      head.clear();
    }
    ready.forEach(f -> f.complete(now));
  }

  private static byte[] encodeResult(ApplyResult r) {
    return new ValueCodec.Out(32).i64(r.logIndex()).i32(r.affected()).u8(r.duplicate() ? 1 : 0).str(r.refusal())
        .toByteArray();
  }

  static ApplyResult decodeResult(byte[] b) {
    ValueCodec.In in = new ValueCodec.In(b);
    return new ApplyResult(in.i64(), in.i32(), in.u8() == 1, in.str());
  }
}
