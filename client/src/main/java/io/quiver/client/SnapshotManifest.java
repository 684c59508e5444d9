package io.quiver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.wire.WireCollections;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a snapshot directory holds, as its {@code manifest.json} says: the collection's name, UUID
 * and full config, when the snapshot was taken, and per shard its data file with the number of
 * points, the applied index the copy was read at, the node that served it, the file's size and
 * SHA-256. The config is kept in the API's proto JSON form (the public contract), so it reads back
 * the same in any version. The compact constructor checks everything a restore relies on.
 */
public record SnapshotManifest(int formatVersion, String collection, String collectionUuid, Instant createdAt,
    CollectionConfig config, List<Shard> shards) {
  /** The manifest's file name in a snapshot directory. */
  public static final String FILE = "manifest.json";
  /** The format this SDK writes and reads. */
  public static final int FORMAT_VERSION = 1;
  static final String FORMAT = "quiver-snapshot";
  private static final Pattern DATA_FILE = Pattern.compile("shard-[0-9]{4,}\\.points");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One shard's data file: {@code points} length-delimited {@code quiver.v1.RetrievedPoint}
   * messages in id order, {@code bytes} long, with this SHA-256 (lower-case hex).
   */
  public record Shard(int shard, String file, long points, long appliedIndex, String node, long bytes, String sha256) {
    public Shard {
      if (file == null || !DATA_FILE.matcher(file).matches()) {
        throw new IllegalArgumentException("shards[" + shard + "].file must be like shard-0000.points but was '"
            + file + "'");
      }
      if (points < 0 || bytes < 0 || appliedIndex < 0) {
        throw new IllegalArgumentException("shards[" + shard + "]: points, bytes and applied_index must be >= 0 but were "
            + points + ", " + bytes + ", " + appliedIndex);
      }
      if (sha256 == null || !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("shards[" + shard + "].sha256 must be 64 lower-case hex digits but was '"
            + sha256 + "'");
      }
      Objects.requireNonNull(node, "node");
    }
  }

  public SnapshotManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException("format_version must be " + FORMAT_VERSION + " but was " + formatVersion
          + " (written by another version of Quiver?)");
    }
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(collectionUuid, "collection_uuid");
    Objects.requireNonNull(createdAt, "created_at");
    Objects.requireNonNull(config, "config");
    shards = List.copyOf(shards);
    if (shards.size() != config.shardCount()) {
      throw new IllegalArgumentException("shards lists " + shards.size() + " shards but config.shard_count is "
          + config.shardCount());
    }
    Set<String> files = new HashSet<>();
    for (int i = 0; i < shards.size(); i++) {
      if (shards.get(i).shard() != i) {
        throw new IllegalArgumentException("shards[" + i + "].shard must be " + i + " but was " + shards.get(i).shard());
      }
      if (!files.add(shards.get(i).file())) {
        throw new IllegalArgumentException("shards[" + i + "].file " + shards.get(i).file() + " repeats another shard's");
      }
    }
  }

  /** Points in all shards. */
  public long points() {
    return shards.stream().mapToLong(Shard::points).sum();
  }

  /** The data file name of shard {@code n}. */
  static String dataFile(int n) {
    return String.format(java.util.Locale.ROOT, "shard-%04d.points", n);
  }

  byte[] toJson() {
    try {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("format", FORMAT);
      o.put("format_version", formatVersion);
      o.put("collection", collection);
      o.put("collection_uuid", collectionUuid);
      o.put("created_at", createdAt.toString());
      o.put("points", points());
      o.set("config", MAPPER.readTree(JsonFormat.printer().preservingProtoFieldNames()
          .print(WireCollections.toProto(config))));
      ArrayNode a = o.putArray("shards");
      for (Shard s : shards) {
        a.addObject().put("shard", s.shard()).put("file", s.file()).put("points", s.points())
            .put("applied_index", s.appliedIndex()).put("node", s.node()).put("bytes", s.bytes())
            .put("sha256", s.sha256());
      }
      return MAPPER.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the manifest as JSON", e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the field when the JSON is not a valid manifest
   */
  static SnapshotManifest fromJson(byte[] json) {
    JsonNode o;
    try {
      o = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("is not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject() || !FORMAT.equals(o.path("format").asText())) {
      throw new IllegalArgumentException("is not a Quiver snapshot manifest (format must be \"" + FORMAT + "\")");
    }
    io.quiver.proto.v1.CollectionConfig.Builder config = io.quiver.proto.v1.CollectionConfig.newBuilder();
    try {
      JsonFormat.parser().merge(required(o, "config").toString(), config);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("config: " + e.getMessage(), e);
    }
    List<Shard> shards = new java.util.ArrayList<>();
    JsonNode a = required(o, "shards");
    for (int i = 0; i < a.size(); i++) {
      JsonNode s = a.get(i);
      shards.add(new Shard(required(s, "shard").asInt(-1), required(s, "file").asText(),
          required(s, "points").asLong(-1), required(s, "applied_index").asLong(-1), required(s, "node").asText(),
          required(s, "bytes").asLong(-1), required(s, "sha256").asText()));
    }
    Instant created;
    try {
      created = Instant.parse(required(o, "created_at").asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("created_at is not an ISO-8601 instant: " + o.get("created_at"), e);
    }
    try {
      return new SnapshotManifest(required(o, "format_version").asInt(-1), required(o, "collection").asText(),
          required(o, "collection_uuid").asText(), created, WireCollections.config(config.build()), shards);
    } catch (io.quiver.common.error.QuiverException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return v;
  }
}
