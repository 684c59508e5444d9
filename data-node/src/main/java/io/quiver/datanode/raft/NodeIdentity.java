package io.quiver.datanode.raft;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.shard.NodeId;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.UUID;

/**
 * Who this data directory belongs to: the node id, a storage id minted when the directory was
 * formatted, the Raft address stored with the data, and when it was formatted (0 for a directory
 * formatted before that was recorded). The Raft peer id is {@code <node id>@<storage id>}: a node
 * whose disk was lost comes back with a new storage id, so it can only rejoin as a new learner and
 * never votes with a forgotten term.
 */
public record NodeIdentity(NodeId nodeId, String storageId, String raftAddress, long formattedAtMillis) {
  static final String FILE = "identity.properties";

  public String peerId() {
    return nodeId + "@" + storageId;
  }

  /**
   * The Raft address stored in {@code dataDir}, if it was formatted: a node given an ephemeral
   * Raft port takes its old port again, so its groups find it where they left it.
   */
  public static java.util.Optional<String> storedRaftAddress(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return java.util.Optional.ofNullable(p.getProperty("raft-address"));
  }

  /**
   * Reads the identity of {@code dataDir}, formatting it (a new storage id) if it has none.
   * A directory of another node is refused; a changed Raft address only with {@code readdress}.
   */
  public static NodeIdentity loadOrFormat(Path dataDir, NodeId nodeId, String raftAddress, boolean readdress) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        NodeIdentity fresh = new NodeIdentity(nodeId, UUID.randomUUID().toString().substring(0, 8), raftAddress,
            System.currentTimeMillis());
        fresh.write(file);
        return fresh;
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      NodeIdentity stored = new NodeIdentity(new NodeId(p.getProperty("node-id")), p.getProperty("storage-id"),
          p.getProperty("raft-address"), Long.parseLong(p.getProperty("formatted-at", "0")));
      if (!stored.nodeId().equals(nodeId)) {
        throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "data directory " + dataDir + " belongs to node "
            + stored.nodeId() + ", not " + nodeId);
      }
      if (!stored.raftAddress().equals(raftAddress)) {
        if (!readdress) {
          throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "node " + nodeId + " was at Raft address "
              + stored.raftAddress() + " and is now given " + raftAddress + ": start with --readdress to move it");
        }
        NodeIdentity moved = new NodeIdentity(nodeId, stored.storageId(), raftAddress, stored.formattedAtMillis());
        moved.write(file);
        return moved;
      }
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("node-id", nodeId.value());
    p.setProperty("storage-id", storageId);
    p.setProperty("raft-address", raftAddress);
    p.setProperty("formatted-at", Long.toString(formattedAtMillis));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "Quiver data directory identity: do not edit");
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
