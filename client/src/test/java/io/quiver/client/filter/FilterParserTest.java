package io.quiver.client.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.error.ErrorCode;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.common.wire.WireFilters;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterParserTest {

  private static Filter and(Filter... fs) {
    return new Filter.Bool(List.of(fs), List.of(), List.of());
  }

  private static Filter or(Filter... fs) {
    return new Filter.Bool(List.of(), List.of(fs), List.of());
  }

  @Test
  void theExampleFromTheDocs() {
    assertThat(FilterParser.parse("category == \"news\" and year >= 2020"))
        .isEqualTo(and(new Filter.Match("category", "news"), new Filter.Range("year", null, 2020.0, null, null)));
  }

  @Test
  void andBindsTighterThanOr() {
    Filter a = new Filter.Match("a", 1L);
    Filter b = new Filter.Match("b", 2L);
    Filter c = new Filter.Match("c", 3L);
    assertThat(FilterParser.parse("a == 1 or b == 2 and c == 3")).isEqualTo(or(a, and(b, c)));
    assertThat(FilterParser.parse("(a == 1 or b == 2) and c == 3")).isEqualTo(and(or(a, b), c));
    assertThat(FilterParser.parse("a == 1 || b == 2 && c == 3")).isEqualTo(or(a, and(b, c)));
  }

  @Test
  void notNegatesTheNextTerm() {
    assertThat(FilterParser.parse("not draft == true and lang == 'en'"))
        .isEqualTo(and(Filter.not(new Filter.Match("draft", true)), new Filter.Match("lang", "en")));
    assertThat(FilterParser.parse("!(x == 1)")).isEqualTo(Filter.not(new Filter.Match("x", 1L)));
    assertThat(FilterParser.parse("x != \"y\"")).isEqualTo(Filter.not(new Filter.Match("x", "y")));
  }

  @Test
  void inListsAndNullChecks() {
    assertThat(FilterParser.parse("tag in [\"a\", 'b', 3, false]"))
        .isEqualTo(new Filter.In("tag", List.of("a", "b", 3L, false)));
    assertThat(FilterParser.parse("tag not in [1]")).isEqualTo(Filter.not(new Filter.In("tag", List.of(1L))));
    assertThat(FilterParser.parse("meta.author IS NULL")).isEqualTo(new Filter.IsNull("meta.author"));
    assertThat(FilterParser.parse("meta.author is not null"))
        .isEqualTo(Filter.not(new Filter.IsNull("meta.author")));
  }

  @Test
  void rangesOnNumbersAndTimestamps() {
    assertThat(FilterParser.parse("price > -1.5e2")).isEqualTo(new Filter.Range("price", -150.0, null, null, null));
    assertThat(FilterParser.parse("price <= 10")).isEqualTo(new Filter.Range("price", null, null, null, 10.0));
    assertThat(FilterParser.parse("score == 0.5")).isEqualTo(new Filter.Range("score", null, 0.5, null, 0.5));
    assertThat(FilterParser.parse("at < \"2024-05-01T00:00:00Z\""))
        .isEqualTo(new Filter.DatetimeRange("at", null, null, Instant.parse("2024-05-01T00:00:00Z"), null));
  }

  @Test
  void idsAndQuotedKeys() {
    assertThat(FilterParser.parse("has_id(1, \"123e4567-e89b-12d3-a456-426614174000\")"))
        .isEqualTo(new Filter.HasId(Set.of(PointId.of(1), PointId.parse("123e4567-e89b-12d3-a456-426614174000"))));
    assertThat(FilterParser.parse("`in` == true")).isEqualTo(new Filter.Match("in", true));
  }

  @Test
  void blankMatchesEverything() {
    assertThat(FilterParser.parse("  ")).isEqualTo(Filter.ALL);
  }

  @Test
  void everyParsedFilterSurvivesTheWire() {
    Filter f = FilterParser.parse("(a == 1 or b in [\"x\"]) and not c is null and d < 3 and has_id(9)");
    assertThat(WireFilters.fromProto(WireFilters.toProto(f))).isEqualTo(f);
  }

  @Test
  void errorsNameTheColumnAndWhatWasExpected() {
    assertThatThrownBy(() -> FilterParser.parse("year >= "))
        .isInstanceOf(QuiverException.class)
        .satisfies(e -> assertThat(((QuiverException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("expected a value but found the end")
        .hasMessageContaining("column 9");
    assertThatThrownBy(() -> FilterParser.parse("category == news"))
        .hasMessageContaining("quote strings: \"news\"");
    assertThatThrownBy(() -> FilterParser.parse("a == 1 b == 2"))
        .hasMessageContaining("expected 'and', 'or' or the end but found 'b'")
        .hasMessageContaining("column 8");
    assertThatThrownBy(() -> FilterParser.parse("(a == 1")).hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> FilterParser.parse("name == \"open")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> FilterParser.parse("a > true")).hasMessageContaining("needs a number or a timestamp");
    assertThatThrownBy(() -> FilterParser.parse("at > \"yesterday\"")).hasMessageContaining("RFC 3339");
    assertThatThrownBy(() -> FilterParser.parse("x in []")).hasMessageContaining("expected a value but found ']'");
    assertThatThrownBy(() -> FilterParser.parse("a ~ 1")).hasMessageContaining("unexpected character '~'");
  }
}
