package io.quiver.datanode.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A shard's whole column family as one file, the body of a Raft snapshot: a header (magic,
 * format version, shard id, applied term and index), every key and value in key order, an end
 * mark and a CRC32C of everything before it. Written to a temp file, fsynced and renamed; read
 * twice on import (checksum first, then rows), so a damaged file never replaces good rows.
 */
public final class ShardExport {
  private static final int MAGIC = 0x51534e50; // "QSNP"
  private static final int VERSION = 1;
  private static final long BATCH_BYTES = 4L << 20;

  private ShardExport() {}

  /** Writes the shard's column family, as of one RocksDB snapshot, to {@code file}. */
  public static void export(ShardStore store, Path file) {
    try (UseGuard.Use use = store.enter()) {
      exportOpen(store, file);
    }
  }

  private static void exportOpen(ShardStore store, Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    var db = store.db();
    var snapshot = db.getSnapshot();
    try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
        RocksIterator it = db.newIterator(store.handle(), ro);
        FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
      CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(fos, 1 << 16), new CRC32C());
      DataOutputStream out = new DataOutputStream(checked);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(store.shard().toString());
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        byte[] v = it.value();
        out.writeByte(1);
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(v.length);
        out.write(v);
      }
      out.writeByte(0);
      out.flush();
      long crc = checked.getChecksum().getValue();
      new DataOutputStream(fos).writeLong(crc);
      fos.flush();
      fos.getChannel().force(true);
    } catch (IOException e) {
      throw new StoreException("shard " + store.shard() + ": export to " + file + " failed", e);
    } finally {
      db.releaseSnapshot(snapshot);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StoreException("shard " + store.shard() + ": rename of " + tmp + " failed", e);
    }
  }

  /**
   * Replaces every row of the shard with the file's, after checking its checksum and shard.
   * The old rows go in the first batch, so a crash part-way leaves no {@code lastApplied} and
   * the import is simply done again.
   */
  public static void importInto(ShardStore store, Path file) {
    verify(store, file);
    var db = store.db();
    try (UseGuard.Use use = store.enter(); InputStream raw = Files.newInputStream(file)) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      readHeader(store, in, file);
      WriteBatch batch = new WriteBatch();
      try {
        batch.deleteRange(store.handle(), new byte[] {0}, new byte[] {(byte) 0xFF});
        while (in.readByte() == 1) {
          byte[] k = in.readNBytes(in.readInt());
          byte[] v = in.readNBytes(in.readInt());
          batch.put(store.handle(), k, v);
          if (batch.getDataSize() > BATCH_BYTES) {
            db.write(store.writeOptions(), batch);
            batch.close();
            batch = new WriteBatch();
          }
        }
        db.write(store.writeOptions(), batch);
      } finally {
        batch.close();
      }
      db.flushWal(true);
    } catch (IOException | RocksDBException e) {
      throw new StoreException("shard " + store.shard() + ": import of " + file + " failed", e);
    }
    store.reloadMeta();
  }

  private static void verify(ShardStore store, Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      long size = Files.size(file);
      CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32C());
      DataInputStream in = new DataInputStream(checked);
      byte[] buf = new byte[1 << 16];
      long remaining = size - Long.BYTES;
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new EOFException("short file");
        }
        remaining -= n;
      }
      long expected = checked.getChecksum().getValue();
      long stored = in.readLong();
      if (expected != stored) {
        throw new StoreException("shard " + store.shard() + ": snapshot file " + file + " is corrupt (crc32c "
            + Long.toHexString(expected) + " != stored " + Long.toHexString(stored) + ")", null);
      }
    } catch (IOException e) {
      throw new StoreException("shard " + store.shard() + ": cannot read snapshot file " + file, e);
    }
  }

  private static void readHeader(ShardStore store, DataInputStream in, Path file) throws IOException {
    int magic = in.readInt();
    int version = in.readInt();
    String shard = in.readUTF();
    if (magic != MAGIC || version != VERSION) {
      throw new StoreException("shard " + store.shard() + ": " + file + " is not a version " + VERSION
          + " shard export (magic " + Integer.toHexString(magic) + ", version " + version + ")", null);
    }
    if (!shard.equals(store.shard().toString())) {
      throw new StoreException("shard " + store.shard() + ": " + file + " holds shard " + shard, null);
    }
  }
}
