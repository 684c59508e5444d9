package io.quiver.client;

import java.util.List;

/**
 * The hits of one search, best first (equal scores ordered by id). {@code partial} is true when
 * some shards did not answer and the search allowed it; they are listed in {@code missingShards}.
 */
public record SearchResult(List<Hit> hits, boolean partial, List<Integer> missingShards, long tookMicros) {
  public SearchResult {
    hits = List.copyOf(hits);
    missingShards = List.copyOf(missingShards);
  }
}
