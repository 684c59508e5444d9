package io.quiver.it.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongToIntFunction;

/**
 * Judges a history in which every key has one writer and every upserted value is unique. Per key
 * the writer's operations form a sequence: position 0 is "absent at the start", position i the
 * i-th write (an upsert's value or a delete's absence). A read maps to the position it saw.
 *
 * <ul>
 *   <li>No read sees a value that was never written, or whose write FAILED.
 *   <li>STRONG (and the final read): the position seen was invoked before the read completed and is
 *       at or after every write acknowledged before the read began (else a lost write, a
 *       resurrected delete or a stale read); reads ordered in real time never go backwards (a
 *       single-writer register is then linearizable).
 *   <li>SESSION: never older than the session's own acknowledged writes.
 *   <li>The final state keeps every upsert batch whole per shard: of a batch's keys in one shard
 *       that no later write touched, either all or none show the batch's values.
 * </ul>
 */
public final class Checker {
  private final LongToIntFunction shardOf;

  /** @param shardOf the shard a key lives in (batches are atomic per shard, not across shards) */
  public Checker(LongToIntFunction shardOf) {
    this.shardOf = shardOf;
  }

  /** The verdict: violations (empty means valid) and what was checked. */
  public record Result(List<String> violations, Map<String, Long> counts) {
    public boolean valid() {
      return violations.isEmpty();
    }

    public String summary() {
      return (valid() ? "VALID" : "INVALID: " + violations.size() + " violations") + " " + counts
          + (valid() ? "" : "\n" + String.join("\n", violations.subList(0, Math.min(50, violations.size()))));
    }
  }

  /** One write in a key's sequence. */
  private record Step(int pos, Op op, long value) {
    boolean isDelete() {
      return value == Op.ABSENT;
    }
  }

  /** A read of one key: the positions it may have seen, lowest and highest. */
  private record Seen(Op op, int lo, int hi) {}

  public Result check(List<Op> ops) {
    List<String> bad = new ArrayList<>();
    Map<String, Long> counts = new TreeMap<>();
    Map<Long, List<Step>> seq = new HashMap<>();
    Map<Long, Step> byValue = new HashMap<>();
    List<Op> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    for (Op o : sorted) {
      counts.merge(o.kind() + "/" + o.outcome(), 1L, Long::sum);
      if (!o.isWrite()) {
        continue;
      }
      for (Map.Entry<Long, Long> w : new TreeMap<>(o.writes()).entrySet()) {
        List<Step> s = seq.computeIfAbsent(w.getKey(), k -> new ArrayList<>(List.of(new Step(0, null, Op.ABSENT))));
        long value = o.kind() == Op.Kind.UPSERT ? w.getValue() : Op.ABSENT;
        Step step = new Step(s.size(), o, value);
        s.add(step);
        if (value != Op.ABSENT) {
          byValue.put(value, step);
        }
      }
    }
    Map<Long, List<Seen>> strongReads = new HashMap<>();
    for (Op r : sorted) {
      if (!r.isRead() || r.outcome() != Op.Outcome.OK) {
        continue;
      }
      for (Map.Entry<Long, Long> e : r.observed().entrySet()) {
        counts.merge("keys read " + r.level(), 1L, Long::sum);
        Seen seen = checkRead(r, e.getKey(), e.getValue(), seq.getOrDefault(e.getKey(), List.of(new Step(0, null, Op.ABSENT))),
            byValue, bad);
        if (seen != null && r.level() == Op.Level.STRONG) {
          strongReads.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(seen);
        }
      }
    }
    strongReads.forEach((key, reads) -> checkRealTimeOrder(key, reads, bad));
    checkBatches(sorted, seq, byValue, bad);
    counts.put("violations", (long) bad.size());
    return new Result(bad, counts);
  }

  private Seen checkRead(Op r, long key, long value, List<Step> steps, Map<Long, Step> byValue, List<String> bad) {
    String what = r.kind() + " " + r.level() + " op " + r.id() + " (session " + r.session() + ") key " + key;
    List<Integer> candidates = new ArrayList<>();
    if (value == Op.ABSENT) {
      for (Step s : steps) {
        if (s.isDelete() && (s.op() == null || s.op().outcome() != Op.Outcome.FAIL) && invokedBefore(s, r)) {
          candidates.add(s.pos());
        }
      }
    } else {
      Step s = byValue.get(value);
      if (s == null || s.pos() >= steps.size() || steps.get(s.pos()) != s) {
        bad.add("phantom: " + what + " saw value " + value + " that no write of this key made");
        return null;
      }
      if (s.op().outcome() == Op.Outcome.FAIL) {
        bad.add("failed write visible: " + what + " saw value " + value + " of op " + s.op().id() + " which FAILED");
        return null;
      }
      if (!invokedBefore(s, r)) {
        bad.add("future read: " + what + " saw value " + value + " of op " + s.op().id() + " invoked after the read ended");
        return null;
      }
      candidates.add(s.pos());
    }
    if (r.level() == Op.Level.EVENTUAL) {
      return null;
    }
    // The latest write this read must not be older than.
    int floor = 0;
    for (Step s : steps) {
      if (s.op() == null || s.op().outcome() != Op.Outcome.OK || s.op().completeNanos() >= r.invokeNanos()) {
        continue;
      }
      if (r.level() == Op.Level.SESSION && s.op().session() != r.session()) {
        continue;
      }
      floor = Math.max(floor, s.pos());
    }
    final int f = floor;
    List<Integer> allowed = candidates.stream().filter(p -> p >= f).toList();
    if (allowed.isEmpty()) {
      Step need = steps.get(floor);
      String kind;
      if (r.kind() == Op.Kind.FINAL) {
        kind = need.isDelete() && value != Op.ABSENT ? "resurrected delete" : "lost acknowledged write";
      } else if (need.isDelete() && value != Op.ABSENT) {
        kind = "resurrected delete";
      } else {
        kind = r.level() == Op.Level.SESSION ? "stale SESSION read" : "stale STRONG read";
      }
      bad.add(kind + ": " + what + " saw " + (value == Op.ABSENT ? "no point" : "value " + value)
          + " but op " + need.op().id() + " (" + need.op().kind() + (need.isDelete() ? "" : " value " + need.value())
          + ") was acknowledged before the read began");
      return null;
    }
    return new Seen(r, allowed.get(0), allowed.get(allowed.size() - 1));
  }

  private static boolean invokedBefore(Step s, Op r) {
    return s.op() == null || s.op().invokeNanos() < r.completeNanos();
  }

  /** Reads of one key at STRONG: one that began after another ended must not see an older position. */
  private static void checkRealTimeOrder(long key, List<Seen> reads, List<String> bad) {
    List<Seen> byEnd = new ArrayList<>(reads);
    byEnd.sort(Comparator.comparingLong(s -> s.op().completeNanos()));
    List<Seen> byStart = new ArrayList<>(reads);
    byStart.sort(Comparator.comparingLong(s -> s.op().invokeNanos()));
    int i = 0;
    Seen maxLo = null;
    for (Seen later : byStart) {
      while (i < byEnd.size() && byEnd.get(i).op().completeNanos() < later.op().invokeNanos()) {
        Seen s = byEnd.get(i++);
        if (maxLo == null || s.lo() > maxLo.lo()) {
          maxLo = s;
        }
      }
      if (maxLo != null && later.hi() < maxLo.lo()) {
        bad.add("non-linearizable STRONG reads of key " + key + ": op " + later.op().id() + " saw position "
            + later.hi() + " after op " + maxLo.op().id() + " had seen position " + maxLo.lo());
      }
    }
  }

  /** In the final state, an upsert's keys in one shard are all its values or none (where nothing later wrote). */
  private void checkBatches(List<Op> sorted, Map<Long, List<Step>> seq, Map<Long, Step> byValue, List<String> bad) {
    Map<Long, Long> fin = new HashMap<>();
    for (Op o : sorted) {
      if (o.kind() == Op.Kind.FINAL && o.outcome() == Op.Outcome.OK) {
        fin.putAll(o.observed());
      }
    }
    if (fin.isEmpty()) {
      return;
    }
    for (Op o : sorted) {
      if (o.kind() != Op.Kind.UPSERT || o.outcome() == Op.Outcome.FAIL) {
        continue;
      }
      Map<Integer, List<Long>> applied = new HashMap<>();
      Map<Integer, List<Long>> missing = new HashMap<>();
      for (Map.Entry<Long, Long> w : o.writes().entrySet()) {
        Long seen = fin.get(w.getKey());
        if (seen == null) {
          continue;
        }
        Step mine = byValue.get(w.getValue());
        List<Step> steps = seq.get(w.getKey());
        if (mine.pos() != steps.size() - 1) {
          continue; // a later write of this key may have replaced or removed it
        }
        int shard = shardOf.applyAsInt(w.getKey());
        (seen.longValue() == w.getValue() ? applied : missing).computeIfAbsent(shard, s -> new ArrayList<>()).add(w.getKey());
      }
      for (Map.Entry<Integer, List<Long>> a : applied.entrySet()) {
        List<Long> m = missing.get(a.getKey());
        if (m != null) {
          bad.add("partial batch: upsert op " + o.id() + " (" + o.outcome() + ") in shard " + a.getKey()
              + " shows keys " + a.getValue() + " but not " + m);
        }
      }
    }
  }
}
