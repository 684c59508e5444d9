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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The nemesis run of the proof-under-faults issue: a 3-member ZooKeeper ensemble, two
 * coordinators, three data nodes and two query nodes, all separate processes; clients write and
 * read through both query nodes while a nemesis SIGKILLs and restarts data nodes, coordinators and
 * ZooKeeper members and SIGSTOPs shard leaders past the election timeout. Two lanes of faults,
 * one at a time in each: data nodes in one, ZooKeeper members and coordinators in the other, so a
 * majority of every Raft group and of the ensemble always survives. Afterwards the history is
 * checked and every shard must be back at RF=3 with equal digests at equal applied index.
 *
 * <p>Network partitions are not injected: they need iptables inside network namespaces, and this
 * machine has no iptables binary (the test says so in its verdict). Membership churn waits for the
 * coordinator's rebalance/drain.
 *
 * <p>Knobs (system properties): {@code quiver.nemesis.seed}, {@code quiver.nemesis.seconds}
 * (default 240), {@code quiver.nemesis.min-events} etc. The soak form is the same test with
 * {@code -Dquiver.nemesis.seconds=3600}. History and verdict: {@code target/fault-runs/nemesis-<seed>/}.
 */
class NemesisTest {
  static final int DIM = 4;
  static final int SHARDS = 3;
  /** Upserts sent once with a 1.5 s deadline: how a client meets UNKNOWN during a failover. */
  static final int HASTY_PERCENT = 10;
  /** Upserts made hasty at each data-node fault: those that reach the stopped leader end UNKNOWN. */
  static final int HASTY_PER_EVENT = 4;
  /** The most the fault phase may run past its time to reach the minimum number of events. */
  static final int OVERTIME_SECONDS = 150;

  record Report(String verdict, Checker.Result result, List<String> replicaProblems, int events, int leaderChanges,
      long okOps, long unknownOps) {}

  /**
   * The short form, in every {@code ./mvnw verify} (about 8 minutes on two shared cores; skip it
   * with {@code -Dquiver.nemesis=false}). The soak is this test with {@code -Dquiver.nemesis.seconds=3600}.
   */
  @Test
  @DisabledIfSystemProperty(named = "quiver.nemesis", matches = "false",
      disabledReason = "runs in every verify; -Dquiver.nemesis=false skips its ~5 minutes on purpose, e.g. for a quick local run")
  void guaranteesHoldUnderKillsAndPauses() throws Exception {
    long seed = Long.getLong("quiver.nemesis.seed", new Random().nextLong());
    Minimums min = new Minimums(Integer.getInteger("quiver.nemesis.min-events", 30),
        Integer.getInteger("quiver.nemesis.min-leader-changes", 10), Long.getLong("quiver.nemesis.min-ok-ops", 5_000),
        Long.getLong("quiver.nemesis.min-unknown", 1));
    Report r = run(seed, null, Integer.getInteger("quiver.nemesis.seconds", 240), min);
    assertThat(r.result().violations()).as(r.verdict()).isEmpty();
    assertThat(r.replicaProblems()).as(r.verdict()).isEmpty();
    assertThat(r.events()).as(r.verdict()).isGreaterThanOrEqualTo(min.events());
    assertThat(r.leaderChanges()).as(r.verdict()).isGreaterThanOrEqualTo(min.leaderChanges());
    assertThat(r.okOps()).as(r.verdict()).isGreaterThanOrEqualTo(min.okOps());
    assertThat(r.unknownOps()).as(r.verdict()).isGreaterThanOrEqualTo(min.unknown());
  }

  /** What a run must reach (the minimums); faults go on past their time until it has, within the overtime. */
  record Minimums(int events, int leaderChanges, long okOps, long unknown) {
    static final Minimums NONE = new Minimums(0, 0, 0, 0);

    boolean reached(int e, int changes, History h) {
      if (e < events || changes < leaderChanges) {
        return false;
      }
      List<Op> ops = h.ops();
      return ops.stream().filter(o -> o.outcome() == Op.Outcome.OK).count() >= okOps
          && ops.stream().filter(o -> o.isWrite() && o.outcome() == Op.Outcome.UNKNOWN).count() >= unknown;
    }
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
    ProcessCluster.Spec spec = ProcessCluster.Spec.of(3, 2, 3, 2);
    if (fault != null) {
      spec = spec.withFaults(Map.of(1, fault, 2, fault, 3, fault));
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
      Map<Integer, String> leaders = leaders(cluster, info.uuid());
      int leaderChanges = 0;
      List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long cap = end + TimeUnit.SECONDS.toNanos(OVERTIME_SECONDS);
      // Two lanes, one fault at a time in each: data nodes here, ZooKeeper and coordinators on
      // their own thread. The lanes' quorums are independent, so a majority of every Raft group and
      // of the ensemble always survives, and a slow data-node restart does not idle the nemesis.
      AtomicBoolean faulting = new AtomicBoolean(true);
      AtomicReference<Exception> controlFailure = new AtomicReference<>();
      Random controlRnd = new Random(seed ^ 0x5DEECE66DL);
      Thread control = Thread.ofPlatform().daemon(true).name("nemesis-control").start(() -> {
        try {
          while (faulting.get()) {
            Thread.sleep(1000 + controlRnd.nextInt(2000));
            if (faulting.get()) {
              events.add(controlEvent(cluster, controlRnd));
            }
          }
        } catch (Exception e) {
          controlFailure.set(e);
        }
      });
      while (System.nanoTime() < cap && (System.nanoTime() < end || !min.reached(events.size(), leaderChanges, h))
          && controlFailure.get() == null) {
        Thread.sleep(500 + rnd.nextInt(1000));
        events.add(dataEvent(cluster, info.uuid(), rnd, w));
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
      for (ChildJvm j : cluster.all()) {
        j.resume();
        cluster.restart(j);
      }
      List<String> problems = cluster.awaitConverged(rf, shards, Duration.ofSeconds(180));
      w.finalRead(h);
      Checker.Result result = new Checker(w::shardOf).check(h.ops());
      long ok = h.ops().stream().filter(o -> o.outcome() == Op.Outcome.OK).count();
      long unknown = h.ops().stream()
          .filter(o -> o.isWrite() && o.outcome() == Op.Outcome.UNKNOWN).count();
      Map<String, Long> byKind = new HashMap<>();
      events.forEach(e -> byKind.merge(e.split(" ")[0], 1L, Long::sum));
      String verdict = "seed " + seed + (fault == null ? "" : ", test fault " + fault) + ", " + faultSeconds
          + " s of faults (asked " + seconds + " s)"
          + "\nnemesis events " + events.size() + " " + byKind + "; partitions skipped: no iptables on this machine"
          + "\nload average at the end (1/5/15 min, runnable/total, last pid) " + loadAverage()
          + "\nshard leader changes (sampled) " + leaderChanges + "\nacknowledged ops " + ok + ", unknown writes " + unknown
          + "\nreplica problems " + problems + "\n" + result.summary();
      History.write(dir.resolve("history.txt"), h.ops(), verdict);
      Files.write(dir.resolve("events.txt"), events);
      Files.writeString(dir.resolve("verdict.txt"), verdict + "\n");
      System.out.println(verdict);
      return new Report(verdict, result, problems, events.size(), leaderChanges, ok, unknown);
    }
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

  /** One data-node fault, healed before it returns (a SIGKILL and restart, or a SIGSTOP of a shard leader). */
  static String dataEvent(ProcessCluster cluster, String uuid, Random rnd, Workload w) throws Exception {
    long t0 = System.nanoTime();
    String what;
    if (rnd.nextInt(100) < 55) {
      int n = rnd.nextBoolean() ? CrashTest.awaitLeader(cluster, uuid, rnd.nextInt(SHARDS)) : 1 + rnd.nextInt(3);
      ChildJvm dn = cluster.dataNode(n);
      dn.kill();
      w.hastyNext(HASTY_PER_EVENT);
      Thread.sleep(rnd.nextInt(3000));
      cluster.restart(dn);
      what = "kill-data-node dn" + n;
    } else {
      int n = CrashTest.awaitLeader(cluster, uuid, rnd.nextInt(SHARDS));
      ChildJvm dn = cluster.dataNode(n);
      long pause = cluster.spec().electionMax().toMillis() + 1000 + rnd.nextInt(4000);
      dn.pause();
      w.hastyNext(HASTY_PER_EVENT);
      Thread.sleep(pause);
      dn.resume();
      what = "pause-data-node dn" + n + " " + pause + "ms";
    }
    return what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)";
  }

  /** One control-plane fault, healed before it returns: SIGKILL and restart of a coordinator or a ZooKeeper member. */
  static String controlEvent(ProcessCluster cluster, Random rnd) throws Exception {
    long t0 = System.nanoTime();
    String what;
    if (rnd.nextInt(100) < 45) {
      int n = 1 + rnd.nextInt(2);
      ChildJvm c = cluster.coordinator(n);
      c.kill();
      Thread.sleep(rnd.nextInt(2000));
      cluster.restart(c);
      what = "kill-coordinator coord" + n;
    } else {
      int n = 1 + rnd.nextInt(3);
      ChildJvm z = cluster.zk().member(n);
      z.kill();
      Thread.sleep(rnd.nextInt(3000));
      cluster.restart(z);
      what = "kill-zookeeper zk" + n;
    }
    return what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)";
  }
}
