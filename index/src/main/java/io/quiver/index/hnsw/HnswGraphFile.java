package io.quiver.index.hnsw;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads an {@link HnswGraph}. Layout (big-endian): magic {@code QHNS}, format version,
 * m, ef_construct, node count, entry node, entry level; per node its level and, for each level
 * from 0 up, the neighbour count and ids; then the CRC32C of every byte before it. A file is
 * written to a temporary name and renamed into place, so a crash leaves the old file or the new
 * one, never half of one; a flipped bit or a truncation fails the load with an
 * {@link IOException} naming the file.
 */
public final class HnswGraphFile {
  static final int MAGIC = 0x51484E53;
  static final int VERSION = 1;

  private HnswGraphFile() {}

  public static void write(HnswGraph g, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream raw = Files.newOutputStream(tmp);
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc);
        DataOutputStream out = new DataOutputStream(checked)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(g.params().m());
      out.writeInt(g.params().efConstruct());
      int n = g.size();
      out.writeInt(n);
      out.writeInt(g.entryNode());
      out.writeInt(g.entryLevel());
      for (int node = 0; node < n; node++) {
        int level = g.levelOf(node);
        out.writeByte(level);
        for (int l = 0; l <= level; l++) {
          int[] nbrs = g.neighbors(node, l);
          out.writeShort(nbrs.length);
          for (int x : nbrs) {
            out.writeInt(x);
          }
        }
      }
      out.flush();
      // The checksum covers everything above; it is written outside the checked stream's view.
      new DataOutputStream(raw).writeInt((int) crc.getValue());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Loads a frozen graph. */
  public static HnswGraph read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < 32) {
      throw new IOException(file + ": too short for an HNSW graph (" + bytes.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException(file + ": checksum mismatch, the graph file is corrupt");
    }
    // Decoded straight from the bytes: a DataInputStream's call per int was most of a load.
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    try {
      if (in.getInt() != MAGIC) {
        throw new IOException(file + ": not an HNSW graph file");
      }
      int version = in.getInt();
      if (version != VERSION) {
        throw new IOException(file + ": graph format version " + version + " is not supported");
      }
      HnswGraph g = new HnswGraph(new HnswParams(in.getInt(), in.getInt()));
      int n = in.getInt();
      int entryNode = in.getInt();
      int entryLevel = in.getInt();
      for (int node = 0; node < n; node++) {
        int level = Byte.toUnsignedInt(in.get());
        g.allocate(node, level);
        for (int l = 0; l <= level; l++) {
          int[] nbrs = new int[Short.toUnsignedInt(in.getShort())];
          for (int i = 0; i < nbrs.length; i++) {
            nbrs[i] = checkNode(file, in.getInt(), n);
          }
          g.setNeighbors(node, l, nbrs);
        }
      }
      if (entryNode >= 0) {
        g.offerEntry(checkNode(file, entryNode, n), entryLevel);
      }
      g.freeze();
      return g;
    } catch (BufferUnderflowException e) {
      throw new IOException(file + ": truncated graph file", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": invalid graph: " + e.getMessage(), e);
    }
  }

  private static int checkNode(Path file, int node, int n) throws IOException {
    if (node < 0 || node >= n) {
      throw new IOException(file + ": neighbour " + node + " is outside 0.." + (n - 1));
    }
    return node;
  }
}
