package io.quiver.datanode.hosting;

import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's ephemeral lease znode. Curator's persistent-node recipe re-creates it after a
 * session is lost and regained; it is gone when the node closes or its session expires.
 */
public final class Lease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lease.class);

  private final PersistentNode node;
  private final NodeLease lease;

  public Lease(CuratorFramework zk, ZkPaths paths, NodeLease lease) {
    this.lease = lease;
    this.node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, paths.node(lease.nodeId().value()), ClusterJson.lease(lease));
  }

  /**
   * @throws IllegalStateException when the znode is not created within {@code timeout} (for
   *     example, another live process holds the same node id)
   */
  public void start(Duration timeout) {
    node.start();
    try {
      if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "could not register the lease of " + lease.nodeId() + " within " + timeout
                + "; is another data node running with this node id?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering the lease of " + lease.nodeId(), e);
    }
    log.info("data node {} holds its lease (incarnation {})", lease.nodeId(), lease.incarnation());
  }

  public NodeLease lease() {
    return lease;
  }

  @Override
  public void close() {
    try {
      node.close();
    } catch (IOException e) {
      log.warn("closing the lease of {} failed; it ends with the session", lease.nodeId(), e);
    }
  }
}
