package io.quiver.datanode.store;

/**
 * A replica's live rows summarised: their number and a SHA-256 over every (id, row) in id order
 * (the row includes the log index of its last write). Equal digests mean equal live state;
 * tombstones and request ids are left out, since they expire.
 */
public record ShardDigest(long liveRows, long appliedIndex, String sha256) {
  /** Whether both replicas hold the same live rows, whatever index each has applied. */
  public boolean sameRows(ShardDigest other) {
    return liveRows == other.liveRows && sha256.equals(other.sha256);
  }
}
