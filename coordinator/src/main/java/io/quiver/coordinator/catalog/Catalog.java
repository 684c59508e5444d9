package io.quiver.coordinator.catalog;

import io.quiver.common.cluster.CatalogEntry;
import io.quiver.common.cluster.ClusterJson;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.cluster.ZkPaths;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Limits;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.coordinator.election.Fence;
import io.quiver.coordinator.election.FencedWrites;
import io.quiver.coordinator.election.Leadership;
import io.quiver.coordinator.placement.HashRing;
import io.quiver.coordinator.placement.RingNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog as the leading coordinator reads and writes it. Every write is one ZooKeeper
 * transaction that starts with a check of the epoch znode's version, so a coordinator deposed
 * between its leadership check and its write changes nothing (it gets STALE_EPOCH).
 */
public final class Catalog {
  private static final Logger log = LoggerFactory.getLogger(Catalog.class);

  /** A collection with its placement, as read together. */
  public record Collection(CatalogEntry entry, CollectionPlacement placement) {}

  private final CuratorFramework zk;
  private final ZkPaths paths;
  private final Leadership leadership;
  private final Clock clock;

  public Catalog(CuratorFramework zk, ZkPaths paths, Leadership leadership, Clock clock) {
    this.zk = zk;
    this.paths = paths;
    this.leadership = leadership;
    this.clock = clock;
  }

  public CatalogEntry create(String name, CollectionConfig config) {
    Limits.checkCollectionName("name", name);
    Fence fence = leadership.fence();
    try {
      if (zk.checkExists().forPath(paths.collection(name)) != null) {
        throw alreadyExists(name);
      }
      CatalogEntry entry = new CatalogEntry(name, UUID.randomUUID(), config, clock.millis());
      CollectionPlacement placement =
          new HashRing(placeableNodes()).place(entry.uuid(), config.shardCount(), config.replicationFactor());
      var ops = zk.transactionOp();
      ensureParent(paths.collections());
      write(fence,
          ops.create().forPath(paths.collection(name), ClusterJson.catalogEntry(entry)),
          ops.create().forPath(paths.placement(name), ClusterJson.placement(placement)));
      log.info("created collection {} ({}) with {} shards x {} replicas in epoch {}",
          name, entry.uuid(), config.shardCount(), config.replicationFactor(), fence.epoch());
      return entry;
    } catch (KeeperException.NodeExistsException e) {
      throw alreadyExists(name);
    } catch (QuiverException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("create collection '" + name + "'", e);
    }
  }

  public List<CatalogEntry> list() {
    leadership.fence();
    try {
      if (zk.checkExists().forPath(paths.collections()) == null) {
        return List.of();
      }
      List<CatalogEntry> out = new ArrayList<>();
      for (String name : zk.getChildren().forPath(paths.collections()).stream().sorted().toList()) {
        try {
          out.add(ClusterJson.catalogEntry(zk.getData().forPath(paths.collection(name))));
        } catch (KeeperException.NoNodeException e) {
          // dropped while we listed
        }
      }
      return out;
    } catch (Exception e) {
      throw zkFailure("list collections", e);
    }
  }

  /**
   * @throws QuiverException NOT_FOUND naming the collection
   */
  public Collection get(String name) {
    leadership.fence();
    try {
      CatalogEntry entry = ClusterJson.catalogEntry(zk.getData().forPath(paths.collection(name)));
      Stat stat = new Stat();
      byte[] p = zk.getData().storingStatIn(stat).forPath(paths.placement(name));
      return new Collection(entry, ClusterJson.placement(p, stat.getVersion()));
    } catch (KeeperException.NoNodeException e) {
      throw notFound(name);
    } catch (Exception e) {
      throw zkFailure("read collection '" + name + "'", e);
    }
  }

  /** Every collection with its placement, by name. */
  public List<Collection> all() {
    List<Collection> out = new ArrayList<>();
    for (CatalogEntry e : list()) {
      try {
        out.add(get(e.name()));
      } catch (QuiverException ex) {
        if (ex.code() != ErrorCode.NOT_FOUND) {
          throw ex;
        }
      }
    }
    return out;
  }

  /**
   * Replaces a collection's placement if its znode is still at {@code expectedVersion}, fenced by
   * {@code fence} (the epoch the caller's work started in, which may have ended since: ZooKeeper
   * is the judge); returns the new version.
   *
   * @throws QuiverException STALE_EPOCH when deposed, FAILED_PRECONDITION when the placement changed meanwhile
   */
  public int writePlacement(Fence fence, String name, int expectedVersion, CollectionPlacement placement) {
    try {
      write(fence, zk.transactionOp().setData().withVersion(expectedVersion)
          .forPath(paths.placement(name), ClusterJson.placement(placement)));
      return expectedVersion + 1;
    } catch (QuiverException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("write the placement of '" + name + "'", e);
    }
  }

  /** Records the drop under {@code dropped/<uuid>} first, then deletes the catalog entry. */
  public void drop(String name) {
    Fence fence = leadership.fence();
    CatalogEntry entry;
    try {
      entry = ClusterJson.catalogEntry(zk.getData().forPath(paths.collection(name)));
    } catch (KeeperException.NoNodeException e) {
      throw notFound(name);
    } catch (Exception e) {
      throw zkFailure("read collection '" + name + "'", e);
    }
    try {
      var ops = zk.transactionOp();
      ensureParent(paths.dropped());
      if (zk.checkExists().forPath(paths.dropped(entry.uuid())) == null) {
        write(fence, ops.create().forPath(paths.dropped(entry.uuid()),
            ClusterJson.dropped(name, entry.uuid(), clock.millis())));
      }
      List<CuratorOp> deletes = new ArrayList<>();
      if (zk.checkExists().forPath(paths.placement(name)) != null) {
        deletes.add(ops.delete().forPath(paths.placement(name)));
      }
      deletes.add(ops.delete().forPath(paths.collection(name)));
      write(fence, deletes.toArray(CuratorOp[]::new));
      log.info("dropped collection {} ({}) in epoch {}", name, entry.uuid(), fence.epoch());
    } catch (KeeperException.NoNodeException e) {
      throw notFound(name);
    } catch (QuiverException e) {
      throw e;
    } catch (Exception e) {
      throw zkFailure("drop collection '" + name + "'", e);
    }
  }

  /** The data nodes holding a lease, sorted by id. */
  public List<NodeLease> leases() {
    try {
      if (zk.checkExists().forPath(paths.nodes()) == null) {
        return List.of();
      }
      List<NodeLease> out = new ArrayList<>();
      for (String id : zk.getChildren().forPath(paths.nodes()).stream().sorted().toList()) {
        try {
          out.add(ClusterJson.lease(zk.getData().forPath(paths.node(id))));
        } catch (KeeperException.NoNodeException e) {
          // the lease ended while we listed
        } catch (IllegalStateException e) {
          log.warn("skipping unreadable lease of {}: {}", id, e.getMessage());
        }
      }
      return out;
    } catch (Exception e) {
      throw zkFailure("list data nodes", e);
    }
  }

  /** The nodes new replicas may go to: every data node holding a lease and not draining. */
  private List<RingNode> placeableNodes() {
    Set<NodeId> draining = draining();
    return leases().stream().filter(l -> !draining.contains(l.nodeId())).map(RingNode::of).toList();
  }

  /** Data nodes marked draining ({@code <root>/draining/<id>}): the ring leaves them out. */
  public Set<NodeId> draining() {
    try {
      if (zk.checkExists().forPath(paths.draining()) == null) {
        return Set.of();
      }
      Set<NodeId> out = new HashSet<>();
      zk.getChildren().forPath(paths.draining()).forEach(n -> out.add(new NodeId(n)));
      return out;
    } catch (Exception e) {
      throw zkFailure("read the draining nodes", e);
    }
  }

  private void write(Fence fence, CuratorOp... ops) throws Exception {
    FencedWrites.commit(zk, paths, fence, leadership.refusals(), List.of(ops));
  }

  private void ensureParent(String path) throws Exception {
    FencedWrites.ensure(zk, path);
  }

  private static QuiverException alreadyExists(String name) {
    return new QuiverException(ErrorCode.ALREADY_EXISTS, "collection '" + name + "' already exists");
  }

  private static QuiverException notFound(String name) {
    return QuiverException.notFound("collection '" + name + "' does not exist");
  }

  private static QuiverException zkFailure(String what, Exception e) {
    return new QuiverException(ErrorCode.UNAVAILABLE, "cannot " + what + ": ZooKeeper: " + e.getMessage(), e);
  }
}
