package io.quiver.index.engine;

import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.segment.ChecksummedFile;
import io.quiver.index.segment.Segment;
import io.quiver.index.segment.SegmentFiles;
import io.quiver.index.segment.SegmentIndexer;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard engine on disk: the segment files, then {@code engine.manifest} (dimension, distance,
 * applied index, which segment is growing and which are sealed), written last so that a
 * directory with a valid manifest holds a complete snapshot. Every file is checksummed.
 */
final class EngineSnapshot {
  static final String MANIFEST = "engine.manifest";
  private static final int MAGIC = 0x51454E47;
  private static final int VERSION = 1;

  private EngineSnapshot() {}

  /** Called under the engine's read lock. */
  static void write(ShardEngine e, Path dir, long applied) throws IOException {
    Files.createDirectories(dir);
    for (Segment s : e.allSegments()) {
      SegmentFiles.write(s, dir);
    }
    EngineConfig c = e.config();
    ChecksummedFile.write(dir.resolve(MANIFEST), out -> {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(c.dimension());
      out.writeUTF(c.distance().name());
      out.writeLong(applied);
      out.writeInt(e.growing.number());
      out.writeInt(e.sealed.size());
      for (Segment s : e.sealed) {
        out.writeInt(s.number());
      }
    });
  }

  static void read(ShardEngine e, Path dir) throws IOException {
    EngineConfig c = e.config();
    Path manifest = dir.resolve(MANIFEST);
    try (DataInputStream in = ChecksummedFile.read(manifest)) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException(manifest + ": not an engine manifest of version " + VERSION);
      }
      int dim = in.readInt();
      String distance = in.readUTF();
      if (dim != c.dimension() || !distance.equals(c.distance().name())) {
        throw new IOException(manifest + ": snapshot is " + dim + "-d " + distance + " but the config is "
            + c.dimension() + "-d " + c.distance());
      }
      long applied = in.readLong();
      int growingNumber = in.readInt();
      int n = in.readInt();
      List<Segment> sealed = new ArrayList<>(n);
      int maxNumber = growingNumber;
      for (int i = 0; i < n; i++) {
        int number = in.readInt();
        maxNumber = Math.max(maxNumber, number);
        Segment s = SegmentFiles.read(dir, number, c.distance(), c.schema());
        s.seal();
        HnswGraph g = SegmentFiles.readGraph(dir, number, s.size());
        if (g != null) {
          s.setGraph(SegmentIndexer.withQuantization(s, g, c.quantization(), c.pqSubspaces()));
        }
        sealed.add(s);
      }
      Segment growing = SegmentFiles.read(dir, growingNumber, c.distance(), c.schema());
      e.indexerNumberAbove(maxNumber);
      e.install(sealed, growing, applied);
    }
  }
}
