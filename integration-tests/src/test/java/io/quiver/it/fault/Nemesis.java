package io.quiver.it.fault;

import io.quiver.client.QuiverClient;
import io.quiver.client.RebalancePlan;
import io.quiver.it.harness.ChildJvm;
import io.quiver.it.harness.NetworkNamespaces;
import io.quiver.it.harness.ProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The faults of {@link NemesisTest}, in two lanes, each driven by one thread and one fault at a time,
 * every fault healed before the next, so that a majority of every Raft group and of the ZooKeeper
 * ensemble always survives. The data-node lane SIGKILLs and restarts a data node, SIGSTOPs a shard
 * leader past the election timeout, or (where the data nodes run in network namespaces) cuts the
 * network: one link, or one data node off from every other process (a minority of one). The
 * control lane SIGKILLs and restarts a coordinator or a ZooKeeper member and, when the cluster has
 * a spare data node, churns the membership at two set points of the run: the spare starts and a
 * rebalance is applied, later a data node is drained. Moves run in the background across later faults; the test's end checks
 * (every shard back at its replication factor, equal digests) prove they finished.
 *
 * <p>Each event is a line whose first word is its kind. {@code members} (started data nodes that
 * are not drained) is read by both lanes and changed by the control lane only.
 */
final class Nemesis {
  /** Upserts made hasty at each data-node fault: those that reach the stopped or cut-off leader end UNKNOWN. */
  static final int HASTY_PER_EVENT = 4;
  /** Where in the fault phase the spare joins (with a rebalance) and where a node is drained. */
  static final double JOIN_AT = 0.2;
  static final double DRAIN_AT = 0.55;

  private final ProcessCluster cluster;
  private final String uuid;
  private final String collection;
  private final int shards;
  private final Workload workload;
  private final QuiverClient admin;
  /** Null when the data nodes run on loopback: no partitions then. */
  private final NetworkNamespaces network;
  private final List<Integer> members = new CopyOnWriteArrayList<>();
  private final long joinAt;
  private final long drainAt;
  /** Churn steps taken, on the control lane only: 0 none, 1 joined, 2 drained. */
  private int churned;
  private volatile int drained;

  /** A nemesis whose churn points fall within {@code seconds} from now. */
  Nemesis(ProcessCluster cluster, String uuid, String collection, int shards, Workload workload, QuiverClient admin,
      int seconds) {
    this.cluster = cluster;
    this.uuid = uuid;
    this.collection = collection;
    this.shards = shards;
    this.workload = workload;
    this.admin = admin;
    this.network = cluster.network().orElse(null);
    for (int i = 1; i <= cluster.spec().dataNodes(); i++) {
      members.add(i);
    }
    long now = System.nanoTime();
    joinAt = now + (long) (TimeUnit.SECONDS.toNanos(seconds) * JOIN_AT);
    drainAt = now + (long) (TimeUnit.SECONDS.toNanos(seconds) * DRAIN_AT);
  }

  /** The kinds of fault every run must include: a lane that never chose one has not tested it. */
  List<String> requiredKinds() {
    List<String> out = new ArrayList<>(List.of("kill", "pause"));
    if (network != null) {
      out.add("partition");
    }
    if (cluster.spec().spareDataNodes() > 0) {
      out.addAll(List.of("rebalance", "drain"));
    }
    return out;
  }

  /** Why partitions are left out of this run, or null when they are in. */
  String partitionsSkipped() {
    if (network != null) {
      return null;
    }
    return cluster.spec().networkNamespaces() ? "no network namespaces: " + cluster.networkUnavailable()
        : "switched off (-Dquiver.nemesis.partitions=false)";
  }

  /** The data node drained by the churn, or 0. */
  int drained() {
    return drained;
  }

  /** One data-node fault, healed before it returns. */
  String dataEvent(Random rnd) throws Exception {
    long t0 = System.nanoTime();
    int kill = network == null ? 55 : 35;
    int pause = network == null ? 45 : 30;
    int roll = rnd.nextInt(100);
    String what;
    if (roll < kill) {
      int n = rnd.nextBoolean() ? leader(rnd) : member(rnd);
      ChildJvm dn = cluster.dataNode(n);
      dn.kill();
      workload.hastyNext(HASTY_PER_EVENT);
      Thread.sleep(rnd.nextInt(3000));
      cluster.restart(dn);
      what = "kill-data-node dn" + n;
    } else if (roll < kill + pause) {
      int n = leader(rnd);
      ChildJvm dn = cluster.dataNode(n);
      long ms = cluster.spec().electionMax().toMillis() + 1000 + rnd.nextInt(4000);
      dn.pause();
      workload.hastyNext(HASTY_PER_EVENT);
      Thread.sleep(ms);
      dn.resume();
      what = "pause-data-node dn" + n + " " + ms + "ms";
    } else {
      what = partition(rnd);
    }
    return what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)" + reviveExited();
  }

  /**
   * Cuts one data node off from everyone (half the time a shard leader: the isolated-leader case),
   * or one link between a data node and another or the rest, for longer than the election timeout.
   */
  private String partition(Random rnd) throws Exception {
    long ms = cluster.spec().electionMax().toMillis() + 1000 + rnd.nextInt(5000);
    int a = rnd.nextBoolean() ? leader(rnd) : member(rnd);
    String what;
    if (rnd.nextBoolean()) {
      network.isolate(a);
      what = "partition-minority dn" + a + " cut off from every process";
    } else {
      List<Integer> others = new ArrayList<>(members);
      others.remove(Integer.valueOf(a));
      others.add(NetworkNamespaces.REST);
      int b = others.get(rnd.nextInt(others.size()));
      network.cut(a, b);
      what = "partition-link " + new NetworkNamespaces.Link(a, b);
    }
    workload.hastyNext(HASTY_PER_EVENT);
    long t0 = System.nanoTime();
    if (network.cutLinks().contains(new NetworkNamespaces.Link(a, NetworkNamespaces.REST))
        && cluster.answers(a, Duration.ofSeconds(2))) {
      network.healAll();
      throw new IllegalStateException("partition did not take: dn" + a + " still answers the test across " + network.cutLinks());
    }
    Thread.sleep(Math.max(0, ms - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
    network.healAll();
    return what + " " + ms + "ms";
  }

  /** A data node that stopped by itself (its Raft server closed after a pause) comes back: one fault at a time. */
  private String reviveExited() throws Exception {
    StringBuilder out = new StringBuilder();
    for (int n = 1; n <= cluster.spec().dataNodes() + cluster.spec().spareDataNodes(); n++) {
      ChildJvm dn = cluster.dataNode(n);
      if (dn.started() && !dn.isAlive()) {
        cluster.restart(dn);
        out.append("; dn").append(n).append(" had exited by itself, restarted");
      }
    }
    return out.toString();
  }

  /** One control-plane fault healed before it returns, or a churn step when its time has come. */
  String controlEvent(Random rnd) throws Exception {
    long t0 = System.nanoTime();
    String what;
    if (cluster.spec().spareDataNodes() > 0 && churned < 2 && System.nanoTime() >= (churned == 0 ? joinAt : drainAt)) {
      what = churned == 0 ? joinAndRebalance() : drain(rnd);
      churned++;
    } else if (rnd.nextInt(100) < 45) {
      int n = 1 + rnd.nextInt(cluster.spec().coordinators());
      ChildJvm c = cluster.coordinator(n);
      c.kill();
      Thread.sleep(rnd.nextInt(2000));
      cluster.restart(c);
      what = "kill-coordinator coord" + n;
    } else {
      int n = 1 + rnd.nextInt(cluster.zk().size());
      ChildJvm z = cluster.zk().member(n);
      z.kill();
      Thread.sleep(rnd.nextInt(3000));
      cluster.restart(z);
      what = "kill-zookeeper zk" + n;
    }
    return what + " (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)";
  }

  private String joinAndRebalance() throws Exception {
    int spare = cluster.spec().dataNodes() + 1;
    cluster.restart(cluster.dataNode(spare));
    members.add(spare);
    RebalancePlan plan = retry(() -> admin.rebalanceApply(collection));
    return "rebalance after dn" + spare + " joined: " + moves(plan);
  }

  /** Drains one of the nodes that started with the cluster, so replicas surely move (to the spare among others). */
  private String drain(Random rnd) throws Exception {
    int n = 1 + rnd.nextInt(cluster.spec().dataNodes());
    RebalancePlan plan = retry(() -> admin.drain("dn" + n));
    members.remove(Integer.valueOf(n));
    drained = n;
    return "drain dn" + n + ": " + moves(plan);
  }

  private static String moves(RebalancePlan plan) {
    return plan.moves().size() + " moves " + plan.moves().stream()
        .map(m -> m.shard() + ":" + (m.fromNode().isEmpty() ? "+" : m.fromNode() + ">") + m.toNode())
        .collect(Collectors.joining(" ", "[", "]"));
  }

  /** An admin call through a query node, retried while a coordinator election or a ZooKeeper restart settles. */
  private static RebalancePlan retry(Supplier<RebalancePlan> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (attempt >= 10) {
          throw e;
        }
        Thread.sleep(3000);
      }
    }
  }

  private int leader(Random rnd) throws InterruptedException {
    return CrashTest.awaitLeader(cluster, uuid, rnd.nextInt(shards));
  }

  private int member(Random rnd) {
    List<Integer> now = List.copyOf(members);
    return now.get(rnd.nextInt(now.size()));
  }
}
