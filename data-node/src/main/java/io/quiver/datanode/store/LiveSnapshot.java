package io.quiver.datanode.store;

import io.quiver.common.model.PointId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A shard replica's live points as of one applied index: a RocksDB snapshot of its column family,
 * with {@code lastApplied} read from the same snapshot. The apply thread writes a log entry's rows
 * and {@code lastApplied} in one batch, so the points seen here are exactly those of
 * {@link #appliedIndex()}, whatever is applied meanwhile. Close it, on the thread that opened it,
 * to release the snapshot (RocksDB keeps the versions it pins until then) and the replica's store:
 * while it is open, dropping the replica or stopping the node waits for it; {@link #forEach} sees
 * such a wait at the next point and ends the export with a {@link StoreException}, so the wait
 * lasts one point (or one blocked send to a slow reader). One reader at a time.
 */
public final class LiveSnapshot implements AutoCloseable {
  private final ShardStore store;
  /** Held from open to close: a drop or a node stop waits for the export instead of crashing it. */
  private final UseGuard.Use use;
  private final Snapshot snapshot;
  private final ReadOptions options;
  private final long appliedIndex;

  LiveSnapshot(ShardStore store) {
    this.store = store;
    this.use = store.enter();
    this.snapshot = store.db().getSnapshot();
    // A whole-shard scan would only push hot blocks out of the shared cache.
    this.options = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
    try {
      byte[] applied = store.db().get(store.handle(), options, ShardStore.APPLIED_KEY);
      this.appliedIndex = applied == null ? 0 : ByteBuffer.wrap(applied).getLong(Long.BYTES);
    } catch (RocksDBException e) {
      close();
      throw new StoreException("shard " + store.shard() + ": reading the applied index of a snapshot failed", e);
    }
  }

  /** The log index of the last entry the snapshot holds. */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** Every live point in id order; an exception from {@code consumer} ends the scan and propagates. */
  public void forEach(Consumer<StoredPoint> consumer) {
    try (RocksIterator it = store.db().newIterator(store.handle(), options)) {
      for (it.seek(new byte[] {ShardStore.POINT}); it.isValid() && it.key()[0] == ShardStore.POINT; it.next()) {
        if (store.closing()) {
          throw new StoreException("shard " + store.shard()
              + ": the export stopped because the replica is being dropped or its node is stopping", null);
        }
        byte[] k = it.key();
        consumer.accept(ShardStore.decodeRow(PointId.fromKey(Arrays.copyOfRange(k, 1, k.length)), it.value()));
      }
      it.status(); // an iterator that stopped on an error must not pass for the end of the rows
    } catch (RocksDBException e) {
      throw new StoreException("shard " + store.shard() + ": scanning a snapshot failed", e);
    }
  }

  @Override
  public void close() {
    try {
      options.close();
      store.db().releaseSnapshot(snapshot);
    } finally {
      use.close();
    }
  }
}
