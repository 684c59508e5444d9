package io.quiver.coordinator.election;

import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * Every coordinator write: one ZooKeeper transaction that first checks the epoch znode's version,
 * so a coordinator deposed between its leadership check and its write changes nothing.
 */
public final class FencedWrites {
  private FencedWrites() {}

  /**
   * @throws QuiverException STALE_EPOCH when {@code fence} is no longer current (nothing was
   *     written; counted in {@code refusals})
   */
  public static void commit(CuratorFramework zk, ZkPaths paths, Fence fence, FenceRefusals refusals, List<CuratorOp> ops)
      throws Exception {
    List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
    all.add(zk.transactionOp().check().withVersion(fence.epochVersion()).forPath(paths.epoch()));
    all.addAll(ops);
    try {
      zk.transaction().forOperations(all);
    } catch (KeeperException.BadVersionException e) {
      // A multi does not say which op failed: the epoch check did if the epoch moved on.
      if (zk.checkExists().forPath(paths.epoch()).getVersion() != fence.epochVersion()) {
        refusals.refusedByZookeeper();
        throw new QuiverException(ErrorCode.STALE_EPOCH, "coordinator epoch " + fence.epoch()
            + " is no longer current: this coordinator was deposed; retry on the leader", e);
      }
      throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "a record was changed concurrently; read it again", e);
    }
  }

  /** Creates {@code path} and its parents unless it exists (containers, not fenced). */
  public static void ensure(CuratorFramework zk, String path) throws Exception {
    try {
      zk.create().creatingParentsIfNeeded().forPath(path);
    } catch (KeeperException.NodeExistsException e) {
      // already there
    }
  }
}
