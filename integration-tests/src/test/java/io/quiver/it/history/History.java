package io.quiver.it.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A history being recorded by concurrent clients: {@link #invoke} before the call, one of the
 * completions after it. An operation never completed (its client was stopped) counts as UNKNOWN.
 * Thread-safe: pending and done operations live in concurrent maps keyed by operation id.
 */
public final class History {
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Op> pending = new ConcurrentHashMap<>();
  private final Map<Long, Op> done = new ConcurrentHashMap<>();

  public long invoke(int session, Op.Kind kind, Op.Level level, Map<Long, Long> writes) {
    long id = ids.incrementAndGet();
    pending.put(id, new Op(id, session, kind, level, writes, null, System.nanoTime(), Long.MAX_VALUE,
        Op.Outcome.UNKNOWN, "in flight"));
    return id;
  }

  public void ok(long id, Map<Long, Long> observed) {
    complete(id, Op.Outcome.OK, observed, null);
  }

  public void fail(long id, String error) {
    complete(id, Op.Outcome.FAIL, null, error);
  }

  public void unknown(long id, String error) {
    complete(id, Op.Outcome.UNKNOWN, null, error);
  }

  private void complete(long id, Op.Outcome outcome, Map<Long, Long> observed, String error) {
    Op p = pending.remove(id);
    if (p == null) {
      throw new IllegalStateException("operation " + id + " completed twice or never invoked");
    }
    done.put(id, new Op(id, p.session(), p.kind(), p.level(), p.writes(), observed, p.invokeNanos(),
        System.nanoTime(), outcome, error));
  }

  /** Operations in flight now (for "a write was in flight at the kill"). */
  public long inFlightWrites() {
    return pending.values().stream().filter(Op::isWrite).count();
  }

  /** Every operation in invocation order; those still pending as UNKNOWN, never completed. */
  public List<Op> ops() {
    List<Op> all = new ArrayList<>(done.values());
    all.addAll(pending.values());
    all.sort(Comparator.comparingLong(Op::id));
    return all;
  }

  /** Appends a ready-made operation (the final read, or a planted one in the checker's tests). */
  public void add(Op op) {
    done.put(op.id(), op);
    ids.accumulateAndGet(op.id(), Math::max);
  }

  public long nextId() {
    return ids.incrementAndGet();
  }

  public static void write(Path file, List<Op> ops, String verdict) throws IOException {
    Files.createDirectories(file.getParent());
    List<String> lines = new ArrayList<>();
    lines.add("# " + verdict.replace("\n", "\n# "));
    ops.forEach(o -> lines.add(o.line()));
    Files.write(file, lines);
  }
}
