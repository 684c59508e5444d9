package io.quiver.coordinator.placement;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.Murmur3;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A consistent-hash ring of data nodes. Each node owns {@code round(VNODES_PER_STANDARD_NODE *
 * capacity / 100)} virtual nodes (at least one), placed at the hash of its id and the vnode
 * number, so a node's points never depend on the other nodes: a join or a leave moves only the
 * replicas whose clockwise walk meets the changed node, about 1/N of them.
 *
 * <p>A shard's replicas are the first {@code rf} distinct nodes clockwise from the hash of
 * (collection uuid, shard), taking at first only nodes of zones not yet used (a node without a
 * zone counts as a zone of its own) and, when the zones run out, the nodes the walk skipped, in
 * walk order. The result is a pure function of the node set: every coordinator computes the same.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class HashRing {
  /** Virtual nodes of a node of capacity 100 (the data node's default). */
  public static final int VNODES_PER_STANDARD_NODE = 256;
  private static final int STANDARD_CAPACITY = 100;
  private static final int SEED = 0x51_7c_c1_b7;

  private final long[] points;
  private final RingNode[] owners;
  private final int nodeCount;
  private final int spreadKeys;

  public HashRing(Collection<RingNode> nodes) {
    TreeMap<NodeId, RingNode> byId = new TreeMap<>();
    for (RingNode n : nodes) {
      if (byId.put(n.id(), n) != null) {
        throw new IllegalArgumentException("ring node " + n.id() + " given twice");
      }
    }
    this.nodeCount = byId.size();
    this.spreadKeys = (int) byId.values().stream().map(RingNode::spreadKey).distinct().count();
    int total = byId.values().stream().mapToInt(HashRing::vnodes).sum();
    long[] keys = new long[total];
    RingNode[] who = new RingNode[total];
    int i = 0;
    for (RingNode n : byId.values()) {
      for (int v = 0; v < vnodes(n); v++) {
        keys[i] = hash(n.id().value() + "#" + v);
        who[i] = n;
        i++;
      }
    }
    Integer[] order = new Integer[total];
    Arrays.setAll(order, k -> k);
    // Ties between two nodes' points (vanishingly rare) break by node id, so the order is total.
    Arrays.sort(order, (a, b) -> {
      int c = Long.compareUnsigned(keys[a], keys[b]);
      return c != 0 ? c : who[a].id().compareTo(who[b].id());
    });
    this.points = new long[total];
    this.owners = new RingNode[total];
    for (int k = 0; k < total; k++) {
      points[k] = keys[order[k]];
      owners[k] = who[order[k]];
    }
  }

  static int vnodes(RingNode n) {
    return Math.max(1, (int) Math.round((double) VNODES_PER_STANDARD_NODE * n.capacity() / STANDARD_CAPACITY));
  }

  public int size() {
    return nodeCount;
  }

  /**
   * The {@code rf} nodes of shard {@code shard} of collection {@code collection}, first one first.
   *
   * @throws QuiverException FAILED_PRECONDITION naming both numbers when {@code rf} exceeds the nodes
   */
  public List<NodeId> replicas(UUID collection, int shard, int rf) {
    if (rf < 1) {
      throw new IllegalArgumentException("replication factor must be >= 1 but was " + rf);
    }
    if (rf > nodeCount) {
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION,
          "replication_factor " + rf + " needs " + rf + " live data nodes but " + nodeCount + " are live");
    }
    int start = firstAtOrAfter(hash(collection + "/" + shard));
    int wantZones = Math.min(rf, spreadKeys);
    List<NodeId> chosen = new ArrayList<>(rf);
    Set<String> usedKeys = new HashSet<>();
    // Every distinct node the walk passed, in walk order; the zone-skipped ones fill up at the end.
    LinkedHashSet<NodeId> seen = new LinkedHashSet<>();
    for (int step = 0; step < points.length && (chosen.size() < wantZones || seen.size() < rf); step++) {
      RingNode n = owners[(start + step) % points.length];
      if (seen.add(n.id()) && chosen.size() < wantZones && usedKeys.add(n.spreadKey())) {
        chosen.add(n.id());
      }
    }
    for (NodeId n : seen) {
      if (chosen.size() == rf) {
        break;
      }
      if (!chosen.contains(n)) {
        chosen.add(n);
      }
    }
    return List.copyOf(chosen);
  }

  /** Every shard of a collection placed on this ring, all replicas as voters. */
  public CollectionPlacement place(UUID collection, int shards, int rf) {
    List<ShardPlacement> out = new ArrayList<>(shards);
    for (int s = 0; s < shards; s++) {
      out.add(new ShardPlacement(s, replicas(collection, s, rf), List.of()));
    }
    return new CollectionPlacement(out, 0);
  }

  private int firstAtOrAfter(long key) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  private static long hash(String s) {
    return Murmur3.hash64(s.getBytes(StandardCharsets.UTF_8), SEED);
  }
}
