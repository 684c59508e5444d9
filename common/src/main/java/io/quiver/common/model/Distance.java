package io.quiver.common.model;

/**
 * How two vectors are compared. Every index reports a <em>score</em> where larger means closer,
 * so results from any distance merge the same way: {@code COSINE} and {@code DOT} report the
 * (cosine) similarity, {@code L2} reports the negated squared euclidean distance.
 */
public enum Distance {
  /** Cosine similarity; vectors are normalized once on write, so it is a dot product of unit vectors. */
  COSINE,
  /** Raw inner product. */
  DOT,
  /** Euclidean distance; scored as {@code -||a-b||^2}. */
  L2;

  /** Parses a user-supplied name, case-insensitive, with a clear error for anything else. */
  public static Distance parse(String field, String value) {
    if (value != null) {
      for (Distance d : values()) {
        if (d.name().equalsIgnoreCase(value.trim())) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException(
        field + " must be one of COSINE, DOT, L2 but was '" + value + "'");
  }
}
