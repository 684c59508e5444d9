package io.quiver.datanode.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.filter.Filter;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.ScoredPoint;
import io.quiver.common.shard.ShardId;
import io.quiver.datanode.store.AppliedChange;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LocalShardTest {
  final LocalShard shard = new LocalShard(new ShardId(UUID.randomUUID(), 0), CollectionConfig.of(2, Distance.DOT));

  @Test
  void followsTheLogIndexOfItsChanges() {
    shard.upsert(List.of(p(1, 1, 0, Map.of())), 5);
    assertThat(shard.appliedIndex()).isEqualTo(5);
    assertThat(shard.delete(List.of(PointId.of(1), PointId.of(2)), 7)).isEqualTo(1);
    assertThat(shard.appliedIndex()).isEqualTo(7);
    // A change replayed after a rebuild that already holds it changes nothing.
    shard.apply(new AppliedChange(7, List.of(), List.of(PointId.of(1))));
    assertThat(shard.size()).isZero();
    assertThat(shard.appliedIndex()).isEqualTo(7);
  }

  @Test
  void equalScoresBreakByIdAndFiltersWalkNestedArrays() {
    shard.upsert(List.of(
        p(3, 1, 0, Map.of("tags", List.of("a", "b"))),
        p(2, 1, 0, Map.of("meta", Map.of("authors", List.of(Map.of("name", "ann"), Map.of("name", "bo"))))),
        p(1, 0, 1, Map.of("n", 5L))), 1);
    assertThat(shard.search(new float[] {1, 0}, 3, Filter.ALL)).extracting(ScoredPoint::id)
        .containsExactly(PointId.of(2), PointId.of(3), PointId.of(1));
    assertThat(ids(new Filter.Match("tags", "b"))).containsExactly(PointId.of(3));
    assertThat(ids(new Filter.Match("meta.authors.name", "bo"))).containsExactly(PointId.of(2));
    assertThat(ids(new Filter.Range("n", null, 5.0, null, null))).containsExactly(PointId.of(1));
    assertThat(ids(new Filter.IsNull("tags"))).containsExactly(PointId.of(1), PointId.of(2));
    assertThat(ids(Filter.not(new Filter.Match("tags", "a")))).containsExactly(PointId.of(1), PointId.of(2));
    assertThat(shard.scroll(PointId.of(1), 10, Filter.ALL)).extracting(Point::id)
        .containsExactly(PointId.of(2), PointId.of(3));
  }

  @Test
  void cosineNormalizesOnWrite() {
    LocalShard cos = new LocalShard(new ShardId(UUID.randomUUID(), 0), CollectionConfig.of(2, Distance.COSINE));
    cos.upsert(List.of(p(1, 3, 4, Map.of())), 1);
    assertThat(cos.search(new float[] {6, 8}, 1, Filter.ALL).get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(cos.get(List.of(PointId.of(1))).get(0).vector()).containsExactly(0.6f, 0.8f);
  }

  List<PointId> ids(Filter f) {
    return shard.scroll(null, 100, f).stream().map(Point::id).toList();
  }

  static Point p(long id, float x, float y, Map<String, Object> payload) {
    return new Point(PointId.of(id), new float[] {x, y}, payload, null);
  }
}
