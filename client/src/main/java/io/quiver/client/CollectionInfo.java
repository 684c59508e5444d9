package io.quiver.client;

import io.quiver.common.model.CollectionConfig;
import java.time.Instant;

/** A collection as the server knows it: its name, the UUID minted at create, and its full config. */
public record CollectionInfo(String name, String uuid, CollectionConfig config, Instant createdAt) {}
