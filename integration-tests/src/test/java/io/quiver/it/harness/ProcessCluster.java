package io.quiver.it.harness;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.NodeStatusRequest;
import io.quiver.proto.v1.internal.NodeStatusResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A whole Quiver cluster as separate processes on loopback: ZooKeeper members, coordinators, data
 * nodes and query nodes, each a {@link ChildJvm} started through {@code io.quiver.server.Main} with
 * its own log under {@code dir/logs}. Timeouts are about three times the defaults so that CPU
 * starvation on two cores does not pass for a failure. Every port is fixed at construction, so a
 * killed node restarts on the same address and data directory.
 *
 * <p>With {@link Spec#networkNamespaces()}, each data node runs in a network namespace of its own
 * ({@link NetworkNamespaces}) so that links can be cut; where namespaces cannot be made, the
 * cluster runs on loopback and {@link #networkUnavailable()} says why. Spare data nodes are made
 * but not started: a test starts one to have a node join.
 */
public final class ProcessCluster implements AutoCloseable {
  /**
   * The shape and timing of a cluster.
   *
   * @param dataNodes data nodes started with the cluster
   * @param dataNodeFaults per data node (from 1), the {@code quiver.test-faults} it runs with
   * @param spareDataNodes data nodes numbered after those, made but left for the test to start
   * @param networkNamespaces each data node in a network namespace of its own, where that is possible
   */
  public record Spec(int zkMembers, int coordinators, int dataNodes, int queryNodes, Duration electionMin,
      Duration electionMax, Duration zkSession, Duration requestDeadline, Map<Integer, String> dataNodeFaults,
      int spareDataNodes, boolean networkNamespaces) {
    public Spec {
      if (zkMembers < 1 || coordinators < 1 || dataNodes < 1 || queryNodes < 1) {
        throw new IllegalArgumentException("every role needs at least one process: " + zkMembers + "/" + coordinators
            + "/" + dataNodes + "/" + queryNodes);
      }
      if (spareDataNodes < 0) {
        throw new IllegalArgumentException("spare data nodes must be >= 0 but was " + spareDataNodes);
      }
      dataNodeFaults = Map.copyOf(dataNodeFaults);
    }

    /** Three times the default timeouts: election 3-6 s, ZooKeeper session 30 s, request deadline 20 s. */
    public static Spec of(int zkMembers, int coordinators, int dataNodes, int queryNodes) {
      return new Spec(zkMembers, coordinators, dataNodes, queryNodes, Duration.ofSeconds(3), Duration.ofSeconds(6),
          Duration.ofSeconds(30), Duration.ofSeconds(20), Map.of(), 0, false);
    }

    public Spec withFaults(Map<Integer, String> faults) {
      return new Spec(zkMembers, coordinators, dataNodes, queryNodes, electionMin, electionMax, zkSession,
          requestDeadline, faults, spareDataNodes, networkNamespaces);
    }

    public Spec withSpareDataNodes(int spares) {
      return new Spec(zkMembers, coordinators, dataNodes, queryNodes, electionMin, electionMax, zkSession,
          requestDeadline, dataNodeFaults, spares, networkNamespaces);
    }

    public Spec withNetworkNamespaces(boolean on) {
      return new Spec(zkMembers, coordinators, dataNodes, queryNodes, electionMin, electionMax, zkSession,
          requestDeadline, dataNodeFaults, spareDataNodes, on);
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Spec spec;
  private final ZkEnsemble zk;
  private final List<ChildJvm> coordinators = new ArrayList<>();
  private final List<ChildJvm> dataNodes = new ArrayList<>();
  private final List<ChildJvm> queryNodes = new ArrayList<>();
  private final List<Integer> dataNodePorts = new ArrayList<>();
  private final List<String> dataNodeHosts = new ArrayList<>();
  /** Null on loopback. */
  private final NetworkNamespaces network;
  /** Why the data nodes run on loopback though namespaces were asked for; null otherwise. */
  private final String networkUnavailable;
  private final List<Integer> queryNodePorts = new ArrayList<>();
  private final List<Integer> coordinatorHttpPorts = new ArrayList<>();
  private final Map<ChildJvm, String> readyMarker = new HashMap<>();
  /** Channels to data nodes by number; guarded by itself. */
  private final Map<Integer, ManagedChannel> channels = new HashMap<>();

  /** A new cluster in {@code dir}, emptied first: a run of an earlier build would start it on its old data. */
  public ProcessCluster(Path dir, Spec spec) throws IOException {
    this.spec = spec;
    deleteTree(dir);
    NetworkNamespaces net = null;
    String unavailable = null;
    if (spec.networkNamespaces()) {
      try {
        net = NetworkNamespaces.create(spec.dataNodes() + spec.spareDataNodes());
      } catch (IOException e) {
        unavailable = e.getMessage();
      }
    }
    network = net;
    networkUnavailable = unavailable;
    Ports ports = new Ports();
    zk = new ZkEnsemble(dir, spec.zkMembers(), ports, net == null ? "127.0.0.1" : net.address(NetworkNamespaces.REST));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<String> common = List.of("--zookeeper", zk.connectString(),
        "--set", "zookeeper.session-timeout=" + spec.zkSession().toMillis() + "ms",
        "--set", "zookeeper.connection-timeout=" + spec.zkSession().toMillis() + "ms");
    for (int i = 1; i <= spec.coordinators(); i++) {
      int port = ports.next();
      coordinatorHttpPorts.add(ports.next());
      List<String> a = new ArrayList<>(List.of("coordinator", "--node-id", "coord" + i, "--port", "" + port,
          "--set", "coordinator.http-port=" + coordinatorHttpPorts.get(i - 1)));
      a.addAll(common);
      add(coordinators, new ChildJvm("coord" + i, logs.resolve("coord" + i + ".log"), "128m", List.of(),
          "io.quiver.server.Main", a), "coordinator: serving on");
    }
    for (int i = 1; i <= spec.dataNodes() + spec.spareDataNodes(); i++) {
      int port = ports.next();
      String host = net == null ? "127.0.0.1" : net.address(i);
      dataNodePorts.add(port);
      dataNodeHosts.add(host);
      List<String> a = new ArrayList<>(List.of("data-node", "--node-id", "dn" + i, "--host", host, "--port", "" + port,
          "--raft-port", "" + ports.next(), "--data-dir", dir.resolve("dn" + i).toString(),
          "--set", "data-node.http-port=" + ports.next(),
          "--set", "data-node.raft.election-timeout-min=" + spec.electionMin().toMillis() + "ms",
          "--set", "data-node.raft.election-timeout-max=" + spec.electionMax().toMillis() + "ms"));
      a.addAll(common);
      String faults = spec.dataNodeFaults().get(i);
      List<String> jvm = faults == null ? List.of() : List.of("-Dquiver.test-faults=" + faults);
      add(dataNodes, new ChildJvm(net == null ? List.of() : net.launcher(i), "dn" + i, logs.resolve("dn" + i + ".log"),
          "256m", jvm, "io.quiver.server.Main", a), "data-node: serving on");
    }
    for (int i = 1; i <= spec.queryNodes(); i++) {
      int port = ports.next();
      queryNodePorts.add(port);
      List<String> a = new ArrayList<>(List.of("query-node", "--node-id", "qn" + i, "--port", "" + port,
          "--set", "query-node.http-port=" + ports.next(),
          "--set", "query-node.request-deadline=" + spec.requestDeadline().toMillis() + "ms"));
      a.addAll(common);
      add(queryNodes, new ChildJvm("qn" + i, logs.resolve("qn" + i + ".log"), "160m", List.of(),
          "io.quiver.server.Main", a), "query-node: serving on");
    }
  }

  private void add(List<ChildJvm> list, ChildJvm jvm, String marker) {
    list.add(jvm);
    readyMarker.put(jvm, marker);
  }

  /** Starts every process but the spare data nodes: ZooKeeper first, then coordinators, data nodes and query nodes. */
  public ProcessCluster start() throws IOException, InterruptedException {
    zk.start(START_TIMEOUT);
    for (List<ChildJvm> role : List.of(coordinators, dataNodes.subList(0, spec.dataNodes()), queryNodes)) {
      for (ChildJvm j : role) {
        j.start();
      }
      for (ChildJvm j : role) {
        j.awaitLog(readyMarker.get(j), START_TIMEOUT);
      }
    }
    return this;
  }

  public Spec spec() {
    return spec;
  }

  public ZkEnsemble zk() {
    return zk;
  }

  /** The data nodes' namespaces, or empty when they run on loopback. */
  public Optional<NetworkNamespaces> network() {
    return Optional.ofNullable(network);
  }

  /** Why namespaces were asked for and could not be made, or null. */
  public String networkUnavailable() {
    return networkUnavailable;
  }

  /** Data node {@code i}, from 1. */
  public ChildJvm dataNode(int i) {
    return dataNodes.get(i - 1);
  }

  public ChildJvm coordinator(int i) {
    return coordinators.get(i - 1);
  }

  public ChildJvm queryNode(int i) {
    return queryNodes.get(i - 1);
  }

  public String queryEndpoint(int i) {
    return "127.0.0.1:" + queryNodePorts.get(i - 1);
  }

  /** Starts a stopped process again (same arguments, data and ports), or a spare for the first time, and waits until it serves. */
  public void restart(ChildJvm jvm) throws IOException, InterruptedException {
    if (jvm.isAlive()) {
      return;
    }
    jvm.start();
    String marker = readyMarker.get(jvm);
    if (marker != null) {
      jvm.awaitLog(marker, START_TIMEOUT);
    } else {
      for (int i = 1; i <= zk.size(); i++) {
        if (zk.member(i) == jvm) {
          zk.awaitServing(i, START_TIMEOUT);
        }
      }
    }
  }

  /** Every process, for the nemesis and for sweeps. */
  public List<ChildJvm> all() {
    List<ChildJvm> out = new ArrayList<>();
    for (int i = 1; i <= zk.size(); i++) {
      out.add(zk.member(i));
    }
    out.addAll(coordinators);
    out.addAll(dataNodes);
    out.addAll(queryNodes);
    return out;
  }

  /** One replica as a data node's NodeStatus reports it. */
  public record Replica(int node, String collectionUuid, int shard, String role, long appliedIndex, long term,
      String leaderPeerId, String digest, long digestRows, long digestIndex) {}

  /** Data node {@code i}'s replicas, or empty when it is down, paused or does not answer in 10 s. */
  public Optional<List<Replica>> status(int i, boolean withDigests) {
    return status(i, withDigests, Duration.ofSeconds(10));
  }

  /** Whether data node {@code i} answers the test within {@code timeout}: how a cut link to it shows. */
  public boolean answers(int i, Duration timeout) {
    return status(i, false, timeout).isPresent();
  }

  private Optional<List<Replica>> status(int i, boolean withDigests, Duration timeout) {
    ChildJvm jvm = dataNode(i);
    if (!jvm.isAlive() || jvm.paused()) {
      return Optional.empty();
    }
    try {
      NodeStatusResponse r = DataNodeGrpc.newBlockingStub(channel(i)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .nodeStatus(NodeStatusRequest.newBuilder().setWithDigests(withDigests).build());
      List<Replica> out = new ArrayList<>();
      r.getReplicasList().forEach(s -> out.add(new Replica(i, s.getShard().getCollectionUuid(), s.getShard().getShard(),
          s.getRole(), s.getAppliedIndex(), s.getTerm(), s.getLeaderPeerId(), s.getDigest(), s.getDigestRows(),
          s.getDigestAppliedIndex())));
      return Optional.of(out);
    } catch (io.grpc.StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /** A blocking stub of data node {@code i}'s internal API (for what {@link #status} does not show). */
  public DataNodeGrpc.DataNodeBlockingStub dataNodeStub(int i) {
    return DataNodeGrpc.newBlockingStub(channel(i));
  }

  /** The HTTP port ({@code /metrics}, {@code /readyz}) of coordinator {@code i}, from 1. */
  public int coordinatorHttpPort(int i) {
    return coordinatorHttpPorts.get(i - 1);
  }

  /** Every answering data node's replicas. */
  public List<Replica> replicas(boolean withDigests) {
    List<Replica> out = new ArrayList<>();
    for (int i = 1; i <= dataNodes.size(); i++) {
      status(i, withDigests).ifPresent(out::addAll);
    }
    return out;
  }

  /** The data node leading the shard now (highest term among replicas that say leader), or 0. */
  public int leaderOf(String collectionUuid, int shard) {
    return replicas(false).stream()
        .filter(r -> r.collectionUuid().equals(collectionUuid) && r.shard() == shard && r.role().equals("leader"))
        .max(java.util.Comparator.comparingLong(Replica::term))
        .map(Replica::node).orElse(0);
  }

  /**
   * What keeps the replicas from agreeing now: per shard of the given collections (uuid to
   * replication factor), a live replica missing, no leader, applied indexes or digests differing.
   * Empty once every shard is back at its replication factor with equal digests at equal index.
   */
  public List<String> replicaProblems(Map<String, Integer> rfByCollection, Map<String, Integer> shardsByCollection) {
    List<String> problems = new ArrayList<>();
    List<Replica> all = replicas(true);
    for (Map.Entry<String, Integer> c : rfByCollection.entrySet()) {
      for (int s = 0; s < shardsByCollection.get(c.getKey()); s++) {
        int shard = s;
        List<Replica> rs = all.stream().filter(r -> r.collectionUuid().equals(c.getKey()) && r.shard() == shard).toList();
        String name = c.getKey().substring(0, 8) + "/" + s;
        if (rs.size() != c.getValue()) {
          problems.add(name + ": " + rs.size() + " live replicas, replication factor " + c.getValue());
        }
        if (rs.stream().noneMatch(r -> r.role().equals("leader"))) {
          problems.add(name + ": no leader among " + rs);
        }
        if (rs.stream().map(Replica::digestIndex).distinct().count() > 1) {
          problems.add(name + ": applied indexes differ " + rs.stream().map(r -> "dn" + r.node() + "@" + r.digestIndex()).toList());
        } else if (rs.stream().map(Replica::digest).distinct().count() > 1) {
          problems.add(name + ": DIVERGENT replicas at equal applied index " + rs.stream()
              .map(r -> "dn" + r.node() + "@" + r.digestIndex() + "=" + r.digest().substring(0, 12) + "/" + r.digestRows() + " rows")
              .toList());
        }
      }
    }
    return problems;
  }

  /** Polls {@link #replicaProblems} until there are none or the time is up; returns the last problems. */
  public List<String> awaitConverged(Map<String, Integer> rf, Map<String, Integer> shards, Duration timeout)
      throws InterruptedException {
    long giveUp = System.nanoTime() + timeout.toNanos();
    List<String> last;
    do {
      last = replicaProblems(rf, shards);
      if (last.isEmpty()) {
        return last;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < giveUp);
    return last;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public int dataNodeCount() {
    return dataNodes.size();
  }

  private ManagedChannel channel(int i) {
    synchronized (channels) {
      return channels.computeIfAbsent(i,
          n -> ManagedChannelBuilder.forAddress(dataNodeHosts.get(n - 1), dataNodePorts.get(n - 1)).usePlaintext().build());
    }
  }

  /** Kills every process (SIGKILL: nothing here needs a clean stop), closes the channels and removes the namespaces. */
  @Override
  public void close() throws InterruptedException, IOException {
    synchronized (channels) {
      channels.values().forEach(ManagedChannel::shutdownNow);
      channels.clear();
    }
    List<ChildJvm> all = all();
    java.util.Collections.reverse(all);
    for (ChildJvm j : all) {
      j.kill();
    }
    if (network != null) {
      network.close();
    }
  }
}
