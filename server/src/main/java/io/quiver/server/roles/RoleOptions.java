package io.quiver.server.roles;

import io.quiver.common.cluster.ZkSettings;
import io.quiver.common.config.ConfigSource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Flags every role takes. Values come, highest first, from these flags (and {@code --set}),
 * then {@code QUIVER_*} environment variables, then the {@code --config} properties file.
 */
public final class RoleOptions {
  @Option(names = "--config", paramLabel = "FILE.properties", description = "Properties file with role settings.")
  Path config;

  @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,..]", description = "ZooKeeper connect string (zookeeper.connect).")
  String zookeeper;

  @Option(names = "--zookeeper-root", paramLabel = "PATH", description = "ZooKeeper root of this cluster (zookeeper.root, default /quiver).")
  String zookeeperRoot;

  @Option(names = "--node-id", description = "This node's id (<role>.node-id).")
  String nodeId;

  @Option(names = "--host", description = "Address other nodes reach this one by (<role>.host).")
  String host;

  @Option(names = "--port", description = "gRPC port; 0 picks a free one (<role>.port).")
  Integer port;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other setting, e.g. --set zookeeper.session-timeout=30s (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The role's config source; {@code prefix} is the role's key prefix ({@code data-node}). */
  ConfigSource source(String prefix, Map<String, String> roleFlags) {
    Map<String, String> o = new HashMap<>(settings);
    put(o, ZkSettings.CONNECT, zookeeper);
    put(o, ZkSettings.ROOT, zookeeperRoot);
    put(o, prefix + ".node-id", nodeId);
    put(o, prefix + ".host", host);
    put(o, prefix + ".port", port == null ? null : port.toString());
    roleFlags.forEach((k, v) -> put(o, k, v));
    return ConfigSource.load(config, o);
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
