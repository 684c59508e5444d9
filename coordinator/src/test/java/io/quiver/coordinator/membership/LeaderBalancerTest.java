package io.quiver.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The balancer's plan on simulated clusters: leaders end within one per node, moving only to followers. */
class LeaderBalancerTest {
  @Test
  void everyShardLedByOneNodeIsSpreadUntilEachNodeLeadsItsShare() {
    Set<NodeId> nodes = nodes(3);
    Map<ShardId, NodeId> leaders = new HashMap<>();
    Map<ShardId, List<NodeId>> followers = new HashMap<>();
    UUID c = UUID.randomUUID();
    for (int s = 0; s < 12; s++) {
      leaders.put(new ShardId(c, s), node(1));
      followers.put(new ShardId(c, s), List.of(node(2), node(3)));
    }
    List<LeaderBalancer.Transfer> first = LeaderBalancer.plan(leaders, followers, nodes, 1);
    assertThat(first).singleElement().satisfies(t -> {
      assertThat(t.from()).isEqualTo(node(1));
      assertThat(followers.get(t.shard())).contains(t.to());
    });
    int rounds = rounds(leaders, followers, nodes);
    assertThat(led(leaders, nodes)).containsExactly(4, 4, 4);
    assertThat(rounds).isEqualTo(8); // the fewest transfers: 8 of node 1's 12 leave it
  }

  @Test
  void aBalanceWithinOneLeaderPerNodeIsLeftAlone() {
    Set<NodeId> nodes = nodes(3);
    UUID c = UUID.randomUUID();
    // Four shards on three nodes: 2, 1, 1 is as even as whole shards allow.
    Map<ShardId, NodeId> leaders = Map.of(new ShardId(c, 0), node(1), new ShardId(c, 1), node(1),
        new ShardId(c, 2), node(2), new ShardId(c, 3), node(3));
    Map<ShardId, List<NodeId>> followers = Map.of(new ShardId(c, 0), List.of(node(2), node(3)),
        new ShardId(c, 1), List.of(node(2), node(3)), new ShardId(c, 2), List.of(node(1), node(3)),
        new ShardId(c, 3), List.of(node(1), node(2)));
    assertThat(LeaderBalancer.plan(leaders, followers, nodes, 10)).isEmpty();
    // One more shard led by n1 makes it 3, 1, 1: one transfer, to either follower.
    Map<ShardId, NodeId> more = new HashMap<>(leaders);
    more.put(new ShardId(c, 4), node(1));
    Map<ShardId, List<NodeId>> moreFollowers = new HashMap<>(followers);
    moreFollowers.put(new ShardId(c, 4), List.of(node(2), node(3)));
    assertThat(LeaderBalancer.plan(more, moreFollowers, nodes, 10)).singleElement()
        .satisfies(t -> assertThat(t.from()).isEqualTo(node(1)));
  }

  @Test
  void leadershipGoesOnlyToAFollowerOfTheShard() {
    // n3 leads nothing but follows none of n1's shards: nothing can go to it.
    Set<NodeId> nodes = nodes(3);
    UUID c = UUID.randomUUID();
    Map<ShardId, NodeId> leaders = new HashMap<>();
    Map<ShardId, List<NodeId>> followers = new HashMap<>();
    for (int s = 0; s < 4; s++) {
      leaders.put(new ShardId(c, s), node(1));
      followers.put(new ShardId(c, s), List.of(node(2)));
    }
    List<LeaderBalancer.Transfer> plan = LeaderBalancer.plan(leaders, followers, nodes, 10);
    assertThat(plan).hasSize(2).allSatisfy(t -> assertThat(t.to()).isEqualTo(node(2)));
  }

  @Test
  void randomClustersEndWithinOneLeaderPerNodeOfTheirFollowersAllow() {
    Random r = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int n = 3 + r.nextInt(10);
      Set<NodeId> nodes = nodes(n);
      List<NodeId> all = new ArrayList<>(nodes);
      Map<ShardId, NodeId> leaders = new HashMap<>();
      Map<ShardId, List<NodeId>> followers = new HashMap<>();
      UUID c = UUID.randomUUID();
      int shards = 10 + r.nextInt(200);
      for (int s = 0; s < shards; s++) {
        // RF=3 on random nodes; leadership skewed to the low-numbered nodes, as after restarts.
        List<NodeId> replicas = new ArrayList<>(all);
        java.util.Collections.shuffle(replicas, r);
        replicas = new ArrayList<>(replicas.subList(0, 3));
        replicas.sort(null);
        ShardId id = new ShardId(c, s);
        leaders.put(id, replicas.get(0));
        followers.put(id, replicas.subList(1, 3));
      }
      rounds(leaders, followers, nodes);
      List<Integer> led = led(leaders, nodes);
      int max = led.stream().mapToInt(Integer::intValue).max().orElseThrow();
      int min = led.stream().mapToInt(Integer::intValue).min().orElseThrow();
      // With RF=3 every node follows enough shards of the busiest one for the spread to close.
      assertThat(max - min).as("trial %d: %d nodes, %d shards, leaders per node %s", trial, n, shards, led)
          .isLessThanOrEqualTo(1);
    }
  }

  /** Applies one-transfer rounds until the plan is empty; returns how many were made. */
  private static int rounds(Map<ShardId, NodeId> leaders, Map<ShardId, List<NodeId>> followers, Set<NodeId> nodes) {
    int made = 0;
    while (true) {
      List<LeaderBalancer.Transfer> plan = LeaderBalancer.plan(leaders, followers, nodes, 1);
      if (plan.isEmpty()) {
        return made;
      }
      for (LeaderBalancer.Transfer t : plan) {
        assertThat(leaders.get(t.shard())).isEqualTo(t.from());
        assertThat(followers.get(t.shard())).contains(t.to());
        leaders.put(t.shard(), t.to());
        List<NodeId> f = new ArrayList<>(followers.get(t.shard()));
        f.replaceAll(x -> x.equals(t.to()) ? t.from() : x);
        followers.put(t.shard(), f);
        made++;
      }
      assertThat(made).isLessThan(100_000);
    }
  }

  private static List<Integer> led(Map<ShardId, NodeId> leaders, Set<NodeId> nodes) {
    Map<NodeId, Integer> counts = new TreeMap<>();
    nodes.forEach(n -> counts.put(n, 0));
    leaders.values().forEach(n -> counts.merge(n, 1, Integer::sum));
    return new ArrayList<>(counts.values());
  }

  private static Set<NodeId> nodes(int n) {
    Set<NodeId> out = new TreeSet<>();
    for (int i = 1; i <= n; i++) {
      out.add(node(i));
    }
    return out;
  }

  private static NodeId node(int i) {
    return new NodeId(String.format("n%02d", i));
  }
}
