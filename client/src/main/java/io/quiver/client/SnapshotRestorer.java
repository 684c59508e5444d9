package io.quiver.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.wire.WireCollections;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.RetrievedPoint;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ObjLongConsumer;

/**
 * Brings a snapshot directory back as a collection. Everything is checked before anything is
 * created: the manifest, and every data file's size, SHA-256 and point count against it. Then the
 * collection is created with the saved config and every point upserted through the normal write
 * path, in the client's batches, each with a request id derived from the data file's SHA-256 and
 * the batch's place in it: a batch sent again (a retry, or a resumed restore within the servers'
 * request-id window of 10 minutes) is answered from the stored result, never applied twice.
 */
final class SnapshotRestorer {
  private final QuiverClient client;

  SnapshotRestorer(QuiverClient client) {
    this.client = client;
  }

  /**
   * @param name the collection to create; null or empty: the snapshot's own name
   * @param resume continue into an existing collection of that name when its config is the
   *     snapshot's (a restore that stopped part-way); otherwise an existing name is ALREADY_EXISTS
   */
  RestoreResult restore(Path dir, String name, boolean resume) {
    SnapshotManifest m = read(dir);
    for (SnapshotManifest.Shard s : m.shards()) {
      verify(dir, s);
    }
    String target = name == null || name.isEmpty() ? m.collection() : name;
    CollectionInfo created;
    boolean resumed = false;
    try {
      created = client.createCollection(CollectionSpec.of(target, WireCollections.toProto(m.config())));
    } catch (QuiverException e) {
      if (!resume || e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
      created = client.describeCollection(target).info();
      if (!created.config().equals(m.config())) {
        throw new QuiverException(ErrorCode.FAILED_PRECONDITION, "cannot resume: collection '" + target
            + "' exists with another config than the snapshot's (" + created.config() + " != " + m.config() + ")");
      }
      resumed = true;
    }
    long points = 0;
    for (SnapshotManifest.Shard s : m.shards()) {
      points += upload(dir, s, target);
    }
    return new RestoreResult(target, created.uuid(), points, m.shards().size(), resumed);
  }

  /**
   * @throws QuiverException NOT_FOUND when there is no manifest, INVALID_ARGUMENT naming the field
   *     when it is not a valid one
   */
  static SnapshotManifest read(Path dir) {
    Path file = dir.resolve(SnapshotManifest.FILE);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw QuiverException.notFound("snapshot manifest " + file + " does not exist (not a snapshot directory,"
          + " or a snapshot that did not finish)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return SnapshotManifest.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new QuiverException(ErrorCode.INVALID_ARGUMENT, "snapshot manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the whole file: its size, SHA-256 and number of points must be the manifest's.
   *
   * @throws QuiverException NOT_FOUND for a missing file, INVALID_ARGUMENT naming the file when
   *     it is corrupt
   */
  static void verify(Path dir, SnapshotManifest.Shard s) {
    Path file = dir.resolve(s.file());
    MessageDigest sha = SnapshotWriter.sha256();
    long points = 0;
    try (InputStream in = new BufferedInputStream(new DigestInputStream(Files.newInputStream(file), sha), 1 << 16)) {
      while (RetrievedPoint.parseDelimitedFrom(in) != null) {
        points++;
      }
    } catch (NoSuchFileException e) {
      throw QuiverException.notFound("snapshot file " + file + " of shard " + s.shard() + " is missing");
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(file, "point " + points + " does not parse (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read snapshot file " + file + ": " + e.getMessage(), e);
    }
    long size = file.toFile().length();
    if (size != s.bytes()) {
      throw corrupt(file, "it is " + size + " bytes long but the manifest says " + s.bytes());
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    if (!digest.equals(s.sha256())) {
      throw corrupt(file, "its SHA-256 is " + digest + " but the manifest says " + s.sha256());
    }
    if (points != s.points()) {
      throw corrupt(file, "it holds " + points + " points but the manifest says " + s.points());
    }
  }

  private static QuiverException corrupt(Path file, String why) {
    return QuiverException.invalid("snapshot file " + file + " is corrupt: " + why + "; nothing was restored");
  }

  /** Upserts one shard file's points in batches; returns how many were sent. */
  private long upload(Path dir, SnapshotManifest.Shard s, String collection) {
    Path file = dir.resolve(s.file());
    String prefix = "restore-" + s.sha256().substring(0, 16) + "-";
    Batches batches = new Batches(client.maxBatchPoints(), client.maxBatchBytes(),
        (batch, first) -> client.upsertBatch(collection, batch, prefix + first + "-" + batch.size()));
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      RetrievedPoint p;
      while ((p = RetrievedPoint.parseDelimitedFrom(in)) != null) {
        batches.add(PointStruct.newBuilder().setId(p.getId()).setVector(p.getVector()).setPayload(p.getPayload())
            .setText(p.getText()).build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read snapshot file " + file + ": " + e.getMessage(), e);
    }
    batches.flush();
    return batches.sent;
  }

  /** Points gathered into batches of the client's size; {@code send} gets each with its first point's ordinal. */
  private static final class Batches {
    private final int maxPoints;
    private final int maxBytes;
    private final ObjLongConsumer<List<PointStruct>> send;
    private List<PointStruct> batch = new ArrayList<>();
    private long bytes;
    private long sent;

    Batches(int maxPoints, int maxBytes, ObjLongConsumer<List<PointStruct>> send) {
      this.maxPoints = maxPoints;
      this.maxBytes = maxBytes;
      this.send = send;
    }

    void add(PointStruct p) {
      int size = p.getSerializedSize() + 8;
      if (!batch.isEmpty() && (batch.size() >= maxPoints || bytes + size > maxBytes)) {
        flush();
      }
      batch.add(p);
      bytes += size;
    }

    void flush() {
      if (batch.isEmpty()) {
        return;
      }
      send.accept(batch, sent);
      sent += batch.size();
      batch = new ArrayList<>();
      bytes = 0;
    }
  }
}
