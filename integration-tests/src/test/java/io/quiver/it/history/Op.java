package io.quiver.it.history;

import java.util.List;
import java.util.Map;

/**
 * One operation of a history, from its invocation to its outcome. Keys are point ids; every
 * upsert writes a value unique in the whole run, and each key has a single writer, so a value
 * names the write that made it.
 *
 * @param id order of invocation, unique
 * @param session the client (and its session token) that ran it
 * @param kind what it did
 * @param level read level of a read; null for a write
 * @param writes for UPSERT: key to value; for DELETE / DELETE_FILTER: the keys removed (value ignored)
 * @param observed for reads: key to the value seen, {@link #ABSENT} when a get found no point
 *     (a search's missing keys are not recorded: top-k says nothing about them)
 * @param invokeNanos when the client invoked it (the harness's monotonic clock)
 * @param completeNanos when the outcome arrived; {@link Long#MAX_VALUE} if it never did
 */
public record Op(long id, int session, Kind kind, Level level, Map<Long, Long> writes, Map<Long, Long> observed,
    long invokeNanos, long completeNanos, Outcome outcome, String error) {

  /** A get that found no point with this key. */
  public static final long ABSENT = -1;

  public enum Kind {
    UPSERT, DELETE, DELETE_FILTER,
    /** An earlier acknowledged upsert sent again with its request id: must change nothing. */
    REPLAY,
    GET, SEARCH,
    /** The STRONG read of every key after the faults healed. */
    FINAL
  }

  public enum Level { STRONG, SESSION, EVENTUAL }

  public enum Outcome {
    OK,
    /** Refused before it could apply: nothing changed. */
    FAIL,
    /** May or may not have applied (a timeout, a lost connection, an UNKNOWN shard result). */
    UNKNOWN
  }

  public Op {
    writes = writes == null ? Map.of() : Map.copyOf(writes);
    observed = observed == null ? Map.of() : Map.copyOf(observed);
  }

  public boolean isWrite() {
    return kind == Kind.UPSERT || kind == Kind.DELETE || kind == Kind.DELETE_FILTER;
  }

  public boolean isRead() {
    return kind == Kind.GET || kind == Kind.SEARCH || kind == Kind.FINAL;
  }

  /** One line of the history file. */
  public String line() {
    return id + "\t" + session + "\t" + kind + "\t" + (level == null ? "-" : level) + "\t" + outcome
        + "\tinvoke=" + invokeNanos + "\tcomplete=" + (completeNanos == Long.MAX_VALUE ? "never" : completeNanos)
        + "\twrites=" + writes + "\tobserved=" + observed + (error == null ? "" : "\terror=" + error.replace('\n', ' '));
  }

  static List<Long> sortedKeys(Map<Long, Long> m) {
    return m.keySet().stream().sorted().toList();
  }
}
