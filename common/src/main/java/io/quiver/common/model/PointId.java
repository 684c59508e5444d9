package io.quiver.common.model;

import java.util.UUID;

/**
 * A point's id: an unsigned 64-bit number or a UUID. Both have one canonical 16-byte key form
 * (used for hashing to a shard and as the storage key) and one canonical string form.
 */
public sealed interface PointId extends Comparable<PointId> permits PointId.Num, PointId.Uuid {

  /** An unsigned 64-bit id; {@code value} holds the bits (so a negative long is a large id). */
  record Num(long value) implements PointId {
    @Override
    public String toString() {
      return Long.toUnsignedString(value);
    }
  }

  /** A UUID id. */
  record Uuid(UUID value) implements PointId {
    public Uuid {
      if (value == null) {
        throw new IllegalArgumentException("uuid id must not be null");
      }
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  static PointId of(long unsigned) {
    return new Num(unsigned);
  }

  static PointId of(UUID uuid) {
    return new Uuid(uuid);
  }

  /**
   * Parses the string form: a decimal unsigned 64-bit number or a UUID.
   *
   * @throws IllegalArgumentException naming the value when it is neither
   */
  static PointId parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    String t = s.trim();
    if (t.indexOf('-') >= 0) {
      try {
        return new Uuid(UUID.fromString(t));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("id '" + s + "' is neither an unsigned 64-bit number nor a UUID", e);
      }
    }
    try {
      return new Num(Long.parseUnsignedLong(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("id '" + s + "' is neither an unsigned 64-bit number nor a UUID", e);
    }
  }

  /** 17-byte key: a type tag (0 = number, 1 = uuid) then the bits, big-endian, so keys sort like ids. */
  default byte[] toKey() {
    byte[] k = new byte[17];
    long hi;
    long lo;
    if (this instanceof Num n) {
      k[0] = 0;
      hi = 0;
      lo = n.value();
    } else {
      Uuid u = (Uuid) this;
      k[0] = 1;
      hi = u.value().getMostSignificantBits();
      lo = u.value().getLeastSignificantBits();
    }
    for (int i = 0; i < 8; i++) {
      k[1 + i] = (byte) (hi >>> (56 - 8 * i));
      k[9 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return k;
  }

  /** Inverse of {@link #toKey()}. */
  static PointId fromKey(byte[] k) {
    if (k.length != 17) {
      throw new IllegalArgumentException("point key must be 17 bytes but was " + k.length);
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (k[1 + i] & 0xFF);
      lo = (lo << 8) | (k[9 + i] & 0xFF);
    }
    return k[0] == 0 ? new Num(lo) : new Uuid(new UUID(hi, lo));
  }

  /** Numbers sort before UUIDs; numbers unsigned; UUIDs by their bits, unsigned. */
  @Override
  default int compareTo(PointId o) {
    if (this instanceof Num a) {
      return o instanceof Num b ? Long.compareUnsigned(a.value(), b.value()) : -1;
    }
    if (o instanceof Num) {
      return 1;
    }
    UUID a = ((Uuid) this).value();
    UUID b = ((Uuid) o).value();
    int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}
