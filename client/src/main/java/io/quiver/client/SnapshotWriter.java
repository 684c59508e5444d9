package io.quiver.client;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.proto.v1.AdminGrpc;
import io.quiver.proto.v1.ExportShardChunk;
import io.quiver.proto.v1.ExportShardRequest;
import io.quiver.proto.v1.RetrievedPoint;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes a collection's snapshot into an empty directory: one Admin.ExportShard stream per shard,
 * each into its data file (through a {@code .part} file, fsynced, then renamed), and the manifest
 * last, so a directory without {@code manifest.json} is an unfinished snapshot (a failed one removes
 * what it wrote, and the directory if it made it). A shard whose
 * stream fails with a retryable error is exported again from the start, up to the client's
 * attempts; each stream runs under the client's deadline.
 */
final class SnapshotWriter {
  private final Rpc rpc;

  SnapshotWriter(Rpc rpc) {
    this.rpc = rpc;
  }

  /**
   * @throws QuiverException INVALID_ARGUMENT when {@code dir} exists and is not an empty directory
   */
  static void requireEmpty(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw QuiverException.invalid("snapshot directory " + dir + " is a file, not a directory");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> names = entries.limit(3).map(p -> p.getFileName().toString()).toList();
      if (!names.isEmpty()) {
        throw QuiverException.invalid("snapshot directory " + dir + " is not empty (it holds "
            + String.join(", ", names) + (names.size() == 3 ? ", ..." : "") + "): give a new or empty directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read snapshot directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Exports every shard of {@code info}'s collection into {@code dir}, then writes the manifest. */
  SnapshotManifest write(CollectionInfo info, Path dir) {
    requireEmpty(dir);
    boolean created = !Files.exists(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create snapshot directory " + dir + ": " + e.getMessage(), e);
    }
    try {
      return writeInto(info, dir);
    } catch (RuntimeException e) {
      clean(dir, created, e);
      throw e;
    }
  }

  /** After a failure: removes what this snapshot wrote, so the directory can be used again. */
  private static void clean(Path dir, boolean created, RuntimeException failure) {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        Files.deleteIfExists(p);
      }
      if (created) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private SnapshotManifest writeInto(CollectionInfo info, Path dir) {
    List<SnapshotManifest.Shard> shards = new ArrayList<>();
    for (int s = 0; s < info.config().shardCount(); s++) {
      shards.add(exportShard(info, s, dir));
    }
    SnapshotManifest m = new SnapshotManifest(SnapshotManifest.FORMAT_VERSION, info.name(), info.uuid(),
        Instant.now(), info.config(), shards);
    Path file = dir.resolve(SnapshotManifest.FILE);
    Path part = dir.resolve(SnapshotManifest.FILE + ".part");
    try {
      Files.write(part, m.toJson());
      try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return m;
  }

  private SnapshotManifest.Shard exportShard(CollectionInfo info, int shard, Path dir) {
    String name = SnapshotManifest.dataFile(shard);
    ExportShardRequest req = ExportShardRequest.newBuilder().setCollection(info.name()).setShard(shard)
        .setCollectionUuid(info.uuid()).build();
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        SnapshotManifest.Shard s = exportOnce(req, dir.resolve(name + ".part"), name);
        Files.move(dir.resolve(name + ".part"), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return s;
      } catch (QuiverException e) {
        if (attempt >= rpc.maxAttempts() || !e.code().retryable()) {
          throw new QuiverException(e.code(), "snapshot of shard " + shard + " of '" + info.name() + "' failed"
              + (attempt > 1 ? " (attempt " + attempt + ")" : "") + ": " + e.getMessage(), e);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
      }
      Rpc.sleep(backoff);
      backoff *= 2;
    }
  }

  /** One export stream into {@code part}; the call is cancelled however this ends. */
  private SnapshotManifest.Shard exportOnce(ExportShardRequest req, Path part, String name) throws IOException {
    MessageDigest sha = sha256();
    Context.CancellableContext ctx = Context.current().withCancellation();
    Context previous = ctx.attach();
    try (FileOutputStream file = new FileOutputStream(part.toFile());
        OutputStream out = new BufferedOutputStream(new DigestOutputStream(file, sha), 1 << 16)) {
      Deadline deadline = Deadline.after(rpc.deadline().toNanos(), TimeUnit.NANOSECONDS);
      Iterator<ExportShardChunk> it =
          AdminGrpc.newBlockingStub(rpc.channel()).withDeadline(deadline).exportShard(req);
      long points = 0;
      while (it.hasNext()) {
        ExportShardChunk c = it.next();
        for (RetrievedPoint p : c.getPointsList()) {
          p.writeDelimitedTo(out);
          points++;
        }
        if (c.getLast()) {
          if (c.getTotalPoints() != points) {
            throw new QuiverException(ErrorCode.UNAVAILABLE, "the export of shard " + req.getShard() + " sent "
                + points + " points but its last chunk says " + c.getTotalPoints());
          }
          out.flush();
          file.getFD().sync();
          return new SnapshotManifest.Shard(req.getShard(), name, points, c.getAppliedIndex(), c.getNodeId(),
              Files.size(part), HexFormat.of().formatHex(sha.digest()));
        }
      }
      throw QuiverException.unavailable("the export of shard " + req.getShard() + " ended before its last chunk");
    } catch (StatusRuntimeException e) {
      throw rpc.translate(e);
    } finally {
      ctx.detach(previous);
      ctx.cancel(null);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
