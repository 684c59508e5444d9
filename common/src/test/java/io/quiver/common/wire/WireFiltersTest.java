package io.quiver.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.proto.v1.Condition;
import io.quiver.proto.v1.FieldMatch;
import io.quiver.proto.v1.MatchValue;
import io.quiver.proto.v1.Vector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireFiltersTest {

  @Test
  void everyConditionRoundTrips() {
    Filter f =
        new Filter.Bool(
            List.of(
                new Filter.Match("category", "news"),
                new Filter.Range("year", null, 2020.0, 2025.0, null),
                new Filter.DatetimeRange("meta.published", Instant.parse("2024-01-01T00:00:00Z"), null, null, null)),
            List.of(new Filter.In("tags", List.of("a", 7L, true)), new Filter.IsNull("author")),
            List.of(
                new Filter.HasId(Set.of(PointId.of(3), PointId.parse("123e4567-e89b-12d3-a456-426614174000"))),
                Filter.must(new Filter.Match("draft", true))));
    assertThat(WireFilters.fromProto(WireFilters.toProto(f))).isEqualTo(f);
  }

  @Test
  void emptyFilterMatchesAll() {
    assertThat(WireFilters.fromProto(io.quiver.proto.v1.Filter.getDefaultInstance())).isEqualTo(Filter.ALL);
  }

  @Test
  void badConditionsNameTheirPath() {
    var emptyValue =
        io.quiver.proto.v1.Filter.newBuilder()
            .addMust(Condition.newBuilder().setMatch(FieldMatch.newBuilder().setKey("k")))
            .build();
    assertThatThrownBy(() -> WireFilters.fromProto(emptyValue))
        .isInstanceOf(QuiverException.class)
        .hasMessageContaining("filter.must[0]");
    var emptyKey =
        io.quiver.proto.v1.Filter.newBuilder()
            .addShould(Condition.getDefaultInstance())
            .addShould(Condition.newBuilder().setMatch(
                FieldMatch.newBuilder().setKey("").setValue(MatchValue.newBuilder().setKeyword("x"))))
            .build();
    assertThatThrownBy(() -> WireFilters.fromProto(emptyKey)).hasMessageContaining("filter.should[0]");
    var badDate =
        io.quiver.proto.v1.Filter.newBuilder()
            .addMust(Condition.newBuilder().setDatetimeRange(
                io.quiver.proto.v1.DatetimeRange.newBuilder().setKey("t").setGt("yesterday")))
            .build();
    assertThatThrownBy(() -> WireFilters.fromProto(badDate))
        .satisfies(e -> assertThat(((QuiverException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'yesterday'");
  }

  @Test
  void payloadValuesKeepTheirKinds() {
    Map<String, Object> payload =
        Map.of("n", 9007199254740993L, "x", 1.5, "s", "t", "b", true, "l", List.of(1L, "a"), "m", Map.of("k", 2L));
    assertThat(WireValues.payload(WireValues.toStruct(payload))).isEqualTo(payload);
    assertThat(WireValues.lookup(payload, "m.k")).isEqualTo(2L);
    assertThat(WireValues.project(payload, List.of("s", "m.k", "absent"))).isEqualTo(Map.of("s", "t", "m.k", 2L));
  }

  @Test
  void vectorsAreCheckedForLengthAndFiniteness() {
    Vector v = Vector.newBuilder().addValues(1f).addValues(Float.NaN).build();
    assertThatThrownBy(() -> WireVectors.vector("points[3].vector", v, 3))
        .hasMessageContaining("points[3].vector has 2 values").hasMessageContaining("dimension is 3");
    assertThatThrownBy(() -> WireVectors.vector("vector", v, 2)).hasMessageContaining("vector[1] is NaN");
    Vector inf = Vector.newBuilder().addValues(Float.POSITIVE_INFINITY).build();
    assertThatThrownBy(() -> WireVectors.vector("vector", inf, 1)).hasMessageContaining("Infinity");
  }
}
