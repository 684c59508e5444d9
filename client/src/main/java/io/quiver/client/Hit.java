package io.quiver.client;

import io.quiver.common.model.PointId;
import java.util.Map;

/**
 * One search hit: the point's id and score (larger is closer), and the vector, payload and text
 * when the search asked for them ({@code vector} is null and {@code payload} empty otherwise).
 */
public record Hit(PointId id, float score, float[] vector, Map<String, Object> payload, String text) {}
