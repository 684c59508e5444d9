package io.quiver.index.filter;

import io.quiver.common.model.PointId;
import io.quiver.index.payload.PayloadIndex;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a filter is evaluated against: a set of ordinals with payloads and ids, and the field
 * indexes built over them. Implemented by segments (and by a small fake in tests).
 */
public interface FilterTarget {
  /** Ordinals of live points (a shared bitmap: do not modify). */
  RoaringBitmap live();

  Map<String, Object> payload(int ord);

  /** The ordinal of {@code id} among live points, or -1. */
  int ordinal(PointId id);

  PayloadIndex payloadIndex();
}
