package io.quiver.datanode.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.shard.ShardId;
import org.apache.ratis.server.RaftServer;

/**
 * Refuses a write at a shard's leader, before it is submitted to Raft, while the shard's backlog
 * is too deep (entries the leader has not applied yet, or points the index has not built a graph
 * for) or the node is over its memory or disk budget ({@link ResourceBudget}) (ARCHITECTURE.md, "Writes": such a write is {@code FAILED} with {@code RESOURCE_EXHAUSTED}
 * and nothing changed). Accepting it would only lengthen the queue, slow every search of the
 * shard and grow the heap; refusing it pushes back on the writers until the node catches up.
 * Only the leader's own backlog is checked: a follower's is not known to it cheaply.
 *
 * <p>Thread-safe: reads volatile counters of the state machine and the index.
 */
final class WriteAdmission {
  private final AdmissionSettings settings;
  private final ShardApplyListener index;
  private final Counter applyRefusals;
  private final Counter indexRefusals;
  private final Counter budgetRefusals;
  private final ResourceBudget budget;

  WriteAdmission(AdmissionSettings settings, ShardApplyListener index, ResourceBudget budget, MeterRegistry meters) {
    this.settings = settings;
    this.index = index;
    this.budget = budget;
    this.applyRefusals = refusals(meters, "apply-backlog");
    this.indexRefusals = refusals(meters, "index-backlog");
    this.budgetRefusals = refusals(meters, "budget");
  }

  private static Counter refusals(MeterRegistry meters, String reason) {
    return Counter.builder("quiver.datanode.writes.refused")
        .description("Shard writes refused with RESOURCE_EXHAUSTED before submission, by backlog or budget")
        .tag("reason", reason)
        .register(meters);
  }

  /**
   * A FAILED outcome when the shard's backlog is over a limit, else null. A retry of a request
   * that was applied already passes: the state machine answers it from its record without
   * applying it again, and refusing it would wrongly say that nothing was written.
   */
  WriteOutcome check(ShardId shard, RaftServer.Division leader, String requestId) {
    ShardStateMachine sm = (ShardStateMachine) leader.getStateMachine();
    Refusal refusal = overLimit(shard, leader, sm);
    if (refusal == null || sm.store().request(requestId).isPresent()) {
      return null;
    }
    refusal.counter().increment();
    return WriteOutcome.failed(ErrorCode.RESOURCE_EXHAUSTED, refusal.message(), null);
  }

  /** Why a write is refused, and the counter of that reason. */
  private record Refusal(Counter counter, String message) {}

  private Refusal overLimit(ShardId shard, RaftServer.Division leader, ShardStateMachine sm) {
    long unapplied = leader.getRaftLog().getNextIndex() - 1 - sm.readableIndex();
    if (unapplied > settings.maxApplyBacklogEntries()) {
      return new Refusal(applyRefusals, "shard " + shard + " is overloaded: " + unapplied
          + " log entries wait to be applied, above data-node.admission.max-apply-backlog-entries="
          + settings.maxApplyBacklogEntries() + "; nothing was written, retry later");
    }
    long unindexed = index.indexBacklog(shard);
    if (unindexed > settings.maxIndexBacklogPoints()) {
      return new Refusal(indexRefusals, "shard " + shard + " is overloaded: " + unindexed
          + " points wait for their index (HNSW graph), above data-node.admission.max-index-backlog-points="
          + settings.maxIndexBacklogPoints() + "; nothing was written, retry later");
    }
    String over = budget.exceeded();
    if (over != null) {
      return new Refusal(budgetRefusals, "shard " + shard + " refuses writes: " + over
          + "; nothing was written, retry once the node has room (or raise the budget)");
    }
    return null;
  }
}
