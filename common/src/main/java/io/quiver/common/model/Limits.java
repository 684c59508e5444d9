package io.quiver.common.model;

/** Documented hard limits of the API; requests past them are refused with INVALID_ARGUMENT. */
public final class Limits {
  public static final int MAX_DIMENSION = 65_536;
  public static final int MAX_SHARDS = 1_024;
  public static final int MAX_REPLICATION_FACTOR = 7;
  /** Largest k (and offset + k) of a search. */
  public static final int MAX_K = 10_000;
  /** Most points in one upsert request. */
  public static final int MAX_BATCH_POINTS = 10_000;
  /** Most points in one scroll page. */
  public static final int MAX_SCROLL_LIMIT = 10_000;
  /** Collection names: 1..64 of [A-Za-z0-9_-], starting with a letter or digit. */
  public static final String COLLECTION_NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

  private Limits() {}

  /** Checks a collection name; the message names the value. */
  public static String checkCollectionName(String field, String name) {
    if (name == null || !name.matches(COLLECTION_NAME_PATTERN)) {
      throw new IllegalArgumentException(
          field + " '" + name + "' must be 1-64 characters of letters, digits, '_' or '-', starting with a letter or digit");
    }
    return name;
  }
}
