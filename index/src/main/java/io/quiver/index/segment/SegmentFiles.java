package io.quiver.index.segment;

import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.PointId;
import io.quiver.index.hnsw.HnswGraph;
import io.quiver.index.hnsw.HnswGraphFile;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a segment as {@code seg-N.points} (every ordinal: id key, log index, live flag, vector,
 * payload, text; checksummed) and, when it has one, {@code seg-N.hnsw} (its graph). Tombstoned
 * ordinals are kept so the graph's ordinals stay valid.
 */
public final class SegmentFiles {
  private static final int MAGIC = 0x51534547;
  private static final int VERSION = 1;

  private SegmentFiles() {}

  public static void write(Segment s, Path dir) throws IOException {
    ChecksummedFile.write(pointsFile(dir, s.number()), out -> {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(s.number());
      out.writeInt(s.vectors().dimension());
      out.writeBoolean(s.isSealed());
      int n = s.size();
      out.writeInt(n);
      int dim = s.vectors().dimension();
      // Each vector goes out as one array (big-endian floats, as DataOutput writes them).
      ByteBuffer vector = ByteBuffer.allocate(dim * Float.BYTES);
      for (int ord = 0; ord < n; ord++) {
        out.write(s.id(ord).toKey());
        out.writeLong(s.logIndex(ord));
        out.writeBoolean(s.isLive(ord));
        vector.clear();
        vector.asFloatBuffer().put(s.vectors().chunk(ord), s.vectors().offset(ord), dim);
        out.write(vector.array());
        PayloadCodec.write(out, s.payload(ord));
        String text = s.text(ord);
        out.writeBoolean(text != null);
        if (text != null) {
          PayloadCodec.writeString(out, text);
        }
      }
    });
    SegmentGraph g = s.graph();
    if (g != null) {
      HnswGraphFile.write(g.graph(), graphFile(dir, s.number()));
    }
  }

  /** Loads a segment; its graph, if saved, is returned separately through {@link #readGraph}. */
  public static Segment read(Path dir, int number, Distance distance, PayloadSchema schema) throws IOException {
    Path file = pointsFile(dir, number);
    try (DataInputStream in = ChecksummedFile.read(file)) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException(file + ": not a segment file of version " + VERSION);
      }
      int stored = in.readInt();
      if (stored != number) {
        throw new IOException(file + ": holds segment " + stored + ", expected " + number);
      }
      int dim = in.readInt();
      boolean sealed = in.readBoolean();
      int n = in.readInt();
      Segment s = new Segment(number, dim, distance, schema);
      byte[] key = new byte[17];
      byte[] vector = new byte[dim * Float.BYTES];
      for (int ord = 0; ord < n; ord++) {
        in.readFully(key);
        PointId id = PointId.fromKey(key);
        long logIndex = in.readLong();
        boolean live = in.readBoolean();
        // One read per vector, not one per float: the per-float reads were most of a restart's load.
        in.readFully(vector);
        float[] v = new float[dim];
        ByteBuffer.wrap(vector).asFloatBuffer().get(v);
        var payload = PayloadCodec.readPayload(in);
        String text = in.readBoolean() ? PayloadCodec.readString(in) : null;
        s.append(id, v, payload, text, logIndex);
        if (!live) {
          s.delete(ord);
        }
      }
      if (sealed) {
        s.seal();
      }
      return s;
    }
  }

  /** The saved graph of segment {@code number}, or null when none was saved. */
  public static HnswGraph readGraph(Path dir, int number, int expectedNodes) throws IOException {
    Path f = graphFile(dir, number);
    if (!Files.exists(f)) {
      return null;
    }
    HnswGraph g = HnswGraphFile.read(f);
    if (g.size() != expectedNodes) {
      throw new IOException(f + ": graph has " + g.size() + " nodes but the segment has " + expectedNodes);
    }
    return g;
  }

  static Path pointsFile(Path dir, int number) {
    return dir.resolve("seg-" + number + ".points");
  }

  static Path graphFile(Path dir, int number) {
    return dir.resolve("seg-" + number + ".hnsw");
  }
}
