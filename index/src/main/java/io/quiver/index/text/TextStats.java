package io.quiver.index.text;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus statistics for BM25 summed over every segment of a shard, so each segment scores with
 * the same idf and average length.
 *
 * @param docCount documents with text
 * @param totalLength terms in all of them
 * @param docFreqs documents containing each query term
 */
public record TextStats(long docCount, long totalLength, Map<String, Long> docFreqs) {
  public TextStats {
    docFreqs = Map.copyOf(docFreqs);
  }

  public static TextStats of(Collection<TextIndex> indexes, List<String> terms) {
    long docs = 0;
    long len = 0;
    Map<String, Long> df = new HashMap<>();
    for (TextIndex t : indexes) {
      docs += t.docCount();
      len += t.totalLength();
      for (String term : terms) {
        df.merge(term, (long) t.docFreq(term), Long::sum);
      }
    }
    return new TextStats(docs, len, df);
  }

  public float averageLength() {
    return docCount == 0 ? 1f : Math.max(1f, (float) totalLength / docCount);
  }

  public long docFreq(String term) {
    return docFreqs.getOrDefault(term, 0L);
  }
}
