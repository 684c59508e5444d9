package io.quiver.datanode.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.datanode.store.ShardOp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardEntryTest {
  @Test
  void upsertRoundTripsAndStampingKeepsTheContentHash() {
    Point p = new Point(PointId.of(UUID.randomUUID()), new float[] {1f, -2.5f},
        Map.of("a", List.of(1L, "x", Map.of("b", true)), "c", 0.25), "hello");
    byte[] bytes = ShardEntry.encode("req-1", new ShardOp.Upsert(List.of(p, new Point(PointId.of(-1L), new float[2]))));
    ShardEntry e = ShardEntry.decode(ShardEntry.stamp(bytes, 1234L));
    assertThat(e.requestId()).isEqualTo("req-1");
    assertThat(e.leaderMillis()).isEqualTo(1234L);
    List<Point> points = ((ShardOp.Upsert) e.op()).points();
    assertThat(points.get(0).id()).isEqualTo(p.id());
    assertThat(points.get(0).vector()).containsExactly(1f, -2.5f);
    assertThat(points.get(0).payload()).isEqualTo(p.payload());
    assertThat(points.get(0).text()).isEqualTo("hello");
    assertThat(points.get(1).id()).isEqualTo(PointId.of(-1L));
    assertThat(e.contentHash()).isEqualTo(ShardEntry.decode(bytes).contentHash());
    byte[] other = ShardEntry.encode("req-1", new ShardOp.Upsert(List.of(p)));
    assertThat(ShardEntry.decode(other).contentHash()).isNotEqualTo(e.contentHash());
  }

  @Test
  void filterDeleteRoundTrips() {
    Filter f = new Filter.Bool(
        List.of(new Filter.Match("k", "v"), new Filter.In("n", List.of(1L, 2L)),
            new Filter.Range("x", 1.0, null, null, 2.0)),
        List.of(new Filter.DatetimeRange("t", null, Instant.parse("2026-01-01T00:00:00.5Z"), null, null),
            new Filter.IsNull("z")),
        List.of(new Filter.HasId(Set.of(PointId.of(3), PointId.of(UUID.randomUUID())))));
    ShardEntry e = ShardEntry.decode(ShardEntry.encode("r", new ShardOp.DeleteByFilter(f)));
    assertThat(((ShardOp.DeleteByFilter) e.op()).filter()).isEqualTo(f);
    ShardEntry d = ShardEntry.decode(ShardEntry.encode("r", new ShardOp.Delete(List.of(PointId.of(9)))));
    assertThat(((ShardOp.Delete) d.op()).ids()).containsExactly(PointId.of(9));
    ShardEntry purge = ShardEntry.decode(ShardEntry.encode("p", new ShardOp.PurgeTombstones(77)));
    assertThat(purge.op()).isEqualTo(new ShardOp.PurgeTombstones(77));
  }

  @Test
  void malformedBytesAreRefused() {
    byte[] bytes = ShardEntry.encode("r", new ShardOp.Delete(List.of(PointId.of(9))));
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> ShardEntry.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardEntry.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
  }
}
