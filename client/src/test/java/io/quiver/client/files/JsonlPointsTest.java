package io.quiver.client.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlPointsTest {
  @TempDir Path dir;

  private List<Point> read(String content) throws IOException {
    Path f = Files.writeString(dir.resolve("p.jsonl"), content);
    List<Point> out = new ArrayList<>();
    try (JsonlPoints p = JsonlPoints.open(f)) {
      p.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void readsIdsVectorsPayloadsAndText() throws IOException {
    List<Point> ps = read("""
        {"id": 1, "vector": [0.5, 1], "payload": {"k": "v", "n": 3, "x": 1.5, "ok": true, "tags": ["a"], "m": {"z": null}}}

        {"id": "123e4567-e89b-12d3-a456-426614174000", "vector": [2, 3], "text": "hello"}
        """);
    assertThat(ps).hasSize(2);
    assertThat(ps.get(0).id()).isEqualTo(PointId.of(1));
    assertThat(ps.get(0).vector()).containsExactly(0.5f, 1f);
    assertThat(ps.get(0).payload())
        .containsEntry("k", "v")
        .containsEntry("n", 3L)
        .containsEntry("x", 1.5)
        .containsEntry("ok", true)
        .containsEntry("tags", List.of("a"));
    assertThat(ps.get(0).payload().get("m")).isEqualTo(java.util.Collections.singletonMap("z", null));
    assertThat(ps.get(1).id()).isEqualTo(PointId.parse("123e4567-e89b-12d3-a456-426614174000"));
    assertThat(ps.get(1).text()).isEqualTo("hello");
  }

  @Test
  void badLinesNameTheLineAndField() {
    assertThatThrownBy(() -> read("{\"id\": 1, \"vector\": [1]}\n{\"vector\": [1]}\n")).hasMessageContaining("line 2 has no \"id\"");
    assertThatThrownBy(() -> read("{\"id\": 1, \"vector\": [1, \"a\"]}")).hasMessageContaining("line 1 \"vector\"[1] is not a number");
    assertThatThrownBy(() -> read("{\"id\": -4, \"vector\": [1]}")).hasMessageContaining("unsigned integer or a UUID");
    assertThatThrownBy(() -> read("{oops")).hasMessageContaining("line 1 is not JSON");
  }
}
