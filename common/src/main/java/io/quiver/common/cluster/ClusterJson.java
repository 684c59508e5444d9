package io.quiver.common.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.shard.CollectionPlacement;
import io.quiver.common.shard.NodeId;
import io.quiver.common.shard.ShardPlacement;
import io.quiver.common.wire.WireCollections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The JSON of every record Quiver keeps in ZooKeeper. The collection config is stored in the
 * proto's JSON form (the public contract, so it reads back the same in any version); the rest
 * are small snake_case objects. A record that does not parse fails naming the znode's kind.
 */
public final class ClusterJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ClusterJson() {}

  public static byte[] lease(NodeLease l) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("node_id", l.nodeId().value());
    o.put("address", l.address());
    o.put("capacity", l.capacity());
    o.put("zone", l.zone());
    o.put("incarnation", l.incarnation());
    if (l.hasRaft()) {
      o.put("raft_address", l.raftAddress());
      o.put("raft_peer_id", l.raftPeerId());
    }
    return bytes(o);
  }

  public static NodeLease lease(byte[] data) {
    JsonNode o = tree("lease", data);
    return new NodeLease(
        new NodeId(o.path("node_id").asText()),
        o.path("address").asText(),
        o.path("capacity").asInt(),
        o.path("zone").asText(),
        o.path("incarnation").asText(),
        o.path("raft_address").asText(""),
        o.path("raft_peer_id").asText(""));
  }

  public static byte[] catalogEntry(CatalogEntry e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", e.name());
    o.put("uuid", e.uuid().toString());
    try {
      o.set("config", MAPPER.readTree(JsonFormat.printer().print(WireCollections.toProto(e.config()))));
    } catch (IOException ex) {
      throw new IllegalStateException("cannot print the config of collection " + e.name(), ex);
    }
    o.put("created_at", e.createdAtMillis());
    return bytes(o);
  }

  public static CatalogEntry catalogEntry(byte[] data) {
    JsonNode o = tree("catalog entry", data);
    var b = io.quiver.proto.v1.CollectionConfig.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(o.path("config").toString(), b);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("catalog entry has an unreadable config: " + ex.getMessage(), ex);
    }
    CollectionConfig config = WireCollections.config(b.build());
    return new CatalogEntry(
        o.path("name").asText(), UUID.fromString(o.path("uuid").asText()), config, o.path("created_at").asLong());
  }

  public static byte[] placement(CollectionPlacement p) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode shards = o.putArray("shards");
    for (ShardPlacement s : p.shards()) {
      ObjectNode so = shards.addObject();
      so.put("shard", s.shard());
      ArrayNode voters = so.putArray("voters");
      s.voters().forEach(n -> voters.add(n.value()));
      ArrayNode learners = so.putArray("learners");
      s.learners().forEach(n -> learners.add(n.value()));
    }
    return bytes(o);
  }

  /** A placement; {@code version} is the znode's version (the placement epoch). */
  public static CollectionPlacement placement(byte[] data, int version) {
    JsonNode o = tree("placement", data);
    List<ShardPlacement> shards = new ArrayList<>();
    for (JsonNode s : o.path("shards")) {
      shards.add(new ShardPlacement(s.path("shard").asInt(), nodes(s.path("voters")), nodes(s.path("learners"))));
    }
    return new CollectionPlacement(shards, version);
  }

  public static byte[] leader(LeaderInfo l) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("node_id", l.nodeId());
    o.put("address", l.address());
    o.put("epoch", l.epoch());
    return bytes(o);
  }

  public static LeaderInfo leader(byte[] data) {
    JsonNode o = tree("leader", data);
    return new LeaderInfo(o.path("node_id").asText(), o.path("address").asText(), o.path("epoch").asLong());
  }

  /** The record of a drop, written before anything is deleted. */
  public static byte[] dropped(String name, UUID uuid, long droppedAtMillis) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", name);
    o.put("uuid", uuid.toString());
    o.put("dropped_at", droppedAtMillis);
    return bytes(o);
  }

  private static List<NodeId> nodes(JsonNode a) {
    List<NodeId> out = new ArrayList<>();
    a.forEach(n -> out.add(new NodeId(n.asText())));
    return out;
  }

  private static JsonNode tree(String kind, byte[] data) {
    if (data == null || data.length == 0) {
      throw new IllegalStateException(kind + " znode is empty");
    }
    try {
      return MAPPER.readTree(data);
    } catch (IOException e) {
      throw new IllegalStateException(
          kind + " znode is not JSON: " + new String(data, StandardCharsets.UTF_8), e);
    }
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
