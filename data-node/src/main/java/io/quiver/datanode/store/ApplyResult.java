package io.quiver.datanode.store;

/**
 * What applying one log entry did, as stored with its request id and returned to a retry.
 *
 * @param logIndex the index of the entry that made the change (the first one, for a repeat)
 * @param affected points upserted or deleted
 * @param duplicate whether this entry repeated an applied request id and changed nothing
 * @param refusal why the entry changed nothing although its request id was new to this content
 *     (a request id reused with different content), or null
 */
public record ApplyResult(long logIndex, int affected, boolean duplicate, String refusal) {
  public static ApplyResult applied(long logIndex, int affected) {
    return new ApplyResult(logIndex, affected, false, null);
  }

  public boolean refused() {
    return refusal != null;
  }
}
