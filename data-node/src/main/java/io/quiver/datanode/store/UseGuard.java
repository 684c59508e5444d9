package io.quiver.datanode.store;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps a RocksDB handle (a database or a column family) open while anyone uses it. RocksDB's
 * Java handles are not safe after close: a read or snapshot release on a closed handle crashes
 * the whole process (seen: a Raft snapshot of a shard exporting while its collection was dropped
 * ended the JVM with SIGSEGV in {@code releaseSnapshot}). Every use holds the guard shared;
 * {@link #close} waits for them and refuses every later use with a {@link StoreException}.
 */
final class UseGuard {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String what;
  private boolean closed; // under lock's write lock; read under its read lock
  /** Set as soon as a {@link #close} starts waiting, so that long uses can end early. */
  private volatile boolean closing;

  /** A use in progress; closing it lets a waiting {@link UseGuard#close} go on. */
  interface Use extends AutoCloseable {
    @Override
    void close();
  }

  UseGuard(String what) {
    this.what = what;
  }

  /** Starts a use; fails when the handle was closed. Reentrant, so a use may call other uses. */
  Use enter() {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      throw new StoreException(what + " is closed (its replica was dropped or its node is stopping)", null);
    }
    return lock.readLock()::unlock;
  }

  /**
   * Whether a {@link #close} is waiting or done: a long use (an export streaming a whole shard)
   * checks it and stops, so that dropping a replica or stopping a node does not wait for it.
   */
  boolean closing() {
    return closing;
  }

  /** Waits until no use is in progress, then refuses new ones. Must not be called during a use. */
  void close() {
    closing = true;
    lock.writeLock().lock();
    try {
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
