package io.quiver.datanode.store;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardId;
import io.quiver.index.filter.PayloadMatcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One shard replica's rows in its own column family. Keys start with a one-letter kind:
 * {@code P}+id: the live point (log index of its last write, vector, payload, text);
 * {@code T}+id: a tombstone (the deleting entry's index); {@code R}+request id: an applied
 * request (leader time, content hash, result); {@code E}+time+request id: the expiry order of
 * those; {@code M}: {@code lastApplied} and the leader clock.
 *
 * <p>{@link #apply} writes everything one log entry changes, {@code lastApplied} included, in one
 * {@link WriteBatch}. It runs on the replica's single apply thread (Ratis's state-machine updater);
 * the cached {@code lastApplied} and clock are written only there and read anywhere (volatile).
 * Reads go straight to RocksDB, which is safe beside the writer.
 */
public final class ShardStore {
  static final byte POINT = 'P';
  static final byte TOMBSTONE = 'T';
  static final byte REQUEST = 'R';
  static final byte EXPIRY = 'E';
  static final byte META = 'M';
  static final byte[] APPLIED_KEY = "Mapplied".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOCK_KEY = "Mclock".getBytes(StandardCharsets.US_ASCII);

  private final ShardId shard;
  private final RocksDB db;
  private final ColumnFamilyHandle cf;
  private final long requestTtlMillis;
  private final WriteOptions writeOptions;
  private volatile long appliedTerm;
  private volatile long appliedIndex;
  private volatile long clockMillis;
  private final UseGuard guard;

  /** The outcome of {@link #apply}: what to answer and what the index must replay. */
  public record Applied(ApplyResult result, AppliedChange change) {}

  /** A remembered request: the leader's time when it was applied, its content hash, its result. */
  public record RequestRecord(long leaderMillis, byte[] contentHash, ApplyResult result) {}

  ShardStore(ShardId shard, RocksDB db, ColumnFamilyHandle cf, Duration requestTtl, WriteOptions writeOptions) {
    this.shard = shard;
    this.db = db;
    this.cf = cf;
    this.requestTtlMillis = requestTtl.toMillis();
    this.writeOptions = writeOptions;
    this.guard = new UseGuard("the store of shard " + shard);
    reloadMeta();
  }

  public ShardId shard() {
    return shard;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public long appliedTerm() {
    return appliedTerm;
  }

  /**
   * Applies one committed log entry. An index at or below {@code lastApplied} is a replay of
   * an entry already in the store and returns empty. A request id applied before (and not yet
   * expired by the leader clock) is answered with its stored result and changes nothing; with
   * different content it is refused. Every replica computes the same from the same entry.
   */
  public Optional<Applied> apply(long term, long index, long leaderMillis, String requestId, byte[] contentHash,
      ShardOp op) {
    if (index <= appliedIndex) {
      return Optional.empty();
    }
    long clock = Math.max(clockMillis, leaderMillis);
    try (UseGuard.Use use = guard.enter(); WriteBatch batch = new WriteBatch()) {
      expireRequests(batch, clock - requestTtlMillis);
      Applied applied;
      RequestRecord previous = requestId.isEmpty() ? null : request(requestId).orElse(null);
      if (previous != null && previous.leaderMillis() >= clock - requestTtlMillis) {
        ApplyResult r = Arrays.equals(previous.contentHash(), contentHash)
            ? new ApplyResult(previous.result().logIndex(), previous.result().affected(), true, null)
            : new ApplyResult(index, 0, false,
                "request id '" + requestId + "' was used before for different content (applied at log index "
                    + previous.result().logIndex() + ")");
        applied = new Applied(r, AppliedChange.none(index));
      } else {
        AppliedChange change = switch (op) {
          case ShardOp.Upsert u -> upsert(batch, index, u.points());
          case ShardOp.Delete d -> delete(batch, index, d.ids());
          case ShardOp.DeleteByFilter f -> delete(batch, index, matching(f));
          case ShardOp.PurgeTombstones p -> AppliedChange.none(index);
        };
        int affected = op instanceof ShardOp.PurgeTombstones p ? purgeTombstones(batch, p.upTo())
            : change.upserted().size() + change.deleted().size();
        ApplyResult r = ApplyResult.applied(index, affected);
        if (!requestId.isEmpty()) {
          putRequest(batch, requestId, leaderMillis, contentHash, r);
        }
        applied = new Applied(r, change);
      }
      batch.put(cf, APPLIED_KEY, new ValueCodec.Out(16).i64(term).i64(index).toByteArray());
      batch.put(cf, CLOCK_KEY, new ValueCodec.Out(8).i64(clock).toByteArray());
      db.write(writeOptions, batch);
      appliedTerm = term;
      appliedIndex = index;
      clockMillis = clock;
      return Optional.of(applied);
    } catch (RocksDBException e) {
      throw new StoreException("shard " + shard + ": applying log index " + index + " failed", e);
    }
  }

  private AppliedChange upsert(WriteBatch batch, long index, List<Point> points) throws RocksDBException {
    for (Point p : points) {
      byte[] id = p.id().toKey();
      batch.put(cf, key(POINT, id), encodeRow(p, index));
      batch.delete(cf, key(TOMBSTONE, id));
    }
    return new AppliedChange(index, points, List.of());
  }

  private AppliedChange delete(WriteBatch batch, long index, List<PointId> ids) throws RocksDBException {
    List<PointId> deleted = new ArrayList<>();
    Set<PointId> seen = new HashSet<>();
    byte[] tombstone = new ValueCodec.Out(8).i64(index).toByteArray();
    for (PointId id : ids) {
      byte[] k = key(POINT, id.toKey());
      if (seen.add(id) && db.get(cf, k) != null) {
        batch.delete(cf, k);
        batch.put(cf, key(TOMBSTONE, id.toKey()), tombstone);
        deleted.add(id);
      }
    }
    return new AppliedChange(index, List.of(), deleted);
  }

  private List<PointId> matching(ShardOp.DeleteByFilter f) {
    List<PointId> ids = new ArrayList<>();
    forEachLive(sp -> {
      if (PayloadMatcher.matches(f.filter(), sp.point().id(), sp.point().payload())) {
        ids.add(sp.point().id());
      }
    });
    return ids;
  }

  private int purgeTombstones(WriteBatch batch, long upTo) throws RocksDBException {
    List<byte[]> keys = tombstoneKeys(upTo);
    for (byte[] k : keys) {
      batch.delete(cf, k);
    }
    return keys.size();
  }

  private void expireRequests(WriteBatch batch, long cutoffMillis) throws RocksDBException {
    if (cutoffMillis <= 0) {
      return; // expiry keys sort as unsigned numbers: a negative cutoff would match them all
    }
    byte[] end = new ValueCodec.Out(9).u8(EXPIRY).i64(cutoffMillis).toByteArray();
    try (RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {EXPIRY}); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k[0] != EXPIRY || Arrays.compareUnsigned(k, end) >= 0) {
          break;
        }
        batch.delete(cf, k);
        batch.delete(cf, key(REQUEST, Arrays.copyOfRange(k, 9, k.length)));
      }
    }
  }

  private void putRequest(WriteBatch batch, String requestId, long leaderMillis, byte[] hash, ApplyResult r)
      throws RocksDBException {
    byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
    byte[] value = new ValueCodec.Out(64).i64(leaderMillis).i32(hash.length).raw(hash)
        .i64(r.logIndex()).i32(r.affected()).toByteArray();
    batch.put(cf, key(REQUEST, id), value);
    // Leader time must sort unsigned like a number: it is non-negative epoch millis.
    batch.put(cf, new ValueCodec.Out(9 + id.length).u8(EXPIRY).i64(leaderMillis).raw(id).toByteArray(), new byte[0]);
  }

  /** The stored record of a request id, if it was applied and has not expired. */
  public Optional<RequestRecord> request(String requestId) {
    byte[] v = get(key(REQUEST, requestId.getBytes(StandardCharsets.UTF_8)));
    if (v == null) {
      return Optional.empty();
    }
    ValueCodec.In in = new ValueCodec.In(v);
    long millis = in.i64();
    byte[] hash = in.raw(in.i32());
    return Optional.of(new RequestRecord(millis, hash, ApplyResult.applied(in.i64(), in.i32())));
  }

  public Optional<StoredPoint> get(PointId id) {
    byte[] v = get(key(POINT, id.toKey()));
    return v == null ? Optional.empty() : Optional.of(decodeRow(id, v));
  }

  /** The log index of the delete that left a tombstone for this id, if one is kept. */
  public Optional<Long> tombstone(PointId id) {
    byte[] v = get(key(TOMBSTONE, id.toKey()));
    return v == null ? Optional.empty() : Optional.of(new ValueCodec.In(v).i64());
  }

  /** How many tombstones this replica keeps of deletes at log index {@code upTo} or below. */
  public long countTombstones(long upTo) {
    return tombstoneKeys(upTo).size();
  }

  private List<byte[]> tombstoneKeys(long upTo) {
    List<byte[]> keys = new ArrayList<>();
    try (UseGuard.Use use = guard.enter(); RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {TOMBSTONE}); it.isValid() && it.key()[0] == TOMBSTONE; it.next()) {
        if (new ValueCodec.In(it.value()).i64() <= upTo) {
          keys.add(it.key());
        }
      }
    }
    return keys;
  }

  /** Every live point in id order, e.g. to rebuild a search index at start. */
  public void forEachLive(Consumer<StoredPoint> consumer) {
    try (UseGuard.Use use = guard.enter(); RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {POINT}); it.isValid() && it.key()[0] == POINT; it.next()) {
        byte[] k = it.key();
        consumer.accept(decodeRow(PointId.fromKey(Arrays.copyOfRange(k, 1, k.length)), it.value()));
      }
    }
  }

  /** Every live point's id and the log index that wrote it, in id order, without decoding the rest of the row. */
  public void forEachLiveIndex(java.util.function.ObjLongConsumer<PointId> consumer) {
    try (UseGuard.Use use = guard.enter(); RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {POINT}); it.isValid() && it.key()[0] == POINT; it.next()) {
        byte[] k = it.key();
        consumer.accept(PointId.fromKey(Arrays.copyOfRange(k, 1, k.length)), new ValueCodec.In(it.value()).i64());
      }
    }
  }

  public long countLive() {
    long[] n = {0};
    try (UseGuard.Use use = guard.enter(); RocksIterator it = db.newIterator(cf)) {
      for (it.seek(new byte[] {POINT}); it.isValid() && it.key()[0] == POINT; it.next()) {
        n[0]++;
      }
    }
    return n[0];
  }

  /** The live points as of one applied index, for an export; close it when done. */
  public LiveSnapshot liveSnapshot() {
    return new LiveSnapshot(this);
  }

  /** A digest of the live rows, read from one RocksDB snapshot. */
  public ShardDigest digest() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    long rows = 0;
    long index;
    try (UseGuard.Use use = guard.enter()) {
      var snapshot = db.getSnapshot();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(cf, ro)) {
        byte[] applied = db.get(cf, ro, APPLIED_KEY);
        index = applied == null ? 0 : ByteBuffer.wrap(applied).getLong(Long.BYTES);
        for (it.seek(new byte[] {POINT}); it.isValid() && it.key()[0] == POINT; it.next()) {
          byte[] k = it.key();
          byte[] v = it.value();
          sha.update(ByteBuffer.allocate(8).putInt(k.length).putInt(v.length).array());
          sha.update(k);
          sha.update(v);
          rows++;
        }
      } catch (RocksDBException e) {
        throw new StoreException("shard " + shard + ": digest failed", e);
      } finally {
        db.releaseSnapshot(snapshot);
      }
    }
    return new ShardDigest(rows, index, HexFormat.of().formatHex(sha.digest()));
  }

  /** Reloads the cached {@code lastApplied} and clock, after an import replaced the rows. */
  void reloadMeta() {
    byte[] applied = get(APPLIED_KEY);
    if (applied == null) {
      appliedTerm = 0;
      appliedIndex = 0;
    } else {
      ValueCodec.In in = new ValueCodec.In(applied);
      appliedTerm = in.i64();
      appliedIndex = in.i64();
    }
    byte[] clock = get(CLOCK_KEY);
    clockMillis = clock == null ? 0 : new ValueCodec.In(clock).i64();
  }

  /** Test hook: writes a raw row, bypassing the log. Only tests that check the checks use it. */
  void putRaw(byte[] key, byte[] value) {
    try (UseGuard.Use use = guard.enter()) {
      db.put(cf, writeOptions, key, value);
    } catch (RocksDBException e) {
      throw new StoreException("shard " + shard + ": raw put failed", e);
    }
  }

  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle handle() {
    return cf;
  }

  /** Holds the column family open for a use outside this class (an export or import). */
  UseGuard.Use enter() {
    return guard.enter();
  }

  /** Waits for the uses in progress, then refuses any later one: before the handle is closed. */
  void closeForUse() {
    guard.close();
  }

  /** Whether the replica is being dropped or its node stopped: long uses should end. */
  public boolean closing() {
    return guard.closing();
  }

  WriteOptions writeOptions() {
    return writeOptions;
  }

  private byte[] get(byte[] key) {
    try (UseGuard.Use use = guard.enter()) {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StoreException("shard " + shard + ": read failed", e);
    }
  }

  static byte[] key(byte kind, byte[] id) {
    byte[] k = new byte[id.length + 1];
    k[0] = kind;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  static byte[] encodeRow(Point p, long index) {
    return new ValueCodec.Out(32 + p.vector().length * 4)
        .i64(index).floats(p.vector()).value(p.payload()).str(p.text()).toByteArray();
  }

  static StoredPoint decodeRow(PointId id, byte[] row) {
    ValueCodec.In in = new ValueCodec.In(row);
    long index = in.i64();
    float[] vector = in.floats();
    var payload = in.payload();
    String text = in.str();
    return new StoredPoint(new Point(id, vector, payload, text), index);
  }
}
