package io.quiver.client;

import io.quiver.common.model.PointId;
import java.util.Map;

/** A stored point as read back; {@code vector} is null unless it was asked for. */
public record RetrievedPoint(PointId id, float[] vector, Map<String, Object> payload, String text) {}
