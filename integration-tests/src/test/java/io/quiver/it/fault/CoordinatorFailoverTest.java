package io.quiver.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quiver.client.ClusterStatus;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.client.RebalancePlan;
import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.model.Distance;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.coordinator.placement.HashRing;
import io.quiver.coordinator.placement.RingNode;
import io.quiver.it.harness.ChildJvm;
import io.quiver.it.harness.ProcessCluster;
import io.quiver.it.history.Checker;
import io.quiver.it.history.History;
import io.quiver.it.history.Op;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.internal.DescribeGroup;
import io.quiver.proto.v1.internal.RaftPeer;
import io.quiver.proto.v1.internal.ReplicaAdminRequest;
import io.quiver.proto.v1.internal.ReplicaAdminResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The coordinator's acceptance test (issue 10) with real processes: a three-server ZooKeeper
 * ensemble, two coordinators, four data nodes (a fifth joins) and a query node, while clients
 * write and search all the time ({@link Workload}, judged by the {@link Checker}).
 *
 * <ol>
 *   <li>A data node is drained. The leading coordinator is held (the coordinator's test holds)
 *       just before a move's last placement write, the move's Raft change done, and SIGKILLed
 *       there. The other coordinator takes over within a session timeout, reconciles that shard's
 *       placement with its Raft group, deletes the replica the move left behind and finishes the
 *       drain: the node holds nothing.
 *   <li>The killed coordinator returns as the standby and a fifth data node joins. The leader
 *       holds one move just before a placement write and another just before a Raft change
 *       (admitting a learner), and is SIGSTOPped past its ZooKeeper session. The standby takes
 *       over and finishes the rebalance. The deposed one is resumed and its two held steps go on
 *       with its old epoch: ZooKeeper refuses the write and the data node the Raft change, both
 *       counted on its {@code /metrics} and logged, and the placement znode and every group's
 *       configuration stay as the new leader left them.
 *   <li>The new node holds replicas, the drained one none, the placement is the ring's, no
 *       search failed, and the checker finds no acknowledged write lost.
 * </ol>
 *
 * <p>Runs in every {@code ./mvnw verify} (skip with {@code -Dquiver.failover=false}); alone:
 * {@code ./mvnw -o -pl integration-tests -am verify -Dtest=CoordinatorFailoverTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. History, verdict and process logs:
 * {@code target/fault-runs/coordinator-failover/}.
 */
class CoordinatorFailoverTest {
  static final String COLLECTION = "moves";
  static final int DIM = 4;
  static final int SHARDS = 12;
  static final int RF = 3;
  static final Duration SESSION = Duration.ofSeconds(15);
  static final Duration LONG = Duration.ofSeconds(240);
  static final ZkPaths PATHS = new ZkPaths(ZkPaths.DEFAULT_ROOT);

  private final List<String> log = new ArrayList<>();

  @Test
  @DisabledIfSystemProperty(named = "quiver.failover", matches = "false", disabledReason = "skipped on request"
      + " (-Dquiver.failover=false) for a quick local run; every ./mvnw verify and CI run it (about 2 min)")
  void aDeposedCoordinatorChangesNothingAndTheNewOneFinishesTheMovesWhileClientsWriteAndSearch() throws Exception {
    long seed = Long.getLong("quiver.failover.seed", new Random().nextLong());
    note("CoordinatorFailoverTest seed " + seed + " (rerun with -Dquiver.failover.seed=" + seed + ")");
    Path dir = Path.of("target", "fault-runs", "coordinator-failover").toAbsolutePath();
    ProcessCluster.Spec spec = new ProcessCluster.Spec(3, 2, 4, 1, Duration.ofSeconds(3), Duration.ofSeconds(6),
        SESSION, Duration.ofSeconds(20), Map.of(), 1, false); // dn5 is the spare that joins
    long started = System.nanoTime();
    ProcessCluster cluster = new ProcessCluster(dir, spec);
    for (int i = 1; i <= 2; i++) {
      cluster.coordinator(i).setExtraFlags(List.of("-Dquiver.test-holds=" + Files.createDirectories(holds(dir, i))));
    }
    try (cluster;
        QuiverClient admin = QuiverClient.builder(cluster.queryEndpoint(1)).deadline(Duration.ofSeconds(30)).build();
        CuratorFramework zk = CuratorFrameworkFactory.newClient(cluster.zk().connectString(), new RetryOneTime(500))) {
      cluster.start();
      zk.start();
      CollectionInfo info = CrashTest.createWithRetry(admin,
          CollectionSpec.builder(COLLECTION, DIM, Distance.L2).shards(SHARDS).replicationFactor(RF).build());
      Map<String, Integer> rf = Map.of(info.uuid(), RF);
      Map<String, Integer> shards = Map.of(info.uuid(), SHARDS);
      assertThat(cluster.awaitConverged(rf, shards, LONG)).as("placed and led").isEmpty();

      History history = new History();
      Workload clients = new Workload(history, List.of(cluster.queryEndpoint(1)),
          new Workload.Config(COLLECTION, DIM, SHARDS, 2, 1, 40, seed, false, 30_000));
      clients.start();
      Thread.sleep(3_000);

      // 1. A drain; the leader is killed in the middle of a move and the other finishes the plan.
      ClusterStatus s1 = status(admin, s -> !s.coordinatorLeader().isEmpty());
      int first = number(s1.coordinatorLeader());
      int second = 3 - first;
      String drained = busiest(s1);
      Set<NodeId> draining = Set.of(new NodeId(drained));
      arm(holds(dir, first), "voters-placement");
      RebalancePlan drain = admin.drain(drained);
      note("drain " + drained + " (epoch " + s1.coordinatorEpoch() + ", coord" + first + "): " + drain.moves());
      assertThat(drain.moves()).isNotEmpty().allSatisfy(m -> assertThat(m.fromNode()).isEqualTo(drained));
      awaitFile(holds(dir, first).resolve("held-voters-placement"), cluster.coordinator(first));
      long killedAt = System.nanoTime();
      cluster.coordinator(first).kill();
      ClusterStatus s2 = status(admin, s -> s.coordinatorLeader().equals("coord" + second)
          && s.coordinatorEpoch() > s1.coordinatorEpoch());
      long takenOverAt = System.nanoTime();
      note("killed coord" + first + " holding a move before its last placement write; coord" + second
          + " leads in epoch " + s2.coordinatorEpoch() + " after " + millisSince(killedAt) + " ms");
      List<Op> duringTakeover = history.ops().stream()
          .filter(o -> o.invokeNanos() >= killedAt && o.completeNanos() <= takenOverAt).toList();
      awaitMovesDone(admin);
      String metrics2 = scrape(cluster.coordinatorHttpPort(second));
      double reconciled = metric(metrics2, "quiver_coordinator_placements_reconciled_total", "");
      double strays = metric(metrics2, "quiver_coordinator_stray_replicas_deleted_total", "");
      note("after the takeover: placements reconciled " + reconciled + ", stray replicas deleted " + strays
          + "; " + duringTakeover.size() + " client operations completed between the kill and the takeover");
      assertThat(reconciled).as("the new leader corrected the placement of the shard whose move was cut short")
          .isGreaterThanOrEqualTo(1);
      assertThat(strays).as("and deleted the replica that move had removed from the group").isGreaterThanOrEqualTo(1);
      assertThat(duringTakeover).as("writes and searches went on between the kill and the takeover")
          .anyMatch(o -> o.kind() == Op.Kind.UPSERT && o.outcome() == Op.Outcome.OK)
          .anyMatch(o -> o.kind() == Op.Kind.SEARCH && o.outcome() == Op.Outcome.OK);
      awaitEmpty(cluster, number(drained));
      assertPlacementIsTheRing(zk, info.uuid(), draining);
      cluster.restart(cluster.coordinator(first));

      // 2. dn5 joins; the leader holds two moves and is paused past its session; the standby finishes.
      arm(holds(dir, second), "learner-placement");
      arm(holds(dir, second), "add");
      cluster.restart(cluster.dataNode(5));
      status(admin, s -> s.nodes().stream().anyMatch(n -> n.nodeId().equals("dn5") && n.live()));
      RebalancePlan join = admin.rebalanceApply("");
      note("rebalance after dn5 joined (epoch " + s2.coordinatorEpoch() + ", coord" + second + "): " + join.moves());
      assertThat(join.moves()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(m -> assertThat(m.toNode()).isEqualTo("dn5"));
      awaitFile(holds(dir, second).resolve("held-learner-placement"), cluster.coordinator(second));
      awaitFile(holds(dir, second).resolve("held-add"), cluster.coordinator(second));
      ChildJvm deposed = cluster.coordinator(second);
      long pausedAt = System.nanoTime();
      deposed.pause();
      ClusterStatus s3 = status(admin, s -> s.coordinatorLeader().equals("coord" + first)
          && s.coordinatorEpoch() > s2.coordinatorEpoch());
      note("paused coord" + second + " holding two moves; coord" + first + " leads in epoch " + s3.coordinatorEpoch()
          + " after " + millisSince(pausedAt) + " ms; coord" + second + " resumed");
      deposed.resume();
      awaitMovesDone(admin);
      awaitReady(cluster.coordinatorHttpPort(second));

      Stat before = new Stat();
      byte[] placementBefore = zk.getData().storingStatIn(before).forPath(PATHS.placement(COLLECTION));
      Map<Integer, String> groupsBefore = groupConfigurations(cluster, info.uuid(), s3.coordinatorEpoch());
      Files.createFile(holds(dir, second).resolve("release"));
      String metricsDeposed = awaitMetrics(cluster.coordinatorHttpPort(second), m ->
          metric(m, "quiver_coordinator_stale_epoch_refusals_total", "by=\"zookeeper\"") >= 1
              && metric(m, "quiver_coordinator_stale_epoch_refusals_total", "by=\"data-node\"") >= 1);
      Stat after = new Stat();
      byte[] placementAfter = zk.getData().storingStatIn(after).forPath(PATHS.placement(COLLECTION));
      String refusedByZk = "coordinator epoch " + s2.coordinatorEpoch() + " is no longer current";
      String refusedByDataNode = "coordinator epoch " + s2.coordinatorEpoch() + " is older than epoch";
      note("released the deposed coord" + second + ": refusals by ZooKeeper "
          + metric(metricsDeposed, "quiver_coordinator_stale_epoch_refusals_total", "by=\"zookeeper\"") + ", by data nodes "
          + metric(metricsDeposed, "quiver_coordinator_stale_epoch_refusals_total", "by=\"data-node\""));
      assertThat(after.getVersion()).as("the placement znode is as the new leader left it").isEqualTo(before.getVersion());
      assertThat(placementAfter).isEqualTo(placementBefore);
      assertThat(groupConfigurations(cluster, info.uuid(), s3.coordinatorEpoch()))
          .as("every group's Raft configuration is as the new leader left it").isEqualTo(groupsBefore);
      assertThat(Files.readString(deposed.log())).contains(refusedByZk).contains(refusedByDataNode);
      assertThat(dataNodeLogs(cluster)).as("a data node logged the refused Raft change").contains(refusedByDataNode);

      // 3. dn5 took its share, the drained node is still empty, nothing acknowledged was lost.
      assertThat(cluster.status(5, false).orElseThrow()).as("dn5 holds replicas").isNotEmpty();
      awaitEmpty(cluster, number(drained));
      assertPlacementIsTheRing(zk, info.uuid(), draining);
      clients.stop();
      List<String> problems = cluster.awaitConverged(rf, shards, LONG);
      clients.finalRead(history);
      Checker.Result result = new Checker(clients::shardOf).check(history.ops());
      long failedSearches = count(history, Op.Kind.SEARCH, Op.Outcome.FAIL);
      note("searches OK " + count(history, Op.Kind.SEARCH, Op.Outcome.OK) + ", failed " + failedSearches
          + "; gets failed " + count(history, Op.Kind.GET, Op.Outcome.FAIL) + "; replica problems " + problems);
      note(result.summary());
      note("test time " + millisSince(started) / 1000 + " s");
      String verdict = String.join("\n", log);
      History.write(dir.resolve("history.txt"), history.ops(), verdict);
      Files.writeString(dir.resolve("verdict.txt"), verdict + "\n");
      assertThat(problems).as(verdict).isEmpty();
      assertThat(result.violations()).as(verdict).isEmpty();
      assertThat(failedSearches).as(verdict).isZero();
      assertThat(count(history, Op.Kind.UPSERT, Op.Outcome.OK)).as(verdict).isPositive();
    }
  }

  private void note(String line) {
    System.out.println(line);
    log.add(line);
  }

  /** Coordinator {@code i}'s test-hold directory (inside the cluster's, so each run starts with none armed). */
  static Path holds(Path dir, int coordinator) {
    return dir.resolve("holds").resolve("coord" + coordinator);
  }

  static void arm(Path holds, String step) throws Exception {
    Files.createFile(holds.resolve("hold-" + step));
  }

  /** 2 for "coord2" or "dn2". */
  static int number(String nodeId) {
    return Integer.parseInt(nodeId.replaceAll("[^0-9]", ""));
  }

  static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  static long count(History h, Op.Kind kind, Op.Outcome outcome) {
    return h.ops().stream().filter(o -> o.kind() == kind && o.outcome() == outcome).count();
  }

  /** The status once it satisfies {@code ready}; the admin call fails while no coordinator leads. */
  static ClusterStatus status(QuiverClient admin, Predicate<ClusterStatus> ready) {
    return await().atMost(LONG).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(admin::clusterStatus, ready::test);
  }

  /** Until the rebalance plan is empty and no move runs. */
  static void awaitMovesDone(QuiverClient admin) {
    await("moves done").atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> admin.rebalancePlan("").moves().isEmpty() && admin.clusterStatus().movesInProgress() == 0);
  }

  /** Until a move of {@code coordinator} holds at the step that renamed its hold file to {@code file}. */
  static void awaitFile(Path file, ChildJvm coordinator) {
    try {
      await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(file));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no move reached " + file.getFileName() + "; log tail:\n" + coordinator.tail(40), e);
    }
  }

  /** The node with the most replicas. */
  static String busiest(ClusterStatus s) {
    return s.nodes().stream().max(java.util.Comparator.comparingInt(ClusterStatus.Node::replicas)).orElseThrow().nodeId();
  }

  static void awaitEmpty(ProcessCluster cluster, int node) {
    await("dn" + node + " holds no replica").atMost(LONG).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.status(node, false), r -> r.isPresent() && r.get().isEmpty());
  }

  /** Every shard's voters are the ring's choice among the leased, non-draining nodes; no learners. */
  static void assertPlacementIsTheRing(CuratorFramework zk, String uuid, Set<NodeId> draining) throws Exception {
    List<RingNode> nodes = new ArrayList<>();
    for (String id : zk.getChildren().forPath(PATHS.nodes())) {
      var lease = ClusterJson.lease(zk.getData().forPath(PATHS.node(id)));
      if (!draining.contains(lease.nodeId())) {
        nodes.add(RingNode.of(lease));
      }
    }
    HashRing ring = new HashRing(nodes);
    CollectionPlacement p = ClusterJson.placement(zk.getData().forPath(PATHS.placement(COLLECTION)), 0);
    for (ShardPlacement s : p.shards()) {
      assertThat(new HashSet<>(s.voters())).as("shard " + s.shard() + " voters")
          .isEqualTo(new HashSet<>(ring.replicas(UUID.fromString(uuid), s.shard(), RF)));
      assertThat(s.learners()).as("shard " + s.shard() + " learners").isEmpty();
    }
  }

  /**
   * Per shard, its group's voters and learners as its leader describes them (asked with the
   * current epoch; a read changes nothing). Waits out an election in progress.
   */
  static Map<Integer, String> groupConfigurations(ProcessCluster cluster, String uuid, long epoch)
      throws InterruptedException {
    Map<Integer, String> out = new TreeMap<>();
    long giveUp = System.nanoTime() + LONG.toNanos();
    while (out.size() < SHARDS && System.nanoTime() < giveUp) {
      for (int shard = 0; shard < SHARDS; shard++) {
        ReplicaAdminRequest describe = ReplicaAdminRequest.newBuilder().setCoordinatorEpoch(epoch)
            .setShard(ShardRef.newBuilder().setCollectionUuid(uuid).setShard(shard))
            .setDescribe(DescribeGroup.getDefaultInstance()).build();
        for (int i = 1; i <= cluster.dataNodeCount() && !out.containsKey(shard); i++) {
          try {
            ReplicaAdminResponse r = cluster.dataNodeStub(i).withDeadlineAfter(10, TimeUnit.SECONDS).replicaAdmin(describe);
            if (r.getRole().equals("LEADER")) {
              out.put(shard, "voters " + r.getVotersList().stream().map(RaftPeer::getNodeId).sorted().toList()
                  + " learners " + r.getLearnersList().stream().map(RaftPeer::getNodeId).sorted().toList());
            }
          } catch (io.grpc.StatusRuntimeException e) {
            // down or busy: another replica, or the next round
          }
        }
      }
      if (out.size() < SHARDS) {
        Thread.sleep(500);
      }
    }
    return out;
  }

  static String dataNodeLogs(ProcessCluster cluster) throws Exception {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= cluster.dataNodeCount(); i++) {
      all.append(Files.readString(cluster.dataNode(i).log()));
    }
    return all.toString();
  }

  static String scrape(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  /** The sum of a metric's samples whose labels contain {@code label}. */
  static double metric(String metrics, String name, String label) {
    return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  static String awaitMetrics(int port, Predicate<String> ready) {
    return await("metrics").atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> scrape(port), ready::test);
  }

  /** Until the coordinator's /readyz answers 200: back on ZooKeeper and some coordinator leads. */
  static void awaitReady(int port) {
    await("coordinator ready").atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/readyz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }
}
