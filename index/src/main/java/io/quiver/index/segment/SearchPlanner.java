package io.quiver.index.segment;

/**
 * Chooses between the graph walk and an exact scan for a filtered search in one segment.
 *
 * <p>The rule: scan the {@code m} matching points exactly when {@code m <= 1000} or
 * {@code m * m <= 10 * ef * n} ({@code n} = live points in the segment). Why: a filtered walk
 * visits roughly {@code 10 * ef / selectivity} nodes (about 10 scored neighbours per expanded
 * node, and only a {@code m / n} share of them count towards the result), while a scan scores
 * {@code m}; the two costs meet at {@code m^2 = 10 * ef * n}. For 10,000 points and ef = 64 that
 * is about 2,500 matching points (25%); for 1,000,000 points, 25,000 (2.5%). A walk that still
 * returns fewer than {@code k} results while enough points match falls back to the scan too, so
 * a selective filter is neither slow nor low-recall.
 */
public final class SearchPlanner {
  /** Below this many matching points a scan is always used. */
  public static final int EXACT_MIN_POINTS = 1000;
  /** Nodes scored per expanded node in the cost model. */
  public static final int VISITS_PER_EF = 10;

  private SearchPlanner() {}

  public static boolean preferExact(long matching, long live, int ef) {
    return matching <= EXACT_MIN_POINTS || (double) matching * matching <= (double) VISITS_PER_EF * ef * live;
  }
}
