package io.quiver.coordinator.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ring's promises on simulated clusters: a join or a leave moves about 1/N of the replicas,
 * replicas spread evenly and across zones, and the answer depends on the node set only. The
 * simulation prints its figures (they go into docs/runbooks/rebalancing.md).
 */
class HashRingTest {
  static final long SEED = 0x5eed_10L;
  static final int SHARDS = 10_000;
  static final int RF = 3;

  /** 10,000 shards as 100 collections of 100 shards, their uuids from a fixed seed. */
  static List<UUID> collections() {
    Random r = new Random(SEED);
    List<UUID> out = new ArrayList<>();
    for (int i = 0; i < SHARDS / 100; i++) {
      out.add(new UUID(r.nextLong(), r.nextLong()));
    }
    return out;
  }

  static List<RingNode> nodes(int n) {
    List<RingNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new RingNode(new NodeId(String.format("dn-%04d", i)), 100, ""));
    }
    return out;
  }

  /** Replica sets of every shard, keyed by "uuid/shard". */
  static Map<String, List<NodeId>> placeAll(HashRing ring) {
    Map<String, List<NodeId>> out = new HashMap<>();
    for (UUID c : collections()) {
      for (int s = 0; s < 100; s++) {
        out.put(c + "/" + s, ring.replicas(c, s, RF));
      }
    }
    return out;
  }

  static long moved(Map<String, List<NodeId>> before, Map<String, List<NodeId>> after) {
    long moved = 0;
    for (var e : before.entrySet()) {
      Set<NodeId> now = new HashSet<>(after.get(e.getKey()));
      now.removeAll(e.getValue());
      moved += now.size();
    }
    return moved;
  }

  static double maxOverMean(Map<String, List<NodeId>> placement, int nodes) {
    Map<NodeId, Integer> count = new HashMap<>();
    placement.values().forEach(l -> l.forEach(n -> count.merge(n, 1, Integer::sum)));
    double mean = (double) SHARDS * RF / nodes;
    return Collections.max(count.values()) / mean;
  }

  @ParameterizedTest(name = "{0} nodes")
  @CsvSource({"3, 1.3", "10, 1.3", "100, 1.3", "1000, 1.8"})
  void aJoinOrALeaveMovesAboutOneNthAndReplicasSpreadEvenly(int n, double balanceLimit) {
    List<RingNode> base = nodes(n);
    Map<String, List<NodeId>> before = placeAll(new HashRing(base));

    List<RingNode> joined = new ArrayList<>(base);
    joined.add(new RingNode(new NodeId("dn-joined"), 100, ""));
    Map<String, List<NodeId>> afterJoin = placeAll(new HashRing(joined));
    long joinMoves = moved(before, afterJoin);
    double joinLimit = 1.3 * RF * SHARDS / (n + 1);

    List<RingNode> left = new ArrayList<>(base);
    left.remove(n / 2);
    long leaveMoves = n - 1 >= RF ? moved(before, placeAll(new HashRing(left))) : -1;
    double leaveLimit = 1.3 * RF * SHARDS / n;

    double balance = maxOverMean(before, n);
    System.out.printf("ring seed %x: %4d nodes, %d shards x RF %d: join moves %5d (ideal %5.0f, limit %5.0f),"
            + " leave moves %5d (ideal %5.0f), max/mean replicas per node %.3f%n",
        SEED, n, SHARDS, RF, joinMoves, (double) RF * SHARDS / (n + 1), joinLimit, leaveMoves,
        (double) RF * SHARDS / n, balance);

    assertThat(joinMoves).isPositive().isLessThanOrEqualTo((long) joinLimit);
    // Every replica that moves on a join moves to the new node, never between old nodes.
    long toNewNode = afterJoin.values().stream().filter(l -> l.contains(new NodeId("dn-joined"))).count();
    assertThat(toNewNode).isEqualTo(joinMoves);
    if (leaveMoves >= 0) {
      assertThat(leaveMoves).isLessThanOrEqualTo((long) leaveLimit);
    }
    assertThat(balance).isLessThanOrEqualTo(balanceLimit);
  }

  @Test
  void replicasSpreadAcrossZonesWhenNodesDeclareThem() {
    List<RingNode> nodes = new ArrayList<>();
    String[] zones = {"a", "b", "c"};
    for (int i = 0; i < 12; i++) {
      nodes.add(new RingNode(new NodeId("dn-" + i), 100, zones[i % 3]));
    }
    HashRing ring = new HashRing(nodes);
    Map<NodeId, String> zoneOf = new HashMap<>();
    nodes.forEach(n -> zoneOf.put(n.id(), n.zone()));
    for (var e : placeAll(ring).entrySet()) {
      assertThat(e.getValue().stream().map(zoneOf::get).distinct()).as(e.getKey()).hasSize(3);
    }
  }

  @Test
  void twoZonesForThreeReplicasUseBothAndThenTheNextNode() {
    List<RingNode> nodes = List.of(
        new RingNode(new NodeId("a1"), 100, "a"), new RingNode(new NodeId("a2"), 100, "a"),
        new RingNode(new NodeId("b1"), 100, "b"), new RingNode(new NodeId("b2"), 100, "b"));
    HashRing ring = new HashRing(nodes);
    for (var l : placeAll(ring).values()) {
      assertThat(l).doesNotHaveDuplicates().hasSize(3);
      assertThat(l.subList(0, 2).stream().map(n -> n.value().charAt(0)).distinct()).hasSize(2);
    }
  }

  @Test
  void capacityWeighsTheShareANodeGets() {
    List<RingNode> nodes = new ArrayList<>(nodes(9));
    nodes.add(new RingNode(new NodeId("big"), 200, ""));
    Map<NodeId, Integer> count = new HashMap<>();
    placeAll(new HashRing(nodes)).values().forEach(l -> l.forEach(n -> count.merge(n, 1, Integer::sum)));
    double standardMean = count.entrySet().stream().filter(e -> !e.getKey().value().equals("big"))
        .mapToInt(Map.Entry::getValue).average().orElseThrow();
    double ratio = count.get(new NodeId("big")) / standardMean;
    System.out.printf("capacity 200 vs 100: %.2f times the replicas%n", ratio);
    assertThat(ratio).isBetween(1.6, 2.2);
  }

  @Test
  void thePlacementDependsOnTheNodeSetOnlyNotOnItsOrder() {
    List<RingNode> nodes = nodes(20);
    List<RingNode> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, new Random(SEED));
    assertThat(placeAll(new HashRing(shuffled))).isEqualTo(placeAll(new HashRing(nodes)));
  }

  @Test
  void moreReplicasThanNodesIsRefusedNamingBoth() {
    HashRing ring = new HashRing(nodes(2));
    assertThatThrownBy(() -> ring.replicas(UUID.randomUUID(), 0, 3))
        .isInstanceOf(QuiverException.class)
        .hasMessage("replication_factor 3 needs 3 live data nodes but 2 are live");
  }
}
