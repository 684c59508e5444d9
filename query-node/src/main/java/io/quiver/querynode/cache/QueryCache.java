package io.quiver.querynode.cache;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Deadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quiver.common.cluster.NodeLease;
import io.quiver.common.grpc.ChannelPool;
import io.quiver.common.shard.NodeId;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.ShardRef;
import io.quiver.proto.v1.internal.DataNodeGrpc;
import io.quiver.proto.v1.internal.ShardIndexEntry;
import io.quiver.proto.v1.internal.ShardIndexRequest;
import io.quiver.proto.v1.internal.ShardIndexResponse;
import io.quiver.querynode.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An LRU of recent searches keyed by collection UUID and the request (explain aside). An entry
 * records, per shard, the data node that answered and the index it answered at. Before a hit is
 * served every such node is asked (one {@code ShardIndex} call per node, in parallel) for the
 * index a read at the request's level would see now; any difference — a write through this or any
 * other query node, a replica gone, a placement change — drops the entry and the search runs
 * afresh. So a hit costs one small round trip per node instead of a search, and is never stale.
 * Partial answers are never cached, nor answers of more than {@link #MAX_CACHED_HITS} hits.
 */
public final class QueryCache {
  public static final int MAX_CACHED_HITS = 1_000;

  private record Key(UUID collection, ByteString request) {}

  private record ShardRead(int shard, NodeId node, long index) {}

  private record Cached(int placementVersion, List<ShardRead> reads, SearchResponse response) {}

  private final int capacity;
  private final ChannelPool channels;
  private final Counter hits;
  private final Counter misses;
  private final Counter stale;
  // Guarded by itself; access order makes it an LRU.
  private final LinkedHashMap<Key, Cached> entries;

  public QueryCache(int capacity, ChannelPool channels, MeterRegistry meters) {
    if (capacity < 0) {
      throw new IllegalArgumentException("cache capacity must be >= 0 but was " + capacity);
    }
    this.capacity = capacity;
    this.channels = channels;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
        return size() > QueryCache.this.capacity;
      }
    };
    this.hits = counter(meters, "hit");
    this.misses = counter(meters, "miss");
    this.stale = counter(meters, "stale");
  }

  private static Counter counter(MeterRegistry meters, String result) {
    return Counter.builder("quiver.query.cache.lookups").description("Query cache lookups by outcome")
        .tag("result", result).register(meters);
  }

  /** Whether a request may use the cache at all (explain wants fresh timings). */
  public boolean applies(SearchRequest req) {
    return capacity > 0 && !req.getExplain();
  }

  /** The cached answer, confirmed current on every shard, or empty. */
  public Optional<SearchResponse> lookup(Route route, SearchRequest req, Deadline deadline) {
    Key key = key(route, req);
    Cached e;
    synchronized (entries) {
      e = entries.get(key);
    }
    if (e == null) {
      misses.increment();
      return Optional.empty();
    }
    if (e.placementVersion() != route.placement().version() || !current(route, req, e, deadline)) {
      synchronized (entries) {
        entries.remove(key, e);
      }
      stale.increment();
      return Optional.empty();
    }
    hits.increment();
    return Optional.of(e.response().toBuilder().setCached(true).build());
  }

  /** Remembers a complete answer; {@code servedBy} names the node that answered each shard. */
  public void store(Route route, SearchRequest req, SearchResponse response, Map<Integer, NodeId> servedBy) {
    int hitCount = response.getHitsCount() + response.getGroupsList().stream().mapToInt(g -> g.getHitsCount()).sum();
    if (response.getPartial() || hitCount > MAX_CACHED_HITS || servedBy.size() != route.shardCount()) {
      return;
    }
    List<ShardRead> reads = new ArrayList<>(route.shardCount());
    for (ShardPosition p : response.getToken().getPositionsList()) {
      reads.add(new ShardRead(p.getShard(), servedBy.get(p.getShard()), p.getIndex()));
    }
    Cached e = new Cached(route.placement().version(), reads, response.toBuilder().setTookMicros(0).build());
    synchronized (entries) {
      entries.put(key(route, req), e);
    }
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private boolean current(Route route, SearchRequest req, Cached e, Deadline deadline) {
    Map<NodeId, List<ShardRead>> byNode = new HashMap<>();
    e.reads().forEach(r -> byNode.computeIfAbsent(r.node(), n -> new ArrayList<>()).add(r));
    Map<NodeId, ListenableFuture<ShardIndexResponse>> probes = new HashMap<>();
    for (var n : byNode.entrySet()) {
      NodeLease lease = route.leases().get(n.getKey());
      if (lease == null) {
        return false;
      }
      ShardIndexRequest.Builder probe = ShardIndexRequest.newBuilder().setConsistency(req.getRead().getConsistency());
      n.getValue().forEach(r -> probe.addShards(route.ref(r.shard())));
      probes.put(n.getKey(), DataNodeGrpc.newFutureStub(channels.channel(lease.address())).withDeadline(deadline)
          .shardIndex(probe.build()));
    }
    boolean same = true;
    for (var p : probes.entrySet()) {
      try {
        ShardIndexResponse r = p.getValue().get(deadline.timeRemaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
        List<ShardRead> asked = byNode.get(p.getKey());
        for (int i = 0; i < asked.size(); i++) {
          ShardIndexEntry got = i < r.getEntriesCount() ? r.getEntries(i) : null;
          ShardRef want = route.ref(asked.get(i).shard());
          same &= got != null && got.getHosted() && got.getShard().equals(want) && got.getIndex() == asked.get(i).index();
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e2) {
        same = false; // cannot confirm: search afresh (which reports the failure if it persists)
      } catch (InterruptedException e2) {
        Thread.currentThread().interrupt();
        same = false;
      }
      if (!same) {
        probes.values().forEach(f -> f.cancel(true));
        return false;
      }
    }
    return same;
  }

  private static Key key(Route route, SearchRequest req) {
    return new Key(route.entry().uuid(), req.toBuilder().clearExplain().build().toByteString());
  }
}
