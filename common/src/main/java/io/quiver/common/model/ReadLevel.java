package io.quiver.common.model;

/** What a read must see; see ARCHITECTURE.md, "Reads". */
public enum ReadLevel {
  /** Every write acknowledged before the read started. */
  STRONG,
  /** At least the positions of the session's consistency token. */
  SESSION,
  /** Whatever the chosen replica has applied. */
  EVENTUAL
}
