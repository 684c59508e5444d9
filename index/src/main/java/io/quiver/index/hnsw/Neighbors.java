package io.quiver.index.hnsw;

/**
 * Ordinals and scores of a search result, best first, with how many nodes were scored.
 *
 * @param ords result ordinals, best first
 * @param scores their scores (larger is closer)
 * @param visited nodes scored on level 0, a proxy for the cost of the search
 */
public record Neighbors(int[] ords, float[] scores, int visited) {
  public static final Neighbors EMPTY = new Neighbors(new int[0], new float[0], 0);

  public Neighbors {
    if (ords.length != scores.length) {
      throw new IllegalArgumentException(
          "ords and scores differ in length: " + ords.length + "!=" + scores.length);
    }
  }

  public int size() {
    return ords.length;
  }
}
