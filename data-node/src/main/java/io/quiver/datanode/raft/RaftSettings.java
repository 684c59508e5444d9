package io.quiver.datanode.raft;

import java.time.Duration;

/**
 * Per-replica Ratis sizing and timing, chosen for nodes with two cores and replicas in the tens
 * (see ARCHITECTURE.md, "Timeouts"). Keys (under {@code data-node.raft.}) are listed in {@link #KEYS}.
 *
 * @param electionTimeoutMin lower bound of the randomized election timeout
 * @param electionTimeoutMax upper bound of the randomized election timeout
 * @param requestTimeout Ratis server-to-server RPC timeout
 * @param maxEntryBytes largest shard batch (one log entry) accepted; bigger ones are refused
 * @param maxEntryPoints most points in one shard batch
 * @param segmentSizeBytes Raft log segment size (only closed segments are purged)
 * @param segmentCacheSegments log segments kept in memory per replica
 * @param pendingWriteBytes bytes of client writes a replica queues before refusing
 * @param snapshotThresholdEntries applied entries after which a snapshot is taken
 * @param purgeGapEntries purge the log behind a snapshot at most every this many entries
 */
public record RaftSettings(
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration requestTimeout,
    int maxEntryBytes,
    int maxEntryPoints,
    long segmentSizeBytes,
    int segmentCacheSegments,
    long pendingWriteBytes,
    long snapshotThresholdEntries,
    int purgeGapEntries) {

  public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
  public static final int DEFAULT_MAX_ENTRY_BYTES = 4 << 20;
  public static final int DEFAULT_MAX_ENTRY_POINTS = 10_000;
  public static final long DEFAULT_SEGMENT_SIZE_BYTES = 8L << 20;
  public static final int DEFAULT_SEGMENT_CACHE_SEGMENTS = 2;
  public static final long DEFAULT_PENDING_WRITE_BYTES = 8L << 20;
  public static final long DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES = 10_000;
  public static final int DEFAULT_PURGE_GAP_ENTRIES = 1_024;

  /** Config keys, in component order. */
  public static final String[] KEYS = {
    "data-node.raft.election-timeout-min",
    "data-node.raft.election-timeout-max",
    "data-node.raft.request-timeout",
    "data-node.raft.max-entry-bytes",
    "data-node.raft.max-entry-points",
    "data-node.raft.segment-size-bytes",
    "data-node.raft.segment-cache-segments",
    "data-node.raft.pending-write-bytes",
    "data-node.raft.snapshot-threshold-entries",
    "data-node.raft.purge-gap-entries",
  };

  public static final RaftSettings DEFAULTS = new RaftSettings(
      DEFAULT_ELECTION_TIMEOUT_MIN, DEFAULT_ELECTION_TIMEOUT_MAX, DEFAULT_REQUEST_TIMEOUT,
      DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_ENTRY_POINTS, DEFAULT_SEGMENT_SIZE_BYTES,
      DEFAULT_SEGMENT_CACHE_SEGMENTS, DEFAULT_PENDING_WRITE_BYTES, DEFAULT_SNAPSHOT_THRESHOLD_ENTRIES,
      DEFAULT_PURGE_GAP_ENTRIES);

  public RaftSettings {
    if (electionTimeoutMin == null || electionTimeoutMin.toMillis() < 100) {
      throw new IllegalArgumentException("data-node.raft.election-timeout-min must be >= 100ms but was " + electionTimeoutMin);
    }
    if (electionTimeoutMax == null || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
      throw new IllegalArgumentException("data-node.raft.election-timeout-max must be above the min "
          + electionTimeoutMin + " but was " + electionTimeoutMax);
    }
    if (requestTimeout == null || requestTimeout.toMillis() < 100) {
      throw new IllegalArgumentException("data-node.raft.request-timeout must be >= 100ms but was " + requestTimeout);
    }
    if (maxEntryBytes < 64 << 10 || maxEntryBytes > 64 << 20) {
      throw new IllegalArgumentException("data-node.raft.max-entry-bytes must be in 64KiB..64MiB but was " + maxEntryBytes);
    }
    if (maxEntryPoints < 1) {
      throw new IllegalArgumentException("data-node.raft.max-entry-points must be >= 1 but was " + maxEntryPoints);
    }
    if (segmentSizeBytes < maxEntryBytes) {
      throw new IllegalArgumentException("data-node.raft.segment-size-bytes must be >= max-entry-bytes "
          + maxEntryBytes + " but was " + segmentSizeBytes);
    }
    if (segmentCacheSegments < 2) {
      throw new IllegalArgumentException("data-node.raft.segment-cache-segments must be >= 2 but was " + segmentCacheSegments);
    }
    if (pendingWriteBytes < maxEntryBytes) {
      throw new IllegalArgumentException("data-node.raft.pending-write-bytes must be >= max-entry-bytes "
          + maxEntryBytes + " but was " + pendingWriteBytes);
    }
    if (snapshotThresholdEntries < 1) {
      throw new IllegalArgumentException(
          "data-node.raft.snapshot-threshold-entries must be >= 1 but was " + snapshotThresholdEntries);
    }
    if (purgeGapEntries < 1) {
      throw new IllegalArgumentException("data-node.raft.purge-gap-entries must be >= 1 but was " + purgeGapEntries);
    }
  }

  /** Ratis's own per-entry limit: our batch bound plus room for the entry header and request id. */
  int ratisEntryLimitBytes() {
    return maxEntryBytes + (64 << 10);
  }
}
