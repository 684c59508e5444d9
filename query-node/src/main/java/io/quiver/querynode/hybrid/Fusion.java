package io.quiver.querynode.hybrid;

import io.quiver.common.model.PointId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fuses ranked lists into one ranking, ties by id.
 *
 * <ul>
 *   <li>{@link #rrf}: Reciprocal Rank Fusion, {@code score(d) = sum over lists of weight / (k +
 *       rank)} with 1-based ranks (Cormack et al. 2009; {@code k} = 60 by default). Scores of
 *       different kinds (BM25, cosine) never meet, only ranks do.
 *   <li>{@link #weightedSum}: each list's scores mapped onto [0, 1] by its own min and max, then
 *       weighted and summed; a document missing from a list gets 0 from it. A list whose scores
 *       are all equal maps them to 1.
 * </ul>
 */
public final class Fusion {
  public static final int DEFAULT_RRF_K = 60;

  /** One candidate of a list. */
  public record Candidate(PointId id, float score) {
    public Candidate {
      Objects.requireNonNull(id, "id");
    }
  }

  /** A list to fuse: best first, with its weight. */
  public record RankedList(String name, float weight, List<Candidate> bestFirst) {
    public RankedList {
      if (!(weight >= 0) || Float.isInfinite(weight)) {
        throw new IllegalArgumentException("weight of list '" + name + "' must be a finite value >= 0 but was " + weight);
      }
      bestFirst = List.copyOf(bestFirst);
    }

    public float minScore() {
      return bestFirst.stream().map(Candidate::score).min(Float::compare).orElse(0f);
    }

    public float maxScore() {
      return bestFirst.stream().map(Candidate::score).max(Float::compare).orElse(0f);
    }
  }

  /** A fused result. */
  public record Fused(PointId id, double score) {}

  static final Comparator<Fused> BEST_FIRST =
      Comparator.comparingDouble((Fused f) -> -f.score()).thenComparing(Fused::id);

  private Fusion() {}

  /** Reciprocal Rank Fusion of {@code lists}; the best {@code limit}. */
  public static List<Fused> rrf(List<RankedList> lists, int k, int limit) {
    if (k < 1) {
      throw new IllegalArgumentException("rrf_k must be >= 1 but was " + k);
    }
    Map<PointId, Double> scores = new HashMap<>();
    for (RankedList l : lists) {
      for (int i = 0; i < l.bestFirst().size(); i++) {
        double s = l.weight() / (double) (k + i + 1);
        scores.merge(l.bestFirst().get(i).id(), s, Double::sum);
      }
    }
    return best(scores, limit);
  }

  /** Min-max normalized weighted sum of {@code lists}; the best {@code limit}. */
  public static List<Fused> weightedSum(List<RankedList> lists, int limit) {
    Map<PointId, Double> scores = new HashMap<>();
    for (RankedList l : lists) {
      double min = l.minScore();
      double span = l.maxScore() - min;
      for (Candidate c : l.bestFirst()) {
        double norm = span > 0 ? (c.score() - min) / span : 1.0;
        scores.merge(c.id(), l.weight() * norm, Double::sum);
      }
    }
    return best(scores, limit);
  }

  private static List<Fused> best(Map<PointId, Double> scores, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    return scores.entrySet().stream()
        .map(e -> new Fused(e.getKey(), e.getValue()))
        .sorted(BEST_FIRST)
        .limit(limit)
        .toList();
  }
}
