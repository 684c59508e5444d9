package io.quiver.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.PayloadSchema;
import io.quiver.common.model.QuantizationKind;
import io.quiver.common.model.WriteLevel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest a snapshot writes reads back the same, and a damaged one is refused naming the field. */
class SnapshotManifestTest {
  private static final String SHA = "ab".repeat(32);

  private static SnapshotManifest manifest() {
    CollectionConfig config = new CollectionConfig(8, Distance.COSINE, 2, 1, WriteLevel.ALL,
        new CollectionConfig.Hnsw(24, 200, 80), new CollectionConfig.Quantization(QuantizationKind.INT8, 0, 4f),
        new PayloadSchema(Map.of("category", PayloadFieldType.KEYWORD, "year", PayloadFieldType.INTEGER)));
    return new SnapshotManifest(1, "docs", "7d1f2a7e-8c1b-4a55-9d4e-0b3f7c2e9a10", Instant.parse("2026-11-26T14:00:00Z"),
        config, List.of(new SnapshotManifest.Shard(0, "shard-0000.points", 10, 42, "data-node-1", 1234, SHA),
            new SnapshotManifest.Shard(1, "shard-0001.points", 0, 7, "data-node-2", 0, SHA)));
  }

  @Test
  void everyFieldReadsBackTheSame() {
    SnapshotManifest m = manifest();
    String json = new String(m.toJson(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"format\" : \"quiver-snapshot\"").contains("\"format_version\" : 1")
        .contains("\"shard_count\" : 2").contains("\"points\" : 10");
    assertThat(SnapshotManifest.fromJson(m.toJson())).isEqualTo(m);
    assertThat(m.points()).isEqualTo(10);
  }

  @Test
  void aDamagedManifestIsRefusedNamingTheField() {
    String json = new String(manifest().toJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SnapshotManifest.fromJson(json.replace("shard-0001.points", "../x").getBytes()))
        .hasMessageContaining("shards[1].file must be like shard-0000.points but was '../x'");
    assertThatThrownBy(() -> SnapshotManifest.fromJson(json.replace("\"format_version\" : 1", "\"format_version\" : 9")
        .getBytes())).hasMessageContaining("format_version must be 1 but was 9");
    assertThatThrownBy(() -> SnapshotManifest.fromJson(json.replace("\"shard_count\" : 2", "\"shard_count\" : 3")
        .getBytes())).hasMessageContaining("shards lists 2 shards but config.shard_count is 3");
    assertThatThrownBy(() -> SnapshotManifest.fromJson("{\"format\": \"other\"}".getBytes()))
        .hasMessageContaining("is not a Quiver snapshot manifest");
    assertThatThrownBy(() -> SnapshotManifest.fromJson("{".getBytes())).hasMessageContaining("is not JSON");
    assertThatThrownBy(() -> SnapshotManifest.fromJson(json.replace(SHA, "xyz").getBytes()))
        .hasMessageContaining("shards[0].sha256 must be 64 lower-case hex digits but was 'xyz'");
  }
}
