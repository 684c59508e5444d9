package io.quiver.common.cluster;

import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster records under the root (a Curator cache) and keeps an immutable
 * {@link ClusterSnapshot} of them, rebuilt after every change. Readers take the snapshot
 * without locks; listeners hear of each new one on the cache's thread.
 */
public final class ClusterWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);

  private final ZkPaths paths;
  private final CuratorCache cache;
  private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
  // Guarded by this (written in rebuild, waited on in await); read lock-free through volatile.
  private volatile ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;
  private volatile boolean initialized;

  public ClusterWatcher(CuratorFramework zk, ZkPaths paths) {
    this.paths = paths;
    this.cache = CuratorCache.build(zk, paths.root().isEmpty() ? "/" : paths.root());
    cache.listenable().addListener(
        CuratorCacheListener.builder()
            .forAll((type, oldData, data) -> {
              if (initialized) {
                rebuild();
              }
            })
            .forInitialized(() -> {
              initialized = true;
              rebuild();
            })
            .build());
  }

  /** Adds a listener for every snapshot from now on (it is not called for the current one). */
  public void addListener(Consumer<ClusterSnapshot> l) {
    listeners.add(l);
  }

  public ClusterWatcher start() {
    cache.start();
    return this;
  }

  public ClusterSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Waits until the snapshot satisfies {@code ready} and returns it.
   *
   * @throws IllegalStateException when it does not within {@code timeout}
   */
  public ClusterSnapshot await(Predicate<ClusterSnapshot> ready, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!initialized || !ready.test(snapshot)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("cluster not ready within " + timeout + "; last view: " + snapshot);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
      }
      return snapshot;
    }
  }

  private void rebuild() {
    ClusterSnapshot next = read();
    synchronized (this) {
      snapshot = next;
      notifyAll();
    }
    for (Consumer<ClusterSnapshot> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.error("cluster listener failed on a new snapshot", e);
      }
    }
  }

  private ClusterSnapshot read() {
    Map<String, CatalogEntry> collections = new HashMap<>();
    Map<String, CollectionPlacement> placements = new HashMap<>();
    Map<NodeId, NodeLease> leases = new HashMap<>();
    Set<UUID> dropped = new HashSet<>();
    LeaderInfo leader = null;
    String collectionsPrefix = paths.collections() + "/";
    String nodesPrefix = paths.nodes() + "/";
    String droppedPrefix = paths.dropped() + "/";
    for (ChildData d : (Iterable<ChildData>) cache.stream()::iterator) {
      String p = d.getPath();
      try {
        if (p.startsWith(collectionsPrefix)) {
          String rest = p.substring(collectionsPrefix.length());
          int slash = rest.indexOf('/');
          if (slash < 0) {
            collections.put(rest, ClusterJson.catalogEntry(d.getData()));
          } else if (rest.substring(slash).equals("/placement")) {
            placements.put(rest.substring(0, slash), ClusterJson.placement(d.getData(), d.getStat().getVersion()));
          }
        } else if (p.startsWith(nodesPrefix)) {
          NodeLease l = ClusterJson.lease(d.getData());
          leases.put(l.nodeId(), l);
        } else if (p.startsWith(droppedPrefix)) {
          dropped.add(UUID.fromString(p.substring(droppedPrefix.length())));
        } else if (p.equals(paths.leader())) {
          leader = ClusterJson.leader(d.getData());
        }
      } catch (RuntimeException e) {
        log.warn("skipping unreadable znode {}: {}", p, e.getMessage());
      }
    }
    // A placement without its catalog entry is a half-deleted collection: not routable.
    placements.keySet().retainAll(collections.keySet());
    return new ClusterSnapshot(collections, placements, leases, leader, dropped);
  }

  @Override
  public void close() {
    cache.close();
  }
}
