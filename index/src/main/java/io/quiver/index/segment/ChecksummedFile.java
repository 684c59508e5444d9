package io.quiver.index.segment;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a file through a temporary name and an atomic rename, with a CRC32C of its content as
 * the last four bytes; reads it back only when the checksum holds.
 */
public final class ChecksummedFile {
  /** Writes the body of a file. */
  @FunctionalInterface
  public interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private ChecksummedFile() {}

  public static void write(Path file, Body body) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream raw = Files.newOutputStream(tmp);
        BufferedOutputStream buffered = new BufferedOutputStream(raw, 1 << 16)) {
      DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
      body.write(out);
      out.flush();
      new DataOutputStream(buffered).writeInt((int) crc.getValue());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static DataInputStream read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < 4) {
      throw new IOException(file + ": truncated (" + bytes.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if (ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt() != (int) crc.getValue()) {
      throw new IOException(file + ": checksum mismatch, the file is corrupt");
    }
    return new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
  }
}
