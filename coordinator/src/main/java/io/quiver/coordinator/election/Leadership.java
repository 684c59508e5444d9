package io.quiver.coordinator.election;

import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.LeaderInfo;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.QuiverException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this coordinator leads, and the fence its writes carry. On winning the latch it bumps
 * the epoch (a compare-and-set on the epoch znode) and publishes itself as leader in the same
 * fenced transaction; only then does it count as leader. Losing the latch drops the fence at once.
 */
public final class Leadership implements LeaderLatchListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);
  private static final String ID_SEPARATOR = "@";

  private final CuratorFramework zk;
  private final ZkPaths paths;
  private final String nodeId;
  // Set once by start(address): the latch id carries the gRPC address, known only after binding.
  private volatile String address;
  private volatile LeaderLatch latch;
  // Latch callbacks run here, one at a time, off Curator's event thread (they do blocking ZooKeeper calls).
  private final ExecutorService callbacks;
  // The fence while leading, else null; written by the callback thread, read by request threads.
  private volatile Fence fence;
  private final FenceRefusals refusals = new FenceRefusals();

  public Leadership(CuratorFramework zk, ZkPaths paths, String nodeId) {
    this.zk = zk;
    this.paths = paths;
    this.nodeId = nodeId;
    this.callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "leadership-" + nodeId));
  }

  /** Joins the election, announcing {@code address} (host:port of the public API) when leading. */
  public void start(String address) {
    this.address = address;
    LeaderLatch latch =
        new LeaderLatch(zk, paths.leaderLatch(), nodeId + ID_SEPARATOR + address, LeaderLatch.CloseMode.NOTIFY_LEADER);
    this.latch = latch;
    latch.addListener(this, callbacks);
    try {
      latch.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot join the coordinator election at " + paths.leaderLatch(), e);
    }
  }

  /** True once this coordinator holds the latch and has bumped the epoch. */
  public boolean leads() {
    LeaderLatch l = latch;
    return fence != null && l != null && l.hasLeadership();
  }

  /**
   * The fence for a write or a leader-only answer.
   *
   * @throws QuiverException UNAVAILABLE naming the leader when this coordinator does not lead
   */
  public Fence fence() {
    Fence f = fence;
    LeaderLatch l = latch;
    if (f == null || l == null || !l.hasLeadership()) {
      String leader = leaderDescription();
      if (leader.equals(nodeId) || leader.startsWith(nodeId + " at ")) {
        // The latch names this coordinator while it is still taking the epoch, or after it lost
        // leadership before its latch node went: "not the leader; the leader is <itself>" helped no one.
        throw QuiverException.unavailable("coordinator " + nodeId
            + " is between terms (taking over or stepping down as leader); retry shortly");
      }
      throw QuiverException.unavailable("coordinator " + nodeId + " is not the leader; the leader is " + leader);
    }
    return f;
  }

  /** The writes and requests of this coordinator that were refused for a stale epoch. */
  public FenceRefusals refusals() {
    return refusals;
  }

  /** The current epoch while leading, else 0. */
  public long epoch() {
    Fence f = fence;
    return f == null ? 0 : f.epoch();
  }

  /** {@code "<node-id> at <address>"} of the latch holder, or "unknown" during an election. */
  public String leaderDescription() {
    LeaderLatch l = latch;
    if (l == null) {
      return "unknown (this coordinator has not joined the election)";
    }
    try {
      Participant p = l.getLeader();
      if (p == null || p.getId().isEmpty()) {
        return "unknown (an election is in progress)";
      }
      int at = p.getId().indexOf(ID_SEPARATOR);
      return at < 0 ? p.getId() : p.getId().substring(0, at) + " at " + p.getId().substring(at + 1);
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  @Override
  public void isLeader() {
    try {
      Fence f = bumpEpoch();
      publish(f);
      fence = f;
      log.info("coordinator {} leads in epoch {}", nodeId, f.epoch());
    } catch (Exception e) {
      // Without a bumped epoch this node must not act as leader; give the latch up so another can.
      log.error("coordinator {} won the latch but could not take the epoch; stepping down", nodeId, e);
      fence = null;
      rejoin();
    }
  }

  @Override
  public void notLeader() {
    if (fence != null) {
      log.info("coordinator {} no longer leads (epoch {})", nodeId, fence.epoch());
    }
    fence = null;
  }

  private Fence bumpEpoch() throws Exception {
    try {
      zk.create().creatingParentsIfNeeded().forPath(paths.epoch(), "0".getBytes(StandardCharsets.UTF_8));
    } catch (KeeperException.NodeExistsException e) {
      // another leader made it before us
    }
    while (true) {
      Stat stat = new Stat();
      byte[] data = zk.getData().storingStatIn(stat).forPath(paths.epoch());
      long next = Long.parseLong(new String(data, StandardCharsets.UTF_8).trim()) + 1;
      try {
        Stat after =
            zk.setData().withVersion(stat.getVersion()).forPath(paths.epoch(), Long.toString(next).getBytes(StandardCharsets.UTF_8));
        return new Fence(next, after.getVersion());
      } catch (KeeperException.BadVersionException e) {
        // someone bumped it between our read and write: read again
      }
    }
  }

  private void publish(Fence f) throws Exception {
    byte[] me = ClusterJson.leader(new LeaderInfo(nodeId, address, f.epoch()));
    var ops = zk.transactionOp();
    var check = ops.check().withVersion(f.epochVersion()).forPath(paths.epoch());
    var create = ops.create().withMode(CreateMode.EPHEMERAL).forPath(paths.leader(), me);
    if (zk.checkExists().forPath(paths.leader()) != null) {
      zk.transaction().forOperations(check, ops.delete().forPath(paths.leader()), create);
    } else {
      zk.transaction().forOperations(check, create);
    }
  }

  private void rejoin() {
    try {
      latch.close(LeaderLatch.CloseMode.SILENT);
    } catch (IOException e) {
      log.warn("closing the latch of {} failed", nodeId, e);
    }
  }

  @Override
  public void close() {
    fence = null;
    LeaderLatch l = latch;
    try {
      if (l != null && l.getState() == LeaderLatch.State.STARTED) {
        l.close();
      }
    } catch (IOException e) {
      log.warn("closing the latch of {} failed", nodeId, e);
    }
    callbacks.shutdown();
    try {
      if (zk.getZookeeperClient().isConnected()) {
        byte[] data = zk.getData().forPath(paths.leader());
        if (ClusterJson.leader(data).nodeId().equals(nodeId)) {
          zk.delete().forPath(paths.leader());
        }
      }
    } catch (Exception e) {
      // the leader znode is ephemeral: it goes with the session anyway
    }
  }
}
