package io.quiver.datanode.raft;

/**
 * How deep a shard's backlog may grow before its leader refuses new writes with
 * {@code RESOURCE_EXHAUSTED} (see {@link WriteAdmission}). Keys (under {@code data-node.admission.})
 * are listed in {@link #KEYS}.
 *
 * @param maxApplyBacklogEntries log entries the leader holds but has not applied yet (appended or
 *     committed); beyond it new writes would only queue behind them
 * @param maxIndexBacklogPoints points in sealed segments still waiting for their HNSW graph;
 *     searches scan them exactly until then, so a deep backlog makes every search slow
 * @param memoryBudgetBytes heap in use (after collection) above which the node refuses writes; 0:
 *     {@link ResourceBudget#DEFAULT_HEAP_FRACTION} of the maximum heap
 * @param diskBudgetBytes bytes under the data directory above which the node refuses writes; 0:
 *     none (the node still keeps {@link ResourceBudget#MIN_FREE_DISK_BYTES} of its filesystem free)
 */
public record AdmissionSettings(long maxApplyBacklogEntries, long maxIndexBacklogPoints, long memoryBudgetBytes,
    long diskBudgetBytes) {
  /** About a second or two of applies on two cores with 100-point batches. */
  public static final long DEFAULT_MAX_APPLY_BACKLOG_ENTRIES = 1_000;
  /**
   * Ten sealed segments of the engine's default 20,000 points: at 128 dimensions an exact scan of
   * them reads about 100 MB per search, and the indexer needs about 40 s of a core to catch up.
   */
  public static final long DEFAULT_MAX_INDEX_BACKLOG_POINTS = 200_000;

  /** Config keys, in component order. */
  public static final String[] KEYS = {
    "data-node.admission.max-apply-backlog-entries",
    "data-node.admission.max-index-backlog-points",
    "data-node.admission.memory-budget-bytes",
    "data-node.admission.disk-budget-bytes",
  };

  public static final AdmissionSettings DEFAULTS =
      new AdmissionSettings(DEFAULT_MAX_APPLY_BACKLOG_ENTRIES, DEFAULT_MAX_INDEX_BACKLOG_POINTS);

  /** Backlog limits with the default budgets. */
  public AdmissionSettings(long maxApplyBacklogEntries, long maxIndexBacklogPoints) {
    this(maxApplyBacklogEntries, maxIndexBacklogPoints, 0, 0);
  }

  public AdmissionSettings {
    if (maxApplyBacklogEntries < 1) {
      throw new IllegalArgumentException(KEYS[0] + " must be >= 1 but was " + maxApplyBacklogEntries);
    }
    if (maxIndexBacklogPoints < 1) {
      throw new IllegalArgumentException(KEYS[1] + " must be >= 1 but was " + maxIndexBacklogPoints);
    }
    if (memoryBudgetBytes < 0) {
      throw new IllegalArgumentException(KEYS[2] + " must be >= 0 (0: the default) but was " + memoryBudgetBytes);
    }
    if (diskBudgetBytes < 0) {
      throw new IllegalArgumentException(KEYS[3] + " must be >= 0 (0: none) but was " + diskBudgetBytes);
    }
  }
}
