package io.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene's HNSW through its normal path: an IndexWriter with Lucene99HnswVectorsFormat(M, beam),
 * one segment (a RAM buffer large enough that nothing flushes early), searched through the leaf
 * reader with a collector of size ef (the usual "fan-out" way to set Lucene's beam width).
 */
final class LuceneAnn implements AnnEngine {
  private final int m;
  private final int beam;
  private Path dir;
  private FSDirectory directory;
  private DirectoryReader reader;
  private LeafReader leaf;
  private int n;

  LuceneAnn(int m, int beam) {
    this.m = m;
    this.beam = beam;
  }

  @Override
  public String name() {
    return "lucene";
  }

  @Override
  public void build(DataSet data) throws IOException {
    dir = Files.createTempDirectory("lucene-ann");
    directory = FSDirectory.open(dir);
    KnnVectorsFormat format = new Lucene99HnswVectorsFormat(m, beam);
    IndexWriterConfig cfg = new IndexWriterConfig()
        .setCodec(new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        })
        .setRAMBufferSizeMB(4096)
        .setUseCompoundFile(false);
    try (IndexWriter w = new IndexWriter(directory, cfg)) {
      for (float[] v : data.base()) {
        Document d = new Document();
        d.add(new KnnFloatVectorField("v", v, VectorSimilarityFunction.EUCLIDEAN));
        w.addDocument(d);
      }
      w.commit();
    }
    reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException("expected one segment but got " + reader.leaves().size());
    }
    leaf = reader.leaves().get(0).reader();
    n = data.base().length;
  }

  @Override
  public int[] search(float[] query, int k, int ef) throws IOException {
    TopKnnCollector c = new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE);
    leaf.searchNearestVectors("v", query, c, AcceptDocs.fromLiveDocs(null, n));
    TopDocs td = c.topDocs();
    ScoreDoc[] sd = td.scoreDocs;
    int[] out = new int[Math.min(k, sd.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = sd[i].doc;
    }
    return out;
  }

  @Override
  public double bytesPerVector() {
    try (Stream<Path> files = Files.list(dir)) {
      long bytes = files.filter(p -> {
        String f = p.getFileName().toString();
        return f.endsWith(".vec") || f.endsWith(".vex") || f.endsWith(".vem");
      }).mapToLong(p -> p.toFile().length()).sum();
      return bytes / (double) n;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
    directory.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
