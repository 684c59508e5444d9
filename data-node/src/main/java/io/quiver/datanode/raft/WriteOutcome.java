package io.quiver.datanode.raft;

import io.quiver.common.error.ErrorCode;

/**
 * A shard write's result (ARCHITECTURE.md, "Writes"): {@code APPLIED}; {@code FAILED} when it was
 * refused and nothing can change (before submission to Raft, or refused by Ratis before it was
 * appended, or a request id reused for other content); {@code UNKNOWN} for anything else after
 * submission — a later leader may still commit it, so retry with the same request id.
 *
 * @param logIndex for APPLIED, the index of the entry that applied it (the first one, for a repeat)
 * @param affected points upserted or deleted
 * @param duplicate whether the request id had been applied before and this answer is the stored one
 * @param code for FAILED and UNKNOWN, the error to report
 * @param leaderHint for NOT_LEADER, the leader this replica knows, else null
 */
public record WriteOutcome(Status status, long logIndex, int affected, boolean duplicate, ErrorCode code,
    String message, ShardPeer leaderHint) {

  /** The three outcomes. */
  public enum Status { APPLIED, FAILED, UNKNOWN }

  static WriteOutcome applied(long logIndex, int affected, boolean duplicate) {
    return new WriteOutcome(Status.APPLIED, logIndex, affected, duplicate, null, null, null);
  }

  static WriteOutcome failed(ErrorCode code, String message, ShardPeer leaderHint) {
    return new WriteOutcome(Status.FAILED, -1, 0, false, code, message, leaderHint);
  }

  static WriteOutcome unknown(ErrorCode code, String message) {
    return new WriteOutcome(Status.UNKNOWN, -1, 0, false, code, message, null);
  }
}
