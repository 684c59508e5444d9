package io.quiver.bench;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * jvector's in-memory graph with hierarchy (HNSW-like). Its degree parameter bounds the base
 * layer, so it gets {@code 2 * M} = 32, the level-0 degree of an HNSW graph with M = 16; alpha
 * 1.2 and neighbour overflow 1.2 are its defaults. Search uses exact scores with
 * {@code rerankK = ef} as the beam width.
 */
final class JVectorAnn implements AnnEngine {
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  private final int degree;
  private final int beam;
  private ListRandomAccessVectorValues ravv;
  private ImmutableGraphIndex graph;
  private final ThreadLocal<GraphSearcher> searchers = new ThreadLocal<>();
  private int dim;

  JVectorAnn(int degree, int beam) {
    this.degree = degree;
    this.beam = beam;
  }

  @Override
  public String name() {
    return "jvector";
  }

  @Override
  public void build(DataSet data) throws IOException {
    dim = data.dimension();
    List<VectorFloat<?>> vs = new ArrayList<>(data.base().length);
    for (float[] v : data.base()) {
      vs.add(VTS.createFloatVector(v));
    }
    ravv = new ListRandomAccessVectorValues(vs, dim);
    BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.EUCLIDEAN);
    ForkJoinPool one = new ForkJoinPool(1);
    try (GraphIndexBuilder b = new GraphIndexBuilder(bsp, dim, degree, beam, 1.2f, 1.2f, true, true, one, one)) {
      graph = b.build(ravv);
    } finally {
      one.shutdown();
    }
  }

  @Override
  public int[] search(float[] query, int k, int ef) {
    GraphSearcher s = searchers.get();
    if (s == null) {
      s = new GraphSearcher(graph);
      searchers.set(s);
    }
    var ssp = DefaultSearchScoreProvider.exact(VTS.createFloatVector(query), VectorSimilarityFunction.EUCLIDEAN, ravv);
    SearchResult r = s.search(ssp, k, Math.max(k, ef), 0f, 0f, Bits.ALL);
    SearchResult.NodeScore[] ns = r.getNodes();
    int[] out = new int[ns.length];
    for (int i = 0; i < ns.length; i++) {
      out[i] = ns[i].node;
    }
    return out;
  }

  @Override
  public double bytesPerVector() {
    return dim * Float.BYTES + graph.ramBytesUsed() / (double) ravv.size();
  }

  @Override
  public void close() throws IOException {
    graph.close();
  }
}
