package io.quiver.common.model;

/**
 * How many replicas must hold a write before it is acknowledged. There is deliberately no
 * {@code ONE}: a write held by one replica can vanish at a leader change.
 */
public enum WriteLevel {
  /** Committed on a majority of voters and applied at the leader. */
  QUORUM,
  /** Durable on every voter. */
  ALL
}
