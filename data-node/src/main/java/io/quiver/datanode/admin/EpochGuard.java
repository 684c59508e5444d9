package io.quiver.datanode.admin;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The newest coordinator epoch this node has seen, kept in the data directory so a restart does
 * not forget it. A request from an older epoch comes from a deposed coordinator and is refused.
 * The node learns epochs from requests and from the leader record in ZooKeeper ({@link
 * #observe}), so it refuses a deposed coordinator even before the new one has called it.
 */
public final class EpochGuard {
  static final String FILE = "coordinator-epoch";

  private final Path file;
  // Guarded by this: the newest epoch admitted, always on disk before a request of it proceeds.
  private long newest;
  // Guarded by this: requests refused for a stale epoch since start.
  private long refused;

  public EpochGuard(Path dataDir) {
    this.file = dataDir.resolve(FILE);
    try {
      this.newest = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the newest coordinator epoch from " + file, e);
    }
  }

  /**
   * Admits a request of {@code epoch}, remembering it when it is the newest yet.
   *
   * @throws QuiverException STALE_EPOCH naming both epochs when {@code epoch} is older than the newest seen
   */
  public synchronized void admit(long epoch) {
    if (epoch < 1) {
      throw QuiverException.invalid("coordinator_epoch must be >= 1 but was " + epoch);
    }
    if (epoch < newest) {
      refused++;
      throw new QuiverException(ErrorCode.STALE_EPOCH, "coordinator epoch " + epoch
          + " is older than epoch " + newest + " this node has seen: the sender was deposed");
    }
    remember(epoch);
  }

  /** Remembers {@code epoch} (a leader record seen in ZooKeeper) if it is the newest yet; refuses nothing. */
  public synchronized void observe(long epoch) {
    if (epoch >= 1) {
      remember(epoch);
    }
  }

  private void remember(long epoch) {
    if (epoch > newest) {
      try {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, Long.toString(epoch), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot record coordinator epoch " + epoch + " in " + file, e);
      }
      newest = epoch;
    }
  }

  public synchronized long newest() {
    return newest;
  }

  /** Requests refused for a stale epoch since this node started. */
  public synchronized long refused() {
    return refused;
  }
}
