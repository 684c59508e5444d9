package io.quiver.datanode;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import io.quiver.common.shard.NodeId;
import io.quiver.datanode.raft.AdmissionSettings;
import io.quiver.datanode.raft.RaftSettings;
import io.quiver.datanode.store.NodeStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A data node's configuration. {@code host} is the address peers reach it by (it listens on
 * every interface); {@code port} 0 takes an ephemeral port. {@code capacity} weighs the node in
 * placement; {@code zone} spreads replicas. {@code dataDir} holds the node's identity, its Raft
 * logs and its RocksDB. {@code httpPort} serves {@code /metrics}, {@code /healthz} and
 * {@code /readyz} (0: an ephemeral port). {@code raftPort} is the node's Raft server (0: a free
 * port chosen at first start and kept with the data, so a restart on the same directory comes
 * back at the same address); {@code readdress} lets a node whose Raft address changed start.
 * {@code admission} bounds a shard's backlog before its leader refuses writes.
 */
public record DataNodeConfig(
    NodeId nodeId, String host, int port, ZkSettings zookeeper, Path dataDir, int capacity, String zone, int httpPort,
    int raftPort, boolean readdress, RaftSettings raft, NodeStore.Settings store, AdmissionSettings admission) {
  public static final String NODE_ID = "data-node.node-id";
  public static final String HOST = "data-node.host";
  public static final String PORT = "data-node.port";
  public static final String DATA_DIR = "data-node.data-dir";
  public static final String CAPACITY = "data-node.capacity";
  public static final String ZONE = "data-node.zone";
  public static final String HTTP_PORT = "data-node.http-port";
  public static final String RAFT_PORT = "data-node.raft-port";
  public static final String READDRESS = "data-node.readdress";
  public static final String STORE_BLOCK_CACHE = "data-node.store.block-cache";
  public static final String STORE_WRITE_BUFFER = "data-node.store.write-buffer";
  public static final String STORE_REQUEST_ID_TTL = "data-node.store.request-id-ttl";
  public static final String STORE_TOMBSTONE_PURGE_INTERVAL = "data-node.store.tombstone-purge-interval";

  public static final String DEFAULT_NODE_ID = "data-node-1";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7400;
  public static final Path DEFAULT_DATA_DIR = Path.of("data");
  public static final int DEFAULT_CAPACITY = 100;
  public static final String DEFAULT_ZONE = "default";
  public static final int DEFAULT_HTTP_PORT = 7401;
  public static final int DEFAULT_RAFT_PORT = 7402;

  public DataNodeConfig {
    Objects.requireNonNull(nodeId, NODE_ID);
    Objects.requireNonNull(zookeeper, "zookeeper");
    Objects.requireNonNull(dataDir, DATA_DIR);
    Objects.requireNonNull(raft, "data-node.raft");
    Objects.requireNonNull(store, "data-node.store");
    Objects.requireNonNull(admission, "data-node.admission");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be empty");
    }
    checkPort(PORT, port);
    if (capacity < 1) {
      throw new IllegalArgumentException(CAPACITY + " must be >= 1 but was " + capacity);
    }
    if (zone == null || zone.isBlank()) {
      throw new IllegalArgumentException(ZONE + " must not be empty");
    }
    checkPort(HTTP_PORT, httpPort);
    checkPort(RAFT_PORT, raftPort);
  }

  /**
   * A configuration whose HTTP endpoint and Raft server take ephemeral ports, with default Raft
   * and store settings (tests run several nodes in one JVM).
   */
  public DataNodeConfig(NodeId nodeId, String host, int port, ZkSettings zookeeper, Path dataDir, int capacity, String zone) {
    this(nodeId, host, port, zookeeper, dataDir, capacity, zone, 0, 0, false, RaftSettings.DEFAULTS,
        NodeStore.Settings.DEFAULTS, AdmissionSettings.DEFAULTS);
  }

  public static DataNodeConfig from(ConfigSource c) {
    return new DataNodeConfig(
        new NodeId(c.getString(NODE_ID, DEFAULT_NODE_ID)),
        c.getString(HOST, DEFAULT_HOST),
        c.getInt(PORT, DEFAULT_PORT),
        ZkSettings.from(c),
        c.getPath(DATA_DIR, DEFAULT_DATA_DIR),
        c.getInt(CAPACITY, DEFAULT_CAPACITY),
        c.getString(ZONE, DEFAULT_ZONE),
        c.getInt(HTTP_PORT, DEFAULT_HTTP_PORT),
        c.getInt(RAFT_PORT, DEFAULT_RAFT_PORT),
        c.getBoolean(READDRESS, false),
        raftSettings(c),
        new NodeStore.Settings(
            c.getBytes(STORE_BLOCK_CACHE, NodeStore.Settings.DEFAULT_BLOCK_CACHE_BYTES),
            c.getBytes(STORE_WRITE_BUFFER, NodeStore.Settings.DEFAULT_WRITE_BUFFER_BYTES),
            c.getDuration(STORE_REQUEST_ID_TTL, NodeStore.Settings.DEFAULT_REQUEST_TTL),
            c.getDuration(STORE_TOMBSTONE_PURGE_INTERVAL, NodeStore.Settings.DEFAULT_TOMBSTONE_PURGE_INTERVAL)),
        new AdmissionSettings(
            c.getLong(AdmissionSettings.KEYS[0], AdmissionSettings.DEFAULT_MAX_APPLY_BACKLOG_ENTRIES),
            c.getLong(AdmissionSettings.KEYS[1], AdmissionSettings.DEFAULT_MAX_INDEX_BACKLOG_POINTS),
            c.getLong(AdmissionSettings.KEYS[2], 0),
            c.getLong(AdmissionSettings.KEYS[3], 0)));
  }

  /** The {@code data-node.raft.*} keys, in the order of {@link RaftSettings#KEYS}. */
  static RaftSettings raftSettings(ConfigSource c) {
    RaftSettings d = RaftSettings.DEFAULTS;
    String[] k = RaftSettings.KEYS;
    return new RaftSettings(
        c.getDuration(k[0], d.electionTimeoutMin()),
        c.getDuration(k[1], d.electionTimeoutMax()),
        c.getDuration(k[2], d.requestTimeout()),
        Math.toIntExact(c.getBytes(k[3], d.maxEntryBytes())),
        c.getInt(k[4], d.maxEntryPoints()),
        c.getBytes(k[5], d.segmentSizeBytes()),
        c.getInt(k[6], d.segmentCacheSegments()),
        c.getBytes(k[7], d.pendingWriteBytes()),
        c.getLong(k[8], d.snapshotThresholdEntries()),
        c.getInt(k[9], d.purgeGapEntries()));
  }

  /** This config with the Raft election timeouts set (tests raise them on busy machines). */
  public DataNodeConfig withElectionTimeouts(Duration min, Duration max) {
    RaftSettings r = new RaftSettings(min, max, raft.requestTimeout(), raft.maxEntryBytes(), raft.maxEntryPoints(),
        raft.segmentSizeBytes(), raft.segmentCacheSegments(), raft.pendingWriteBytes(),
        raft.snapshotThresholdEntries(), raft.purgeGapEntries());
    return new DataNodeConfig(nodeId, host, port, zookeeper, dataDir, capacity, zone, httpPort, raftPort, readdress, r,
        store, admission);
  }

  /** This config with other write admission limits. */
  public DataNodeConfig withAdmission(AdmissionSettings a) {
    return new DataNodeConfig(nodeId, host, port, zookeeper, dataDir, capacity, zone, httpPort, raftPort, readdress, raft,
        store, a);
  }

  private static void checkPort(String key, int value) {
    if (value < 0 || value > 65_535) {
      throw new IllegalArgumentException(key + " must be in 0..65535 but was " + value);
    }
  }
}
