package io.quiver.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.common.model.ReadLevel;
import org.junit.jupiter.api.Test;

/** The setters the three read builders share reach each one's own request. */
class QueryBuildersTest {
  private static final String FILTER = "category == \"news\" and year >= 2020";

  @Test
  void searchQueryCarriesFilterPayloadVectorAndLevel() {
    SearchQuery q = SearchQuery.builder("docs", new float[] {1, 2}).filter(FILTER).withPayload(false)
        .withVector(true).readLevel(ReadLevel.EVENTUAL).k(3).build();
    var r = q.toProto();
    assertThat(r.hasFilter()).isTrue();
    assertThat(r.hasWithPayload()).isTrue();
    assertThat(r.getWithPayload().getEnable()).isFalse();
    assertThat(r.getWithVector()).isTrue();
    assertThat(r.getK()).isEqualTo(3);
    assertThat(q.readLevel()).isEqualTo(ReadLevel.EVENTUAL);
    assertThat(SearchQuery.builder("docs", new float[] {1}).filter(FILTER).filter((String) null).build()
        .toProto().hasFilter()).isFalse();
  }

  @Test
  void hybridQueryCarriesFilterPayloadVectorAndLevel() {
    HybridQuery q = HybridQuery.builder("docs").text("cells").filter(FILTER).withPayload(true).withVector(true)
        .readLevel(ReadLevel.STRONG).build();
    var r = q.toProto();
    assertThat(r.hasFilter()).isTrue();
    assertThat(r.getWithPayload().getEnable()).isTrue();
    assertThat(r.getWithVector()).isTrue();
    assertThat(q.readLevel()).isEqualTo(ReadLevel.STRONG);
    assertThat(q.collection()).isEqualTo("docs");
  }

  @Test
  void scrollQueryCarriesFilterPayloadVectorAndLevel() {
    ScrollQuery q = ScrollQuery.builder("docs").filter(FILTER).withPayload(false).withVector(true)
        .readLevel(ReadLevel.SESSION).limit(5).build();
    var r = q.toProto();
    assertThat(r.hasFilter()).isTrue();
    assertThat(r.hasWithPayload()).isTrue();
    assertThat(r.getWithPayload().getEnable()).isFalse();
    assertThat(r.getWithVector()).isTrue();
    assertThat(r.getLimit()).isEqualTo(5);
    assertThat(q.readLevel()).isEqualTo(ReadLevel.SESSION);
    // Payload is on by default for a scroll; the shared setter must not lose that.
    assertThat(ScrollQuery.builder("docs").build().toProto().getWithPayload().getEnable()).isTrue();
  }
}
