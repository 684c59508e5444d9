package io.quiver.coordinator.membership;

import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.FenceRefusals;
import io.quiver.coordinator.election.FencedWrites;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which data nodes hold a lease, which lost theirs and since when. The time a lease was first
 * missed is written to {@code nodes-lost/<node-id>} (fenced by the epoch), so the replace-delay
 * clock survives a coordinator failover; a node that returns, in any incarnation, clears it.
 */
public final class NodeLoss {
  private static final Logger log = LoggerFactory.getLogger(NodeLoss.class);

  /**
   * One look at the data nodes. {@code replaceable} are the lost nodes past the replace delay,
   * empty during a mass outage (more than a third of the data nodes without a lease).
   */
  public record View(Map<NodeId, NodeLease> live, Map<NodeId, Long> lostSince, Set<NodeId> replaceable,
      boolean massOutage) {
    public View {
      live = Map.copyOf(live);
      lostSince = Map.copyOf(lostSince);
      replaceable = Set.copyOf(replaceable);
    }
  }

  private final CuratorFramework zk;
  private final ZkPaths paths;
  private final Clock clock;
  private final FenceRefusals refusals;

  public NodeLoss(CuratorFramework zk, ZkPaths paths, Clock clock, FenceRefusals refusals) {
    this.zk = zk;
    this.paths = paths;
    this.clock = clock;
    this.refusals = refusals;
  }

  /** Counting its refusals nowhere (tests). */
  NodeLoss(CuratorFramework zk, ZkPaths paths, Clock clock) {
    this(zk, paths, clock, new FenceRefusals());
  }

  /**
   * Records newly lost nodes among {@code placed} (every node some placement names), clears the
   * records of nodes that are back or no longer placed, and says which lost nodes may be replaced.
   *
   * @throws QuiverException STALE_EPOCH when this coordinator was deposed (nothing was written)
   */
  public View look(Fence fence, Collection<NodeId> placed, Duration replaceDelay) {
    try {
      Map<NodeId, NodeLease> live = leases();
      Map<NodeId, Long> lost = lostRecords();
      long now = clock.millis();
      List<CuratorOp> ops = new ArrayList<>();
      for (NodeId n : new TreeSet<>(placed)) {
        if (!live.containsKey(n) && !lost.containsKey(n)) {
          ops.add(zk.transactionOp().create().forPath(paths.nodeLost(n.value()), Long.toString(now).getBytes(StandardCharsets.UTF_8)));
          lost.put(n, now);
          log.warn("data node {} lost its lease; its replicas are replaced after {} unless it returns", n, replaceDelay);
        }
      }
      for (NodeId n : List.copyOf(lost.keySet())) {
        if (live.containsKey(n) || !placed.contains(n)) {
          ops.add(zk.transactionOp().delete().forPath(paths.nodeLost(n.value())));
          lost.remove(n);
          log.info("data node {} {}: its loss record is cleared", n, live.containsKey(n) ? "is back" : "holds no replica");
        }
      }
      if (!ops.isEmpty()) {
        FencedWrites.ensure(zk, paths.nodesLost());
        FencedWrites.commit(zk, paths, fence, refusals, ops);
      }
      boolean massOutage = lost.size() * 3 > live.size() + lost.size();
      Set<NodeId> replaceable = new TreeSet<>();
      if (!massOutage) {
        lost.forEach((n, since) -> {
          if (now - since >= replaceDelay.toMillis()) {
            replaceable.add(n);
          }
        });
      }
      return new View(live, lost, replaceable, massOutage);
    } catch (QuiverException e) {
      throw e;
    } catch (Exception e) {
      throw new QuiverException(ErrorCode.UNAVAILABLE, "cannot read the data nodes' leases: " + e.getMessage(), e);
    }
  }

  private Map<NodeId, NodeLease> leases() throws Exception {
    Map<NodeId, NodeLease> out = new TreeMap<>();
    if (zk.checkExists().forPath(paths.nodes()) == null) {
      return out;
    }
    for (String id : zk.getChildren().forPath(paths.nodes())) {
      try {
        NodeLease l = ClusterJson.lease(zk.getData().forPath(paths.node(id)));
        out.put(l.nodeId(), l);
      } catch (KeeperException.NoNodeException e) {
        // the lease ended while we listed: the node counts as lost
      }
    }
    return out;
  }

  private Map<NodeId, Long> lostRecords() throws Exception {
    Map<NodeId, Long> out = new TreeMap<>();
    if (zk.checkExists().forPath(paths.nodesLost()) == null) {
      return out;
    }
    for (String id : zk.getChildren().forPath(paths.nodesLost())) {
      byte[] data = zk.getData().forPath(paths.nodeLost(id));
      out.put(new NodeId(id), Long.parseLong(new String(data, StandardCharsets.UTF_8).trim()));
    }
    return out;
  }
}
