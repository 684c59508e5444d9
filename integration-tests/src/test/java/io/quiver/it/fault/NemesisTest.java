package io.quiver.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.common.model.Distance;
import io.quiver.it.harness.ChildJvm;
import io.quiver.it.harness.ProcessCluster;
import io.quiver.it.history.Checker;
import io.quiver.it.history.History;
import io.quiver.it.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The nemesis run of the proof-under-faults issue: a 3-member ZooKeeper ensemble, two
 * coordinators, three data nodes (and, with churn on, a spare that joins during the run) and two query nodes, all
 * separate processes; clients write and read through both query nodes while a {@link Nemesis}
 * SIGKILLs and restarts data nodes, coordinators and ZooKeeper members, SIGSTOPs shard leaders past
 * the election timeout, partitions the network (one link, or one data node cut off from every other
 * process) and, with churn on, churns the membership (the spare joins with a rebalance at 20 % of
 * the run, one of the first three data nodes is drained at 55 %). Two lanes of faults, one at a time in each: data
 * nodes in one, ZooKeeper members, coordinators and the churn in the other, so a majority of every
 * Raft group and of the ensemble always survives. Afterwards the history is checked and every shard
 * must be back at RF=3 with equal digests at equal applied index (so every move has finished and
 * the drained node holds nothing); the run must have had a kill, a pause, a partition and, with
 * churn on, a rebalance and a drain.
 *
 * <p>Partitions need each data node in a network namespace of its own, so root and iproute2: where
 * namespaces cannot be made the run goes on without partitions and its verdict says why
 * ({@code -Dquiver.nemesis.partitions=false} leaves them out on purpose,
 * and {@code -Dquiver.nemesis.churn=true} adds the churn and the spare. It is off in {@code verify}:
 * the closed-division bug that first kept it out is fixed, and so is the one a run on fb195f3 found,
 * a drain that never finished under the faults (a takeover closed the open plans while the shards
 * still waited for a leader to reconcile them; see docs/reliability.md); it stays off until more
 * churn runs have passed, so as not to fail the build for a reason this test is not about).
 *
 * <p>Knobs (system properties): {@code quiver.nemesis.seed}, {@code quiver.nemesis.seconds}
 * (default 240), {@code quiver.nemesis.min-events} etc. The soak form is the same test with
 * {@code -Dquiver.nemesis.seconds=3600}. History and verdict: {@code target/fault-runs/nemesis-<seed>/}.
 *
 * <p>Seed 10 on two cores shared with other engineers' cluster tests (load average 24 over 15 min):
 * 240 s of faults, 62 events (kill-zookeeper 22, kill-coordinator 15, kill-data-node 9,
 * pause-data-node 6, partition-minority 5, partition-link 3, rebalance 1 with 3 moves, drain 1
 * with 2 moves), 30 shard leader changes, 6,738 acknowledged ops, 28 UNKNOWN writes, VALID, every
 * shard at RF=3 with equal digests, the drained node empty; test 286 s.
 */
class NemesisTest {
  static final int DIM = 4;
  static final int SHARDS = 3;
  /** Upserts sent once with a 1.5 s deadline: how a client meets UNKNOWN during a failover. */
  static final int HASTY_PERCENT = 10;
  /** The most the fault phase may run past its time to reach the minimum number of events. */
  static final int OVERTIME_SECONDS = 150;

  record Report(String verdict, Checker.Result result, List<String> replicaProblems, int events, int leaderChanges,
      long okOps, long unknownOps, Set<String> kinds, List<String> requiredKinds) {}

  /**
   * The short form, in every {@code ./mvnw verify} (about 6 minutes on two shared cores; skip it
   * with {@code -Dquiver.nemesis=false}). The soak is this test with {@code -Dquiver.nemesis.seconds=3600}.
   */
  @Test
  @DisabledIfSystemProperty(named = "quiver.nemesis", matches = "false",
      disabledReason = "runs in every verify; -Dquiver.nemesis=false skips its ~6 minutes on purpose, e.g. for a quick local run")
  void guaranteesHoldUnderKillsPausesPartitionsAndChurn() throws Exception {
    long seed = Long.getLong("quiver.nemesis.seed", new Random().nextLong());
    Minimums min = new Minimums(Integer.getInteger("quiver.nemesis.min-events", 30),
        Integer.getInteger("quiver.nemesis.min-leader-changes", 10), Long.getLong("quiver.nemesis.min-ok-ops", 5_000),
        Long.getLong("quiver.nemesis.min-unknown", 1), true);
    Report r = run(seed, null, Integer.getInteger("quiver.nemesis.seconds", 240), min);
    assertThat(r.result().violations()).as(r.verdict()).isEmpty();
    assertThat(r.replicaProblems()).as(r.verdict()).isEmpty();
    assertThat(r.events()).as(r.verdict()).isGreaterThanOrEqualTo(min.events());
    assertThat(r.kinds()).as(r.verdict()).containsAll(r.requiredKinds());
    assertThat(r.leaderChanges()).as(r.verdict()).isGreaterThanOrEqualTo(min.leaderChanges());
    assertThat(r.okOps()).as(r.verdict()).isGreaterThanOrEqualTo(min.okOps());
    assertThat(r.unknownOps()).as(r.verdict()).isGreaterThanOrEqualTo(min.unknown());
  }

  /**
   * What a run must reach (the minimums, and every kind of fault the nemesis has); faults
   * go on past their time until it has, within the overtime.
   */
  record Minimums(int events, int leaderChanges, long okOps, long unknown, boolean everyKind) {
    static final Minimums NONE = new Minimums(0, 0, 0, 0, false);

    boolean reached(List<String> events, List<String> requiredKinds, int changes, History h) {
      if (events.size() < this.events || changes < leaderChanges || everyKind && !kinds(events).containsAll(requiredKinds)) {
        return false;
      }
      List<Op> ops = h.ops();
      return ops.stream().filter(o -> o.outcome() == Op.Outcome.OK).count() >= okOps
          && ops.stream().filter(o -> o.isWrite() && o.outcome() == Op.Outcome.UNKNOWN).count() >= unknown;
    }
  }

  /** An event's kind ("kill-zookeeper") and its family ("kill"), as the first word of its line says. */
  static String kind(String event) {
    return event.split(" ")[0];
  }

  static Set<String> kinds(List<String> events) {
    Set<String> out = new TreeSet<>();
    for (String e : List.copyOf(events)) {
      out.add(kind(e).split("-")[0]);
    }
    return out;
  }

  /** The harness proves itself: each deliberate bug is caught within three seeds. Run with -Dquiver.nemesis.faults=true. */
  @Test
  @EnabledIfSystemProperty(named = "quiver.nemesis.faults", matches = "true")
  void catchesEachPlantedBugWithinThreeSeeds() throws Exception {
    int seconds = Integer.getInteger("quiver.nemesis.seconds", 120);
    Map<String, Integer> caughtAt = new HashMap<>();
    List<String> faults = List.of(System.getProperty("quiver.nemesis.planted",
        "ack-before-commit,no-dedup,ignore-session-token").split(","));
    for (String fault : faults) {
      for (long seed = 1; seed <= 3 && !caughtAt.containsKey(fault); seed++) {
        Report r = run(seed, fault, seconds, Minimums.NONE);
        if (!r.result().valid() || !r.replicaProblems().isEmpty()) {
          caughtAt.put(fault, (int) seed);
        }
      }
    }
    System.out.println("planted bugs caught at seed: " + caughtAt);
    assertThat(caughtAt).containsOnlyKeys(faults);
  }

  /**
   * Faults run for {@code seconds} and, on a machine slow enough that {@code min} is not reached in
   * that time, on until it is, but never past {@link #OVERTIME_SECONDS} more.
   */
  Report run(long seed, String fault, int seconds, Minimums min) throws Exception {
    System.out.println("NemesisTest seed " + seed + (fault == null ? "" : " fault " + fault)
        + " (rerun with -Dquiver.nemesis.seed=" + seed + ")");
    Random rnd = new Random(seed);
    Path dir = Path.of("target", "fault-runs", "nemesis-" + seed + (fault == null ? "" : "-" + fault)).toAbsolutePath();
    ProcessCluster.Spec spec = ProcessCluster.Spec.of(3, 2, 3, 2)
        .withSpareDataNodes(Boolean.getBoolean("quiver.nemesis.churn") ? 1 : 0)
        .withNetworkNamespaces(!"false".equals(System.getProperty("quiver.nemesis.partitions")));
    if (fault != null) {
      spec = spec.withFaults(Map.of(1, fault, 2, fault, 3, fault, 4, fault));
    }
    try (ProcessCluster cluster = new ProcessCluster(dir, spec).start();
        QuiverClient admin = QuiverClient.builder(cluster.queryEndpoint(1)).deadline(Duration.ofSeconds(60)).build()) {
      CollectionInfo info = CrashTest.createWithRetry(admin,
          CollectionSpec.builder("nemesis", DIM, Distance.L2).shards(SHARDS).replicationFactor(3).build());
      Map<String, Integer> rf = Map.of(info.uuid(), 3);
      Map<String, Integer> shards = Map.of(info.uuid(), SHARDS);
      assertThat(cluster.awaitConverged(rf, shards, Duration.ofSeconds(120))).as("placed and led").isEmpty();

      History h = new History();
      Workload w = new Workload(h, List.of(cluster.queryEndpoint(1), cluster.queryEndpoint(2)),
          new Workload.Config("nemesis", DIM, SHARDS, 4, 2, 40, seed, true, 30_000, HASTY_PERCENT));
      w.start();
      Nemesis nemesis = new Nemesis(cluster, info.uuid(), "nemesis", SHARDS, w, admin, seconds);
      Map<Integer, String> leaders = leaders(cluster, info.uuid());
      int leaderChanges = 0;
      List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long cap = end + TimeUnit.SECONDS.toNanos(OVERTIME_SECONDS);
      // Two lanes, one fault at a time in each: data nodes here, ZooKeeper, coordinators and the
      // churn on their own thread. The lanes' quorums are independent, so a majority of every Raft
      // group and of the ensemble always survives, and a slow data-node restart does not idle the nemesis.
      AtomicBoolean faulting = new AtomicBoolean(true);
      AtomicReference<Exception> controlFailure = new AtomicReference<>();
      Random controlRnd = new Random(seed ^ 0x5DEECE66DL);
      Thread control = Thread.ofPlatform().daemon(true).name("nemesis-control").start(() -> {
        try {
          while (faulting.get()) {
            Thread.sleep(1000 + controlRnd.nextInt(2000));
            if (faulting.get()) {
              events.add(nemesis.controlEvent(controlRnd));
            }
          }
        } catch (Exception e) {
          controlFailure.set(e);
        }
      });
      List<String> required = nemesis.requiredKinds();
      while (System.nanoTime() < cap && (System.nanoTime() < end || !min.reached(events, required, leaderChanges, h))
          && controlFailure.get() == null) {
        Thread.sleep(500 + rnd.nextInt(1000));
        events.add(nemesis.dataEvent(rnd));
        Map<Integer, String> now = leaders(cluster, info.uuid());
        for (Map.Entry<Integer, String> e : now.entrySet()) {
          String before = leaders.get(e.getKey());
          if (before != null && !before.equals(e.getValue())) {
            leaderChanges++;
          }
        }
        leaders.putAll(now);
      }
      faulting.set(false);
      control.join(TimeUnit.SECONDS.toMillis(300));
      if (controlFailure.get() != null) {
        throw controlFailure.get();
      }
      long faultSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      w.stop();
      if (cluster.network().isPresent()) {
        cluster.network().get().healAll();
      }
      for (ChildJvm j : cluster.all()) {
        if (j.started()) {
          j.resume();
          cluster.restart(j);
        }
      }
      List<String> problems = awaitSettled(cluster, nemesis, rf, shards, Duration.ofSeconds(180));
      w.finalRead(h);
      Checker.Result result = new Checker(w::shardOf).check(h.ops());
      long ok = h.ops().stream().filter(o -> o.outcome() == Op.Outcome.OK).count();
      long unknown = h.ops().stream()
          .filter(o -> o.isWrite() && o.outcome() == Op.Outcome.UNKNOWN).count();
      Map<String, Long> byKind = new TreeMap<>();
      events.forEach(e -> byKind.merge(kind(e), 1L, Long::sum));
      String skipped = nemesis.partitionsSkipped();
      String verdict = "seed " + seed + (fault == null ? "" : ", test fault " + fault) + ", " + faultSeconds
          + " s of faults (asked " + seconds + " s)"
          + "\nnemesis events " + events.size() + " " + byKind
          + (skipped == null ? "" : "\npartitions skipped: " + skipped)
          + "\nmembership churn: " + churn(cluster, nemesis, events)
          + "\nload average at the end (1/5/15 min, runnable/total, last pid) " + loadAverage()
          + "\nshard leader changes (sampled) " + leaderChanges + "\nacknowledged ops " + ok + ", unknown writes " + unknown
          + "\nreplica problems " + problems + "\n" + result.summary();
      History.write(dir.resolve("history.txt"), h.ops(), verdict);
      Files.write(dir.resolve("events.txt"), events);
      Files.writeString(dir.resolve("verdict.txt"), verdict + "\n");
      System.out.println(verdict);
      return new Report(verdict, result, problems, events.size(), leaderChanges, ok, unknown, kinds(events), required);
    }
  }

  /**
   * Waits until every shard is back at its replication factor with equal digests and the drained
   * node, if any, holds no replica (its drain has finished); returns what is still wrong at the end.
   */
  static List<String> awaitSettled(ProcessCluster cluster, Nemesis nemesis, Map<String, Integer> rf,
      Map<String, Integer> shards, Duration timeout) throws InterruptedException {
    long giveUp = System.nanoTime() + timeout.toNanos();
    List<String> problems;
    do {
      problems = new ArrayList<>(cluster.replicaProblems(rf, shards));
      int drained = nemesis.drained();
      if (drained != 0) {
        var held = cluster.status(drained, false);
        if (held.isEmpty()) {
          problems.add("drained dn" + drained + " does not answer");
        } else if (!held.get().isEmpty()) {
          problems.add("drained dn" + drained + " still holds shards "
              + held.get().stream().map(ProcessCluster.Replica::shard).toList() + ": its drain has not finished");
        }
      }
      if (problems.isEmpty()) {
        return problems;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < giveUp);
    return problems;
  }

  /** The churn events, and what the drained node holds at the end (nothing, once its moves are done). */
  static String churn(ProcessCluster cluster, Nemesis nemesis, List<String> events) {
    if (cluster.spec().spareDataNodes() == 0) {
      return "off (on with -Dquiver.nemesis.churn=true)";
    }
    List<String> steps = events.stream().filter(e -> kind(e).equals("rebalance") || kind(e).equals("drain")).toList();
    if (nemesis.drained() == 0) {
      return steps.isEmpty() ? "none" : steps.toString();
    }
    String held = cluster.status(nemesis.drained(), false).map(r -> r.size() + " replicas").orElse("(no answer)");
    return steps + "; drained dn" + nemesis.drained() + " holds " + held + " at the end";
  }

  /** The machine's load, for the record: these runs share two cores with whatever else runs. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** Shard to "node/term" of its leader, for the shards whose leader is known now. */
  static Map<Integer, String> leaders(ProcessCluster cluster, String uuid) {
    Map<Integer, String> out = new HashMap<>();
    for (ProcessCluster.Replica r : cluster.replicas(false)) {
      if (r.collectionUuid().equals(uuid) && r.role().equals("leader")) {
        out.merge(r.shard(), r.node() + "/" + r.term(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
      }
    }
    return out;
  }
}
