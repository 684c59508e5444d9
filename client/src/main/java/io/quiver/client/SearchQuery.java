package io.quiver.client;

import io.quiver.common.model.ReadLevel;
import io.quiver.common.wire.WireVectors;
import io.quiver.proto.v1.FieldList;
import io.quiver.proto.v1.SearchParams;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.WithPayload;
import java.util.List;
import java.util.Objects;

/**
 * One nearest-neighbour search. Build with {@link #builder(String, float[])}; k defaults to 10.
 * Values are sent as given and checked by the server, which names any bad field.
 */
public final class SearchQuery {
  /** k when none is given. */
  public static final int DEFAULT_K = 10;

  private final String collection;
  private final SearchRequest.Builder request;
  private final ReadLevel readLevel;

  private SearchQuery(Builder b) {
    this.collection = b.collection;
    this.request = b.request.clone();
    this.readLevel = b.readLevel;
  }

  public static Builder builder(String collection, float[] vector) {
    return new Builder(collection, vector);
  }

  public String collection() {
    return collection;
  }

  /** The level asked for, or null for the client's default. */
  public ReadLevel readLevel() {
    return readLevel;
  }

  /** The request without read options; the client adds those (and the session token). */
  SearchRequest.Builder toProto() {
    return request.clone();
  }

  /** Builds a {@link SearchQuery}; every setter returns the builder. */
  public static final class Builder extends ReadQueryBuilder<Builder> {
    private final SearchRequest.Builder request;
    private final SearchParams.Builder params = SearchParams.newBuilder();

    private Builder(String collection, float[] vector) {
      this(collection, SearchRequest.newBuilder());
      request.setCollection(collection).setVector(WireVectors.toProto(Objects.requireNonNull(vector, "vector")));
      request.setK(DEFAULT_K);
    }

    private Builder(String collection, SearchRequest.Builder request) {
      super(collection, request);
      this.request = request;
    }

    /** How many hits (1..10,000). */
    public Builder k(int k) {
      request.setK(k);
      return this;
    }

    /** HNSW candidate list size for this search (0: the collection's default). */
    public Builder ef(int ef) {
      params.setEf(ef);
      return this;
    }

    /** Brute-force scan instead of the graph: exact results. */
    public Builder exact(boolean exact) {
      params.setExact(exact);
      return this;
    }

    /** Per-shard over-fetch factor (0: the server's default). */
    public Builder overfetch(float overfetch) {
      params.setOverfetch(overfetch);
      return this;
    }

    /** Only these (dotted) payload fields. */
    public Builder withPayloadFields(List<String> fields) {
      request.setWithPayload(WithPayload.newBuilder().setInclude(FieldList.newBuilder().addAllFields(fields)));
      return this;
    }

    /** Leaves out hits scoring below this. */
    public Builder scoreThreshold(float threshold) {
      request.setScoreThreshold(threshold);
      return this;
    }

    /** Skips the first {@code offset} hits (offset + k at most 10,000). */
    public Builder offset(int offset) {
      request.setOffset(offset);
      return this;
    }

    /** Answer from the shards that answered, flagged partial, instead of failing. */
    public Builder allowPartial(boolean allow) {
      request.getReadBuilder().setAllowPartial(allow);
      return this;
    }

    public SearchQuery build() {
      request.setParams(params);
      return new SearchQuery(this);
    }
  }
}
