package io.quiver.common.cluster;

import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Limits;
import java.util.Objects;
import java.util.UUID;

/** A collection in the catalog: its name, the UUID minted at create, its config, when it was made. */
public record CatalogEntry(String name, UUID uuid, CollectionConfig config, long createdAtMillis) {
  public CatalogEntry {
    Limits.checkCollectionName("name", name);
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(config, "config");
  }
}
