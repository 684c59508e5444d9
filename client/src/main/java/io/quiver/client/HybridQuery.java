package io.quiver.client;

import io.quiver.common.model.ReadLevel;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.FusionMethod;
import io.quiver.proto.v1.HybridSearchRequest;
import io.quiver.proto.v1.SearchParams;
import io.quiver.proto.v1.WithPayload;

/**
 * One hybrid search: BM25 over the points' text and a vector search, fused by the query node
 * with Reciprocal Rank Fusion (default, {@code k} = 60) or a min-max normalized weighted sum. Give
 * text, a vector or both; a hit's score is its fused score. Build with {@link #builder(String)};
 * k defaults to 10. Values are sent as given and checked by the server, which names any bad field.
 */
public final class HybridQuery {
  /** How the keyword and vector rankings are combined. */
  public enum Fusion {
    /** Reciprocal Rank Fusion: only ranks meet, {@code weight / (rrf_k + rank)} per list. */
    RRF,
    /** Each list's scores mapped onto [0, 1], weighted and summed. */
    WEIGHTED_SUM
  }

  private final String collection;
  private final HybridSearchRequest.Builder request;
  private final ReadLevel readLevel;

  private HybridQuery(Builder b) {
    this.collection = b.collection;
    this.request = b.request.clone();
    this.readLevel = b.readLevel;
  }

  public static Builder builder(String collection) {
    return new Builder(collection);
  }

  public String collection() {
    return collection;
  }

  /** The level asked for, or null for the client's default. */
  public ReadLevel readLevel() {
    return readLevel;
  }

  /** The request without read consistency; the client adds it (and the session token). */
  HybridSearchRequest.Builder toProto() {
    return request.clone();
  }

  /** Builds a {@link HybridQuery}; every setter returns the builder. */
  public static final class Builder extends ReadQueryBuilder<Builder> {
    private final HybridSearchRequest.Builder request;
    private final SearchParams.Builder params = SearchParams.newBuilder();

    private Builder(String collection) {
      this(collection, HybridSearchRequest.newBuilder());
      request.setCollection(collection).setK(SearchQuery.DEFAULT_K);
    }

    private Builder(String collection, HybridSearchRequest.Builder request) {
      super(collection, request);
      this.request = request;
    }

    /** Query text for BM25 (null or blank: vector only). */
    public Builder text(String text) {
      request.setText(text == null ? "" : text);
      return this;
    }

    /** Query vector (null: text only). */
    public Builder vector(float[] vector) {
      if (vector == null) {
        request.clearVector();
      } else {
        request.setVector(WireVectors.toProto(vector));
      }
      return this;
    }

    /** How many hits (1..10,000). */
    public Builder k(int k) {
      request.setK(k);
      return this;
    }

    public Builder fusion(Fusion fusion) {
      request.setFusion(fusion == Fusion.WEIGHTED_SUM ? FusionMethod.WEIGHTED_SUM : FusionMethod.RRF);
      return this;
    }

    /** Weight of the keyword list (0: the default, 1). */
    public Builder textWeight(float weight) {
      request.setTextWeight(weight);
      return this;
    }

    /** Weight of the vector list (0: the default, 1). */
    public Builder vectorWeight(float weight) {
      request.setVectorWeight(weight);
      return this;
    }

    /** The RRF constant (0: the default, 60). */
    public Builder rrfK(int k) {
      request.setRrfK(k);
      return this;
    }

    /** Candidates taken from each list before fusion (0: the default, max(k, 100)). */
    public Builder candidates(int candidates) {
      request.setCandidates(candidates);
      return this;
    }

    /** HNSW candidate list size of the vector part (0: the collection's default). */
    public Builder ef(int ef) {
      params.setEf(ef);
      return this;
    }

    /** Brute-force scan for the vector part: exact results. */
    public Builder exact(boolean exact) {
      params.setExact(exact);
      return this;
    }

    /** Answer from the shards that answered, flagged partial, instead of failing. */
    public Builder allowPartial(boolean allow) {
      request.getReadBuilder().setAllowPartial(allow);
      return this;
    }

    public HybridQuery build() {
      request.setParams(params);
      return new HybridQuery(this);
    }
  }
}
