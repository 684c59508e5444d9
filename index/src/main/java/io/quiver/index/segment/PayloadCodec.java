package io.quiver.index.segment;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary form of JSON-like payload values for segment files: a tag byte, then the value
 * (strings as modified UTF-8 with an int length, so long texts fit).
 */
final class PayloadCodec {
  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int LONG = 2;
  private static final int DOUBLE = 3;
  private static final int BOOL = 4;
  private static final int LIST = 5;
  private static final int MAP = 6;

  private PayloadCodec() {}

  static void write(DataOutput out, Object v) throws IOException {
    switch (v) {
      case null -> out.writeByte(NULL);
      case String s -> {
        out.writeByte(STRING);
        writeString(out, s);
      }
      case Long l -> {
        out.writeByte(LONG);
        out.writeLong(l);
      }
      case Integer i -> {
        out.writeByte(LONG);
        out.writeLong(i);
      }
      case Double d -> {
        out.writeByte(DOUBLE);
        out.writeDouble(d);
      }
      case Float f -> {
        out.writeByte(DOUBLE);
        out.writeDouble(f);
      }
      case Boolean b -> {
        out.writeByte(BOOL);
        out.writeBoolean(b);
      }
      case List<?> list -> {
        out.writeByte(LIST);
        out.writeInt(list.size());
        for (Object e : list) {
          write(out, e);
        }
      }
      case Map<?, ?> map -> {
        out.writeByte(MAP);
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          writeString(out, String.valueOf(e.getKey()));
          write(out, e.getValue());
        }
      }
      default -> throw new IllegalArgumentException(
          "payload value of type " + v.getClass().getName() + " is not a JSON value: " + v);
    }
  }

  static Object read(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    return switch (tag) {
      case NULL -> null;
      case STRING -> readString(in);
      case LONG -> in.readLong();
      case DOUBLE -> in.readDouble();
      case BOOL -> in.readBoolean();
      case LIST -> {
        int n = in.readInt();
        List<Object> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          l.add(read(in));
        }
        yield l;
      }
      case MAP -> {
        int n = in.readInt();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          m.put(readString(in), read(in));
        }
        yield m;
      }
      default -> throw new IOException("unknown payload tag " + tag);
    };
  }

  static void writeString(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 30)) {
      throw new IOException("string length " + n + " is invalid");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> readPayload(DataInput in) throws IOException {
    Object o = read(in);
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IOException("payload must be a map but was " + o);
  }
}
