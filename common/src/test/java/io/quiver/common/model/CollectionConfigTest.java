package io.quiver.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CollectionConfigTest {

  @Test
  void defaultsArePinned() {
    CollectionConfig c = CollectionConfig.of(128, Distance.L2);
    assertThat(c.shardCount()).isEqualTo(1);
    assertThat(c.replicationFactor()).isEqualTo(1);
    assertThat(c.writeLevel()).isEqualTo(WriteLevel.QUORUM);
    assertThat(c.hnsw()).isEqualTo(new CollectionConfig.Hnsw(16, 100, 64));
    assertThat(c.quantization().kind()).isEqualTo(QuantizationKind.NONE);
    assertThat(c.quantization().rescoreOversampling()).isEqualTo(3.0f);
    assertThat(c.payloadSchema().fields()).isEmpty();
  }

  @Test
  void badValuesNameFieldAndValue() {
    assertThatThrownBy(() -> CollectionConfig.of(0, Distance.L2))
        .hasMessageContaining("dimension").hasMessageContaining("0");
    assertThatThrownBy(() -> CollectionConfig.of(70000, Distance.L2)).hasMessageContaining("70000");
    assertThatThrownBy(() -> CollectionConfig.of(8, null)).hasMessageContaining("distance");
    assertThatThrownBy(() -> CollectionConfig.of(8, Distance.L2).withShards(0, 1))
        .hasMessageContaining("shard_count").hasMessageContaining("0");
    assertThatThrownBy(() -> CollectionConfig.of(8, Distance.L2).withShards(2, 9))
        .hasMessageContaining("replication_factor").hasMessageContaining("9");
    assertThatThrownBy(() -> new CollectionConfig.Hnsw(16, 8, 64)).hasMessageContaining("ef_construct");
  }

  @Test
  void pqSubspacesDefaultToDimensionOverEightAndMustDivide() {
    var pq = new CollectionConfig.Quantization(QuantizationKind.PQ, 0, 3f);
    var c = new CollectionConfig(128, Distance.L2, 1, 1, null, null, pq, null);
    assertThat(c.quantization().pqSubspaces()).isEqualTo(16);
    var bad = new CollectionConfig.Quantization(QuantizationKind.PQ, 7, 3f);
    assertThatThrownBy(() -> new CollectionConfig(128, Distance.L2, 1, 1, null, null, bad, null))
        .hasMessageContaining("pq_subspaces").hasMessageContaining("7");
  }

  @Test
  void collectionNamesAreChecked() {
    assertThat(Limits.checkCollectionName("name", "docs_2024-v1")).isEqualTo("docs_2024-v1");
    assertThatThrownBy(() -> Limits.checkCollectionName("name", "bad name")).hasMessageContaining("'bad name'");
    assertThatThrownBy(() -> Limits.checkCollectionName("name", "")).hasMessageContaining("name");
    assertThatThrownBy(() -> Limits.checkCollectionName("name", "a".repeat(65))).hasMessageContaining("1-64");
  }
}
