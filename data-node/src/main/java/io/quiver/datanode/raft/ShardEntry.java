package io.quiver.datanode.raft;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.datanode.store.ShardOp;
import io.quiver.datanode.store.ValueCodec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A shard log entry: the request id, the leader's clock when it appended the entry, and one
 * {@link ShardOp}. Binary, big-endian:
 *
 * <pre>
 * u8 'Q', u8 version (1), u8 kind (1 upsert, 2 delete ids, 3 delete by filter, 4 tombstone purge,
 *   0 read barrier),
 * i64 leader millis (0 until the leader stamps it), str request id, body
 *   upsert: i32 n, n x (17-byte id key, i32 dim, dim x f32, payload value, str text)
 *   delete: i32 n, n x 17-byte id key
 *   filter: the filter, tagged (see {@link #writeFilter})
 *   purge: i64 the highest log index whose tombstones go
 * </pre>
 *
 * Strings are i32 UTF-8 length (-1 for null) then bytes; payload values as {@link ValueCodec}.
 * The content hash (SHA-256 over kind and body) is what a repeated request id is compared by.
 */
public record ShardEntry(String requestId, long leaderMillis, ShardOp op, byte[] contentHash) {
  private static final int MAGIC = 'Q';
  private static final int VERSION = 1;
  private static final int KIND_OFFSET = 2;
  private static final int MILLIS_OFFSET = 3;
  static final int BARRIER = 0;
  private static final int UPSERT = 1;
  private static final int DELETE = 2;
  private static final int DELETE_BY_FILTER = 3;
  private static final int PURGE_TOMBSTONES = 4;
  private static final byte[] BARRIER_BYTES = {MAGIC, VERSION, BARRIER};

  /** The message a linearizable read sends through Ratis: it changes nothing. */
  static byte[] barrier() {
    return BARRIER_BYTES.clone();
  }

  /** Encodes an entry with no leader time yet; the leader stamps it in {@link #stamp}. */
  public static byte[] encode(String requestId, ShardOp op) {
    ValueCodec.Out out = new ValueCodec.Out(256);
    out.u8(MAGIC).u8(VERSION);
    switch (op) {
      case ShardOp.Upsert u -> {
        out.u8(UPSERT).i64(0).str(requestId).i32(u.points().size());
        for (Point p : u.points()) {
          out.raw(p.id().toKey()).floats(p.vector()).value(p.payload()).str(p.text());
        }
      }
      case ShardOp.Delete d -> {
        out.u8(DELETE).i64(0).str(requestId);
        writeIds(out, d.ids());
      }
      case ShardOp.DeleteByFilter f -> {
        out.u8(DELETE_BY_FILTER).i64(0).str(requestId);
        writeFilter(out, f.filter());
      }
      case ShardOp.PurgeTombstones p -> out.u8(PURGE_TOMBSTONES).i64(0).str(requestId).i64(p.upTo());
    }
    return out.toByteArray();
  }

  /** A copy of {@code entry} carrying the leader's clock. */
  static byte[] stamp(byte[] entry, long leaderMillis) {
    byte[] copy = entry.clone();
    ByteBuffer.wrap(copy).putLong(MILLIS_OFFSET, leaderMillis);
    return copy;
  }

  static boolean isBarrier(byte[] entry) {
    return entry.length == BARRIER_BYTES.length && entry[KIND_OFFSET] == BARRIER;
  }

  /** Decodes an entry; malformed bytes throw {@link IllegalArgumentException}. */
  public static ShardEntry decode(byte[] entry) {
    return parse(entry, true);
  }

  /** Checks that {@code entry} decodes, without computing its content hash. */
  static void check(byte[] entry) {
    parse(entry, false);
  }

  private static ShardEntry parse(byte[] entry, boolean hash) {
    try {
      ValueCodec.In in = new ValueCodec.In(entry);
      int magic = in.u8();
      int version = in.u8();
      if (magic != MAGIC || version != VERSION) {
        throw new IllegalArgumentException("not a version " + VERSION + " shard entry (magic " + magic
            + ", version " + version + ")");
      }
      int kind = in.u8();
      long millis = in.i64();
      String requestId = in.str();
      if (requestId == null) {
        throw new IllegalArgumentException("shard entry has no request id");
      }
      int bodyStart = in.position();
      ShardOp op = switch (kind) {
        case UPSERT -> new ShardOp.Upsert(readPoints(in));
        case DELETE -> new ShardOp.Delete(readIds(in));
        case DELETE_BY_FILTER -> new ShardOp.DeleteByFilter(readFilter(in));
        case PURGE_TOMBSTONES -> new ShardOp.PurgeTombstones(in.i64());
        default -> throw new IllegalArgumentException("unknown shard entry kind " + kind);
      };
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("shard entry has " + (entry.length - in.position()) + " trailing bytes");
      }
      if (!hash) {
        return new ShardEntry(requestId, millis, op, new byte[0]);
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((byte) kind);
      sha.update(entry, bodyStart, entry.length - bodyStart);
      return new ShardEntry(requestId, millis, op, sha.digest());
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("shard entry is truncated (" + entry.length + " bytes)", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static List<Point> readPoints(ValueCodec.In in) {
    int n = in.count();
    List<Point> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      PointId id = PointId.fromKey(in.raw(17));
      float[] vector = in.floats();
      var payload = in.payload();
      points.add(new Point(id, vector, payload, in.str()));
    }
    return points;
  }

  private static void writeIds(ValueCodec.Out out, java.util.Collection<PointId> ids) {
    out.i32(ids.size());
    for (PointId id : ids) {
      out.raw(id.toKey());
    }
  }

  private static List<PointId> readIds(ValueCodec.In in) {
    int n = in.count();
    List<PointId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(PointId.fromKey(in.raw(17)));
    }
    return ids;
  }

  /** Tags: 1 bool, 2 match, 3 in, 4 range, 5 datetime range, 6 is-null, 7 has-id. */
  private static void writeFilter(ValueCodec.Out out, Filter f) {
    switch (f) {
      case Filter.Bool b -> {
        out.u8(1);
        for (List<Filter> clauses : List.of(b.must(), b.should(), b.mustNot())) {
          out.i32(clauses.size());
          clauses.forEach(c -> writeFilter(out, c));
        }
      }
      case Filter.Match m -> out.u8(2).str(m.key()).value(m.value());
      case Filter.In in -> {
        out.u8(3).str(in.key()).i32(in.values().size());
        in.values().forEach(out::value);
      }
      case Filter.Range r -> {
        out.u8(4).str(r.key());
        for (Double d : new Double[] {r.gt(), r.gte(), r.lt(), r.lte()}) {
          out.value(d);
        }
      }
      case Filter.DatetimeRange r -> {
        out.u8(5).str(r.key());
        for (Instant t : new Instant[] {r.gt(), r.gte(), r.lt(), r.lte()}) {
          if (t == null) {
            out.u8(0);
          } else {
            out.u8(1).i64(t.getEpochSecond()).i32(t.getNano());
          }
        }
      }
      case Filter.IsNull n -> out.u8(6).str(n.key());
      case Filter.HasId h -> {
        out.u8(7);
        writeIds(out, h.ids());
      }
    }
  }

  private static Filter readFilter(ValueCodec.In in) {
    int tag = in.u8();
    return switch (tag) {
      case 1 -> new Filter.Bool(readClauses(in), readClauses(in), readClauses(in));
      case 2 -> new Filter.Match(in.str(), in.value());
      case 3 -> {
        String key = in.str();
        int n = in.count();
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(in.value());
        }
        yield new Filter.In(key, values);
      }
      case 4 -> new Filter.Range(in.str(), (Double) in.value(), (Double) in.value(), (Double) in.value(),
          (Double) in.value());
      case 5 -> new Filter.DatetimeRange(in.str(), readInstant(in), readInstant(in), readInstant(in), readInstant(in));
      case 6 -> new Filter.IsNull(in.str());
      case 7 -> {
        Set<PointId> ids = new HashSet<>(readIds(in));
        yield new Filter.HasId(ids);
      }
      default -> throw new IllegalArgumentException("unknown filter tag " + tag);
    };
  }

  private static List<Filter> readClauses(ValueCodec.In in) {
    int n = in.count();
    List<Filter> clauses = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      clauses.add(readFilter(in));
    }
    return clauses;
  }

  private static Instant readInstant(ValueCodec.In in) {
    return in.u8() == 0 ? null : Instant.ofEpochSecond(in.i64(), in.i32());
  }
}
