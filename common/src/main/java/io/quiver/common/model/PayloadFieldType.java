package io.quiver.common.model;

/** How an indexed payload field is indexed. */
public enum PayloadFieldType {
  /** Exact string values; bitmap index. */
  KEYWORD,
  /** 64-bit integers; sorted index for ranges, bitmap for matches. */
  INTEGER,
  /** Doubles; sorted index for ranges. */
  FLOAT,
  /** Booleans; bitmap index. */
  BOOL,
  /** RFC 3339 timestamps; sorted index on epoch microseconds. */
  DATETIME,
  /** Full text; BM25 inverted index. */
  TEXT
}
