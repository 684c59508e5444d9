package io.quiver.index.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The inverted index of one segment: per term, the ordinals containing it and the term counts,
 * in ordinal order; per ordinal, the document length in terms. Statistics for scoring are passed
 * in ({@link TextStats}) so that scores from several segments are comparable. Not thread-safe:
 * the owning segment guards it.
 */
public final class TextIndex {
  private final Map<String, Postings> postings = new HashMap<>();
  private int[] lengths = new int[16];
  private int docs;
  private long totalLength;

  /** A term's postings: ordinals ascending and their term frequencies. */
  static final class Postings {
    int[] ords = new int[4];
    int[] tfs = new int[4];
    int size;

    void add(int ord, int tf) {
      if (size == ords.length) {
        ords = Arrays.copyOf(ords, size * 2);
        tfs = Arrays.copyOf(tfs, size * 2);
      }
      ords[size] = ord;
      tfs[size++] = tf;
    }
  }

  /** Indexes {@code text} for {@code ord}; ordinals must arrive in increasing order. */
  public void add(int ord, String text) {
    List<String> terms = Analyzer.terms(text);
    if (terms.isEmpty()) {
      return;
    }
    Map<String, Integer> tf = new HashMap<>();
    for (String t : terms) {
      tf.merge(t, 1, Integer::sum);
    }
    tf.forEach((t, n) -> postings.computeIfAbsent(t, k -> new Postings()).add(ord, n));
    if (ord >= lengths.length) {
      lengths = Arrays.copyOf(lengths, Math.max(ord + 1, lengths.length * 2));
    }
    lengths[ord] = terms.size();
    docs++;
    totalLength += terms.size();
  }

  /** Documents with text, deleted ones included (as in most engines: statistics lag deletes). */
  public int docCount() {
    return docs;
  }

  public long totalLength() {
    return totalLength;
  }

  public int docFreq(String term) {
    Postings p = postings.get(term);
    return p == null ? 0 : p.size;
  }

  /**
   * Adds the BM25 score of each query term to {@code acc} for every accepted ordinal.
   *
   * @param terms analyzed query terms (duplicates count once)
   */
  public void score(List<String> terms, TextStats stats, Bm25Params params, IntPredicate accept, Map<Integer, float[]> acc) {
    float avgdl = stats.averageLength();
    for (String term : new java.util.LinkedHashSet<>(terms)) {
      Postings p = postings.get(term);
      if (p == null) {
        continue;
      }
      float idf = Bm25Params.idf(stats.docCount(), stats.docFreq(term));
      for (int i = 0; i < p.size; i++) {
        int ord = p.ords[i];
        if (accept.test(ord)) {
          float s = params.score(idf, p.tfs[i], lengths[ord], avgdl);
          acc.computeIfAbsent(ord, k -> new float[1])[0] += s;
        }
      }
    }
  }
}
