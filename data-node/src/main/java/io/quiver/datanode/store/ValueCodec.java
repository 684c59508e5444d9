package io.quiver.datanode.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact, deterministic binary form of payload values (the JSON-like Java objects of
 * {@link io.quiver.common.model.Point#payload()}): the same value always gives the same bytes,
 * map entries in iteration order, so rows written from one log entry are byte-identical on
 * every replica and digests compare.
 *
 * <p>Tags: 0 null, 1 false, 2 true, 3 long, 4 double, 5 string, 6 list, 7 map.
 */
public final class ValueCodec {
  private static final int NULL = 0;
  private static final int FALSE = 1;
  private static final int TRUE = 2;
  private static final int LONG = 3;
  private static final int DOUBLE = 4;
  private static final int STRING = 5;
  private static final int LIST = 6;
  private static final int MAP = 7;

  private ValueCodec() {}

  /** A growable big-endian output whose I/O never fails. */
  public static final class Out {
    private final ByteArrayOutputStream bytes;
    private final DataOutputStream out;

    public Out(int initialSize) {
      bytes = new ByteArrayOutputStream(initialSize);
      out = new DataOutputStream(bytes);
    }

    public Out u8(int v) {
      try {
        out.writeByte(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out i32(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out i64(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public Out f64(double v) {
      return i64(Double.doubleToRawLongBits(v));
    }

    public Out raw(byte[] b) {
      bytes.writeBytes(b);
      return this;
    }

    public Out floats(float[] v) {
      i32(v.length);
      ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES);
      buf.asFloatBuffer().put(v);
      return raw(buf.array());
    }

    /** A string as its UTF-8 length then bytes; null as length -1. */
    public Out str(String s) {
      if (s == null) {
        return i32(-1);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      return raw(b);
    }

    public Out value(Object v) {
      switch (v) {
        case null -> u8(NULL);
        case Boolean b -> u8(b ? TRUE : FALSE);
        case Long l -> u8(LONG).i64(l);
        case Integer i -> u8(LONG).i64(i);
        case Double d -> u8(DOUBLE).f64(d);
        case Float f -> u8(DOUBLE).f64(f);
        case String s -> u8(STRING).str(s);
        case List<?> list -> {
          u8(LIST).i32(list.size());
          for (Object e : list) {
            value(e);
          }
        }
        case Map<?, ?> map -> {
          u8(MAP).i32(map.size());
          for (Map.Entry<?, ?> e : map.entrySet()) {
            str((String) e.getKey());
            value(e.getValue());
          }
        }
        default -> throw new IllegalArgumentException(
            "payload value of type " + v.getClass().getName() + " is not a JSON value: " + v);
      }
      return this;
    }

    public int size() {
      return bytes.size();
    }

    public byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  /** Reads what {@link Out} wrote; a malformed input throws {@link IllegalArgumentException}. */
  public static final class In {
    private final ByteBuffer buf;

    public In(byte[] b) {
      this(ByteBuffer.wrap(b));
    }

    public In(ByteBuffer buf) {
      this.buf = buf;
    }

    public int u8() {
      return buf.get() & 0xFF;
    }

    public int i32() {
      return buf.getInt();
    }

    public long i64() {
      return buf.getLong();
    }

    public double f64() {
      return Double.longBitsToDouble(buf.getLong());
    }

    public byte[] raw(int n) {
      checkLength(n);
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }

    public float[] floats() {
      int n = i32();
      checkLength((long) n * Float.BYTES);
      float[] v = new float[n];
      buf.asFloatBuffer().get(v);
      buf.position(buf.position() + n * Float.BYTES);
      return v;
    }

    public String str() {
      int n = i32();
      if (n == -1) {
        return null;
      }
      return new String(raw(n), StandardCharsets.UTF_8);
    }

    public Object value() {
      int tag = u8();
      return switch (tag) {
        case NULL -> null;
        case FALSE -> Boolean.FALSE;
        case TRUE -> Boolean.TRUE;
        case LONG -> i64();
        case DOUBLE -> f64();
        case STRING -> str();
        case LIST -> {
          int n = count();
          List<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(value());
          }
          yield Collections.unmodifiableList(list);
        }
        case MAP -> map(count());
        default -> throw new IllegalArgumentException("unknown value tag " + tag + " at byte " + (buf.position() - 1));
      };
    }

    /** A payload: a map value, or an empty map. */
    public Map<String, Object> payload() {
      Object v = value();
      if (v == null) {
        return Map.of();
      }
      if (!(v instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("payload is not a map but " + v);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return m;
    }

    public int count() {
      int n = i32();
      checkLength(n);
      return n;
    }

    public boolean hasRemaining() {
      return buf.hasRemaining();
    }

    public int position() {
      return buf.position();
    }

    private Map<String, Object> map(int n) {
      Map<String, Object> m = new LinkedHashMap<>(Math.max(4, n * 2));
      for (int i = 0; i < n; i++) {
        m.put(str(), value());
      }
      return Collections.unmodifiableMap(m);
    }

    private void checkLength(long n) {
      if (n < 0 || n > buf.remaining()) {
        throw new IllegalArgumentException(
            "length " + n + " at byte " + buf.position() + " runs past the end (" + buf.remaining() + " left)");
      }
    }
  }
}
