package io.quiver.it.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.it.history.Op.Kind;
import io.quiver.it.history.Op.Level;
import io.quiver.it.history.Op.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker against planted histories: each anomaly is reported, and a clean history passes. */
class CheckerTest {
  private final Checker checker = new Checker(key -> (int) (key % 2));
  private final List<Op> ops = new ArrayList<>();
  private long t = 1;

  private Op op(int session, Kind kind, Level level, Map<Long, Long> writes, Map<Long, Long> observed, Outcome outcome) {
    long invoke = t++;
    long complete = t++;
    Op o = new Op(ops.size() + 1, session, kind, level, writes, observed, invoke, complete, outcome, null);
    ops.add(o);
    return o;
  }

  private Op upsert(long key, long value, Outcome outcome) {
    return op(1, Kind.UPSERT, null, Map.of(key, value), null, outcome);
  }

  private Op delete(long key, Outcome outcome) {
    return op(1, Kind.DELETE, null, Map.of(key, 0L), null, outcome);
  }

  private Op read(int session, Level level, long key, long seen) {
    return op(session, Kind.GET, level, null, Map.of(key, seen), Outcome.OK);
  }

  private Op fin(Map<Long, Long> state) {
    return op(0, Kind.FINAL, Level.STRONG, null, state, Outcome.OK);
  }

  @Test
  void aCleanHistoryIsValid() {
    upsert(1, 10, Outcome.OK);
    read(2, Level.STRONG, 1, 10);
    upsert(1, 11, Outcome.UNKNOWN);
    read(2, Level.STRONG, 1, 10); // the unknown write may apply later or never
    read(1, Level.SESSION, 1, 11);
    delete(1, Outcome.OK);
    read(3, Level.EVENTUAL, 1, 10); // eventual may lag
    read(2, Level.STRONG, 1, Op.ABSENT);
    upsert(2, 20, Outcome.FAIL);
    op(1, Kind.UPSERT, null, Map.of(3L, 30L, 5L, 50L), null, Outcome.UNKNOWN);
    fin(Map.of(1L, Op.ABSENT, 2L, Op.ABSENT, 3L, 30L, 5L, 50L));
    Checker.Result r = checker.check(ops);
    assertThat(r.violations()).as(r.summary()).isEmpty();
  }

  @Test
  void aLostWriteIsReported() {
    upsert(1, 10, Outcome.OK);
    upsert(1, 11, Outcome.OK);
    fin(Map.of(1L, 10L));
    assertThat(checker.check(ops).violations()).singleElement().asString().startsWith("lost acknowledged write");
  }

  @Test
  void aResurrectedDeleteIsReported() {
    upsert(1, 10, Outcome.OK);
    delete(1, Outcome.OK);
    read(2, Level.EVENTUAL, 1, 10); // allowed at EVENTUAL
    read(2, Level.STRONG, 1, 10);
    fin(Map.of(1L, 10L));
    assertThat(checker.check(ops).violations()).hasSize(2).allSatisfy(v -> assertThat(v).startsWith("resurrected delete"));
  }

  @Test
  void aStaleStrongReadIsReported() {
    upsert(1, 10, Outcome.OK);
    upsert(1, 11, Outcome.OK);
    read(2, Level.STRONG, 1, 10);
    assertThat(checker.check(ops).violations()).singleElement().asString().startsWith("stale STRONG read");
  }

  @Test
  void strongReadsGoingBackwardsAreNotLinearizable() {
    upsert(1, 10, Outcome.OK);
    upsert(1, 11, Outcome.UNKNOWN);
    read(2, Level.STRONG, 1, 11);
    read(3, Level.STRONG, 1, 10); // began after a read saw 11
    assertThat(checker.check(ops).violations()).singleElement().asString().startsWith("non-linearizable");
  }

  @Test
  void aSessionMissingItsOwnWriteIsReportedButNotAnothersSession() {
    upsert(1, 10, Outcome.OK);
    upsert(1, 11, Outcome.OK);
    read(2, Level.SESSION, 1, 10); // another session: no promise
    read(1, Level.SESSION, 1, 10);
    assertThat(checker.check(ops).violations()).singleElement().asString().startsWith("stale SESSION read");
  }

  @Test
  void aFailedOrUnwrittenValueIsReported() {
    upsert(1, 10, Outcome.FAIL);
    read(2, Level.EVENTUAL, 1, 10);
    read(2, Level.EVENTUAL, 1, 99);
    assertThat(checker.check(ops).violations()).hasSize(2)
        .anySatisfy(v -> assertThat(v).startsWith("failed write visible"))
        .anySatisfy(v -> assertThat(v).startsWith("phantom"));
  }

  @Test
  void aHalfAppliedBatchIsReported() {
    // keys 2 and 4 share shard 0; key 3 is alone in shard 1, so only the shard-0 part must be whole.
    op(1, Kind.UPSERT, null, Map.of(2L, 20L, 4L, 40L, 3L, 30L), null, Outcome.UNKNOWN);
    fin(Map.of(2L, 20L, 4L, Op.ABSENT, 3L, 30L));
    assertThat(checker.check(ops).violations()).singleElement().asString().startsWith("partial batch");
    ops.remove(ops.size() - 1);
    fin(Map.of(2L, Op.ABSENT, 4L, Op.ABSENT, 3L, 30L));
    assertThat(checker.check(ops).violations()).isEmpty();
  }
}
