package io.quiver.datanode.store;

/** RocksDB or snapshot-file I/O failed; the replica's state can no longer be trusted to advance. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
