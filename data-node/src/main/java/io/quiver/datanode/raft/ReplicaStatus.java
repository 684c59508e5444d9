package io.quiver.datanode.raft;

import io.quiver.common.shard.ShardId;

/**
 * A local replica as status and describe show it.
 *
 * @param role LEADER, FOLLOWER, CANDIDATE, LISTENER, or {@link #CLOSED} when Ratis has closed the
 *     division (the node starts a closed learner again; see ShardGroups)
 * @param leaderPeerId the leader this replica knows, or null
 * @param appliedIndex the applied index reads see
 * @param logStartIndex the first index still in the local log (above 1 once purged behind a snapshot)
 * @param snapshotInstalls snapshots installed from a leader since this process started
 */
public record ReplicaStatus(ShardId shard, String role, String leaderPeerId, long term, long appliedIndex,
    long commitIndex, long logStartIndex, int snapshotInstalls) {
  /** The role of a division that Ratis has closed: no term, commit or log index is known. */
  public static final String CLOSED = "CLOSED";
}
