package io.quiver.index.engine;

/**
 * Per-search options.
 *
 * @param ef beam width of the graph walk (larger: better recall, slower)
 * @param exact scan every candidate instead of walking graphs
 * @param withPoint attach the stored point (vector, payload, text) to each hit
 */
public record SearchOptions(int ef, boolean exact, boolean withPoint) {
  public static final int DEFAULT_EF = 64;
  public static final int MAX_EF = 10_000;
  public static final SearchOptions DEFAULT = new SearchOptions(DEFAULT_EF, false, false);

  public SearchOptions {
    if (ef < 1 || ef > MAX_EF) {
      throw new IllegalArgumentException("ef must be in 1.." + MAX_EF + " but was " + ef);
    }
  }

  public SearchOptions withEf(int e) {
    return new SearchOptions(e, exact, withPoint);
  }

  public SearchOptions withExact(boolean x) {
    return new SearchOptions(ef, x, withPoint);
  }

  public SearchOptions withPoint(boolean w) {
    return new SearchOptions(ef, exact, w);
  }
}
