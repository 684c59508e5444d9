package io.quiver.datanode.store;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;

/** Lets tests in other packages plant damage a digest comparison must notice, or close a store. */
public final class StoreTestAccess {
  private StoreTestAccess() {}

  /** Writes a live row for {@code p} straight into RocksDB, as a corrupt replica would hold it. */
  public static void plantRow(ShardStore store, Point p, long logIndex) {
    store.putRaw(ShardStore.key(ShardStore.POINT, p.id().toKey()), ShardStore.encodeRow(p, logIndex));
  }

  /** Closes the replica's store for use, as a drop does before it deletes the column family. */
  public static void closeForUse(ShardStore store) {
    store.closeForUse();
  }

  public static PointId id(long n) {
    return PointId.of(n);
  }
}
