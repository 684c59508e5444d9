package io.quiver.it.fault;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quiver.common.model.PointId;
import io.quiver.common.shard.ShardRouter;
import io.quiver.it.history.History;
import io.quiver.it.history.Op;
import io.quiver.proto.v1.Condition;
import io.quiver.proto.v1.ConsistencyToken;
import io.quiver.proto.v1.DeleteRequest;
import io.quiver.proto.v1.FieldMatch;
import io.quiver.proto.v1.Filter;
import io.quiver.proto.v1.GetRequest;
import io.quiver.proto.v1.GetResponse;
import io.quiver.proto.v1.MatchValue;
import io.quiver.proto.v1.PointIdList;
import io.quiver.proto.v1.PointStruct;
import io.quiver.proto.v1.PointsGrpc;
import io.quiver.proto.v1.ReadConsistency;
import io.quiver.proto.v1.ReadOptions;
import io.quiver.proto.v1.SearchParams;
import io.quiver.proto.v1.SearchRequest;
import io.quiver.proto.v1.SearchResponse;
import io.quiver.proto.v1.ShardPosition;
import io.quiver.proto.v1.Struct;
import io.quiver.proto.v1.UpsertRequest;
import io.quiver.proto.v1.Value;
import io.quiver.proto.v1.Vector;
import io.quiver.proto.v1.WithPayload;
import io.quiver.proto.v1.WriteConsistency;
import io.quiver.proto.v1.WriteResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients over the public gRPC API of the query nodes, recording every operation in a
 * {@link History}. Writer {@code w} alone writes keys {@code (w+1)*1_000_000 + i}; every upsert
 * writes values unique in the run (payload {@code v}), and all the keys of one upsert or delete lie
 * in one shard, so the call's outcome is that shard's. Writers also read their own keys at SESSION
 * (with their own consistency token) and STRONG; readers read everyone's keys at STRONG and
 * EVENTUAL, by id and by exact search. With {@code replays}, a writer now and then sends a
 * recently acknowledged upsert again under its request id: dedup must make that a no-op. Only
 * within the data node's request-id window ({@link #REPLAY_MAX_AGE_NANOS}): a data node remembers a
 * request id for {@code data-node.store.request-id-ttl} (10 minutes) by the leader's clock, and a
 * request sent again after that is a new write, which would put the old values back.
 *
 * <p>Each client thread owns its channel, random and token; the history is thread-safe.
 */
public final class Workload {
  /**
   * Replays only upserts acknowledged less than this long ago: half the data node's default
   * request-id TTL, so the replay arrives well inside the window in which the id is remembered
   * (the leader stamped the first apply before the acknowledgement came back).
   */
  static final long REPLAY_MAX_AGE_NANOS =
      io.quiver.datanode.store.NodeStore.Settings.DEFAULT_REQUEST_TTL.dividedBy(2).toNanos();
  /** How many recent acknowledged upserts a writer keeps to replay. */
  private static final int REPLAY_POOL = 64;

  /** The workload's shape; {@code seed} fixes every client's choices. */
  public record Config(String collection, int dim, int shardCount, int writers, int readers, int keysPerWriter,
      long seed, boolean replays, long callDeadlineMillis, int hastyPercent) {
    /** Without hasty upserts. */
    public Config(String collection, int dim, int shardCount, int writers, int readers, int keysPerWriter, long seed,
        boolean replays, long callDeadlineMillis) {
      this(collection, dim, shardCount, writers, readers, keysPerWriter, seed, replays, callDeadlineMillis, 0);
    }
  }

  /**
   * The deadline of a hasty upsert: a client that gives up long before the query node would. During
   * a failover (seconds) such a call times out after its part may have been submitted, which is
   * how a real client meets UNKNOWN; the query node alone retries within its deadline and rarely
   * lets one through.
   */
  static final long HASTY_DEADLINE_MILLIS = 1_500;

  /**
   * How often a writer reads the keys it has just written, at SESSION, straight after the
   * acknowledgement. Query nodes rotate reads over the replicas, and a follower learns of a commit
   * only with the leader's next message, so this is where a replica that ignored the token would
   * answer stale.
   */
  static final int READ_YOUR_WRITES_PERCENT = 25;

  static final int GROUPS = 8;

  private final History history;
  private final List<String> endpoints;
  private final Config config;
  private final AtomicLong values = new AtomicLong(1);
  private final AtomicBoolean stop = new AtomicBoolean();
  /** Upserts the nemesis asks to be sent hasty, at the moment it breaks something. */
  private final AtomicInteger hastyTokens = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  public Workload(History history, List<String> endpoints, Config config) {
    this.history = history;
    this.endpoints = List.copyOf(endpoints);
    this.config = config;
  }

  public static long key(int writer, int i) {
    return (writer + 1) * 1_000_000L + i;
  }

  public int shardOf(long key) {
    return ShardRouter.shardOf(PointId.of(key), config.shardCount());
  }

  public void start() {
    for (int w = 0; w < config.writers(); w++) {
      int id = w;
      threads.add(Thread.ofPlatform().name("writer-" + w).start(() -> new Client(id, true).run()));
    }
    for (int r = 0; r < config.readers(); r++) {
      int id = config.writers() + r;
      threads.add(Thread.ofPlatform().name("reader-" + r).start(() -> new Client(id, false).run()));
    }
  }

  /**
   * Makes the next {@code n} upserts (of any writers) hasty: called by a nemesis right after it
   * stopped or killed a shard leader, so that some client gives up on a write that may yet commit.
   */
  public void hastyNext(int n) {
    hastyTokens.addAndGet(n);
  }

  /** Stops the clients; each finishes its current call (bounded by the call deadline). */
  public void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(config.callDeadlineMillis() * 3 + 10_000);
    }
  }

  /** Every key any writer may have written. */
  public List<Long> allKeys() {
    List<Long> keys = new ArrayList<>();
    for (int w = 0; w < config.writers(); w++) {
      for (int i = 0; i < config.keysPerWriter(); i++) {
        keys.add(key(w, i));
      }
    }
    return keys;
  }

  /**
   * Reads every key at STRONG once the faults have healed and records it as one FINAL operation;
   * retries (bounded) until a whole pass succeeds.
   */
  public void finalRead(History h) throws InterruptedException {
    List<Long> keys = allKeys();
    ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoints.get(0)).usePlaintext().build();
    try {
      for (int attempt = 1; ; attempt++) {
        long invoke = System.nanoTime();
        try {
          Map<Long, Long> seen = new HashMap<>();
          for (int i = 0; i < keys.size(); i += 200) {
            List<Long> part = keys.subList(i, Math.min(keys.size(), i + 200));
            GetRequest.Builder req = GetRequest.newBuilder().setCollection(config.collection())
                .setWithPayload(WithPayload.newBuilder().setEnable(true))
                .setRead(ReadOptions.newBuilder().setConsistency(ReadConsistency.STRONG));
            part.forEach(k -> req.addIds(id(k)));
            GetResponse r = PointsGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).get(req.build());
            part.forEach(k -> seen.put(k, Op.ABSENT));
            r.getPointsList().forEach(p -> seen.put(p.getId().getNum(), p.getPayload().getFieldsOrThrow("v").getIntValue()));
          }
          h.add(new Op(h.nextId(), -1, Op.Kind.FINAL, Op.Level.STRONG, null, seen, invoke, System.nanoTime(),
              Op.Outcome.OK, null));
          return;
        } catch (StatusRuntimeException e) {
          if (attempt >= 20) {
            throw e;
          }
          Thread.sleep(3000);
        }
      }
    } finally {
      ch.shutdownNow();
    }
  }

  /** One client: a session with its own channels, token and random. */
  private final class Client {
    private final int session;
    private final boolean writer;
    private final Random rnd;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Map<Integer, ShardPosition> token = new TreeMap<>();
    private String collectionUuid = "";
    /** The writer's latest acknowledged upserts with the time of their acknowledgement, oldest first. */
    private final java.util.ArrayDeque<Acknowledged> acknowledged = new java.util.ArrayDeque<>();
    private final Map<Integer, List<Long>> myKeysByShard = new HashMap<>();

    Client(int session, boolean writer) {
      this.session = session;
      this.writer = writer;
      this.rnd = new Random(config.seed() * 31 + session);
      for (String e : endpoints) {
        channels.add(ManagedChannelBuilder.forTarget(e).usePlaintext().build());
      }
      if (writer) {
        for (int i = 0; i < config.keysPerWriter(); i++) {
          long k = key(session, i);
          myKeysByShard.computeIfAbsent(shardOf(k), s -> new ArrayList<>()).add(k);
        }
      }
    }

    void run() {
      try {
        while (!stop.get()) {
          int dice = rnd.nextInt(100);
          if (writer && dice < 45) {
            upsert();
          } else if (writer && dice < 55) {
            delete();
          } else if (writer && dice < 58) {
            deleteByFilter();
          } else if (writer && dice < 61 && config.replays()) {
            replay();
          } else if (writer && dice < 75) {
            get(ownKeys(1 + rnd.nextInt(4)), rnd.nextBoolean() ? Op.Level.SESSION : Op.Level.STRONG);
          } else if (dice < 88) {
            get(anyKeys(1 + rnd.nextInt(4)), rnd.nextInt(3) == 0 ? Op.Level.EVENTUAL : Op.Level.STRONG);
          } else {
            search(rnd.nextInt(3) == 0 ? Op.Level.EVENTUAL : Op.Level.STRONG);
          }
        }
      } finally {
        channels.forEach(ManagedChannel::shutdownNow);
      }
    }

    private PointsGrpc.PointsBlockingStub stub(int attempt) {
      ManagedChannel ch = channels.get((session + attempt) % channels.size());
      return PointsGrpc.newBlockingStub(ch).withDeadlineAfter(config.callDeadlineMillis(), TimeUnit.MILLISECONDS);
    }

    /** Some of this writer's keys, all in one shard. */
    private List<Long> sameShardKeys(int n) {
      List<Integer> shards = new ArrayList<>(myKeysByShard.keySet());
      List<Long> pool = new ArrayList<>(myKeysByShard.get(shards.get(rnd.nextInt(shards.size()))));
      java.util.Collections.shuffle(pool, rnd);
      return pool.subList(0, Math.min(n, pool.size()));
    }

    private List<Long> ownKeys(int n) {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(key(session, rnd.nextInt(config.keysPerWriter())));
      }
      return out;
    }

    private List<Long> anyKeys(int n) {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(key(rnd.nextInt(config.writers()), rnd.nextInt(config.keysPerWriter())));
      }
      return out;
    }

    private void upsert() {
      Map<Long, Long> writes = new TreeMap<>();
      UpsertRequest.Builder req = UpsertRequest.newBuilder().setCollection(config.collection())
          .setConsistency(WriteConsistency.QUORUM).setRequestId(UUID.randomUUID().toString());
      for (long k : sameShardKeys(1 + rnd.nextInt(6))) {
        long v = values.getAndIncrement();
        writes.put(k, v);
      }
      long op = history.invoke(session, Op.Kind.UPSERT, null, writes);
      writes.forEach((k, v) -> req.addPoints(point(k, v, op)));
      UpsertRequest built = req.build();
      boolean hasty = hastyTokens.getAndUpdate(n -> Math.max(0, n - 1)) > 0
          || config.hastyPercent() > 0 && rnd.nextInt(100) < config.hastyPercent();
      boolean ok = hasty ? hastyWrite(op, built) : write(op, a -> stub(a).upsert(built));
      if (ok) {
        if (acknowledged.size() == REPLAY_POOL) {
          acknowledged.removeFirst();
        }
        acknowledged.addLast(new Acknowledged(built, System.nanoTime()));
      }
      if (ok && rnd.nextInt(100) < READ_YOUR_WRITES_PERCENT) {
        // At once, while a follower may not have applied the entry yet: the read the token is for.
        get(new ArrayList<>(writes.keySet()), Op.Level.SESSION);
      }
    }

    private PointStruct point(long key, long value, long batch) {
      float[] vec = vector(new Random(value));
      Vector.Builder vb = Vector.newBuilder();
      for (float f : vec) {
        vb.addValues(f);
      }
      Struct payload = Struct.newBuilder()
          .putFields("v", Value.newBuilder().setIntValue(value).build())
          .putFields("w", Value.newBuilder().setIntValue(session).build())
          .putFields("g", Value.newBuilder().setIntValue(key % GROUPS).build())
          .putFields("b", Value.newBuilder().setIntValue(batch).build())
          .build();
      return PointStruct.newBuilder().setId(id(key)).setVector(vb).setPayload(payload).build();
    }

    private float[] vector(Random r) {
      float[] v = new float[config.dim()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextFloat();
      }
      return v;
    }

    private void delete() {
      Map<Long, Long> writes = new TreeMap<>();
      PointIdList.Builder ids = PointIdList.newBuilder();
      for (long k : sameShardKeys(1 + rnd.nextInt(3))) {
        writes.put(k, Op.ABSENT);
        ids.addIds(id(k));
      }
      DeleteRequest req = DeleteRequest.newBuilder().setCollection(config.collection()).setIds(ids)
          .setConsistency(WriteConsistency.QUORUM).setRequestId(UUID.randomUUID().toString()).build();
      long op = history.invoke(session, Op.Kind.DELETE, null, writes);
      write(op, a -> stub(a).delete(req));
    }

    /** Deletes this writer's keys of one group ({@code key % 8}): a filter on payload {@code w} and {@code g}. */
    private void deleteByFilter() {
      int g = rnd.nextInt(GROUPS);
      Map<Long, Long> writes = new TreeMap<>();
      for (int i = 0; i < config.keysPerWriter(); i++) {
        long k = key(session, i);
        if (k % GROUPS == g) {
          writes.put(k, Op.ABSENT);
        }
      }
      Filter f = Filter.newBuilder()
          .addMust(Condition.newBuilder().setMatch(FieldMatch.newBuilder().setKey("w")
              .setValue(MatchValue.newBuilder().setInteger(session))))
          .addMust(Condition.newBuilder().setMatch(FieldMatch.newBuilder().setKey("g")
              .setValue(MatchValue.newBuilder().setInteger(g))))
          .build();
      DeleteRequest req = DeleteRequest.newBuilder().setCollection(config.collection()).setFilter(f)
          .setConsistency(WriteConsistency.QUORUM).setRequestId(UUID.randomUUID().toString()).build();
      long op = history.invoke(session, Op.Kind.DELETE_FILTER, null, writes);
      write(op, a -> stub(a).delete(req), true);
    }

    /**
     * A recently acknowledged upsert again, same request id and content: recorded, but not a write.
     * Never one older than {@link #REPLAY_MAX_AGE_NANOS}: past the data node's request-id TTL it
     * would be applied again, rightly, and bring back values the checker knows were overwritten.
     */
    private void replay() {
      long now = System.nanoTime();
      while (!acknowledged.isEmpty() && now - acknowledged.peekFirst().ackNanos() > REPLAY_MAX_AGE_NANOS) {
        acknowledged.removeFirst();
      }
      if (acknowledged.isEmpty()) {
        return;
      }
      UpsertRequest old = new ArrayList<>(acknowledged).get(rnd.nextInt(acknowledged.size())).request();
      long op = history.invoke(session, Op.Kind.REPLAY, null, null);
      write(op, a -> stub(a).upsert(old));
    }

    /**
     * Sends a write, once more on the other query node with the same request id if the outcome is
     * unknown. OK if an attempt succeeded; FAIL only if every attempt was refused outright.
     */
    private boolean write(long op, java.util.function.IntFunction<WriteResponse> call) {
      return write(op, call, false);
    }

    /** @param everyShard a delete by filter: one shard may apply while another refuses, so never FAIL */
    private boolean write(long op, java.util.function.IntFunction<WriteResponse> call, boolean everyShard) {
      boolean anyUnknown = everyShard;
      String last = null;
      for (int attempt = 0; attempt < 2 && !(attempt > 0 && stop.get()); attempt++) {
        try {
          WriteResponse r = call.apply(attempt);
          observe(r.getToken());
          history.ok(op, null);
          return true;
        } catch (StatusRuntimeException e) {
          last = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
          if (!refusedOutright(e.getStatus().getCode())) {
            anyUnknown = true;
          }
        }
      }
      if (anyUnknown) {
        history.unknown(op, last);
      } else {
        history.fail(op, last);
      }
      return false;
    }

    /** One attempt with a short deadline and no retry: UNKNOWN unless refused outright. */
    private boolean hastyWrite(long op, UpsertRequest req) {
      ManagedChannel ch = channels.get(rnd.nextInt(channels.size()));
      try {
        WriteResponse r = PointsGrpc.newBlockingStub(ch)
            .withDeadlineAfter(Math.min(HASTY_DEADLINE_MILLIS, config.callDeadlineMillis()), TimeUnit.MILLISECONDS)
            .upsert(req);
        observe(r.getToken());
        history.ok(op, null);
        return true;
      } catch (StatusRuntimeException e) {
        String error = "hasty: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        if (refusedOutright(e.getStatus().getCode())) {
          history.fail(op, error);
        } else {
          history.unknown(op, error);
        }
        return false;
      }
    }

    private void get(List<Long> keys, Op.Level level) {
      GetRequest.Builder req = GetRequest.newBuilder().setCollection(config.collection())
          .setWithPayload(WithPayload.newBuilder().setEnable(true)).setRead(read(level));
      keys.stream().distinct().forEach(k -> req.addIds(id(k)));
      GetRequest built = req.build();
      long op = history.invoke(session, Op.Kind.GET, level, null);
      try {
        GetResponse r = stub(rnd.nextInt(2)).get(built);
        observe(r.getToken());
        Map<Long, Long> seen = new HashMap<>();
        keys.forEach(k -> seen.put(k, Op.ABSENT));
        r.getPointsList().forEach(p -> seen.put(p.getId().getNum(), p.getPayload().getFieldsOrThrow("v").getIntValue()));
        history.ok(op, seen);
      } catch (StatusRuntimeException e) {
        history.fail(op, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      }
    }

    private void search(Op.Level level) {
      Vector.Builder vb = Vector.newBuilder();
      for (float f : vector(rnd)) {
        vb.addValues(f);
      }
      SearchRequest req = SearchRequest.newBuilder().setCollection(config.collection()).setVector(vb).setK(5)
          .setParams(SearchParams.newBuilder().setExact(true))
          .setWithPayload(WithPayload.newBuilder().setEnable(true)).setRead(read(level)).build();
      long op = history.invoke(session, Op.Kind.SEARCH, level, null);
      try {
        SearchResponse r = stub(rnd.nextInt(2)).search(req);
        observe(r.getToken());
        Map<Long, Long> seen = new HashMap<>();
        r.getHitsList().forEach(h -> seen.put(h.getId().getNum(), h.getPayload().getFieldsOrThrow("v").getIntValue()));
        history.ok(op, seen);
      } catch (StatusRuntimeException e) {
        history.fail(op, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      }
    }

    private ReadOptions read(Op.Level level) {
      ReadOptions.Builder b = ReadOptions.newBuilder().setConsistency(ReadConsistency.valueOf(level.name()));
      if (level == Op.Level.SESSION && !collectionUuid.isEmpty()) {
        b.setToken(ConsistencyToken.newBuilder().setCollectionUuid(collectionUuid).addAllPositions(token.values()));
      }
      return b.build();
    }

    /** Keeps the per-shard newest position of every token seen (as the SDK does). */
    private void observe(ConsistencyToken t) {
      if (t.getCollectionUuid().isEmpty()) {
        return;
      }
      if (!t.getCollectionUuid().equals(collectionUuid)) {
        collectionUuid = t.getCollectionUuid();
        token.clear();
      }
      for (ShardPosition p : t.getPositionsList()) {
        token.merge(p.getShard(), p, (a, b) -> {
          int c = Long.compareUnsigned(a.getGeneration(), b.getGeneration());
          if (c == 0) {
            c = Long.compareUnsigned(a.getIndex(), b.getIndex());
          }
          return c >= 0 ? a : b;
        });
      }
    }
  }

  static io.quiver.proto.v1.PointId id(long key) {
    return io.quiver.proto.v1.PointId.newBuilder().setNum(key).build();
  }

  /** Status codes that mean the request was refused before anything could apply. */
  static boolean refusedOutright(Status.Code code) {
    return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION
        || code == Status.Code.NOT_FOUND || code == Status.Code.RESOURCE_EXHAUSTED;
  }

  /** An acknowledged upsert and when its acknowledgement arrived ({@link System#nanoTime()}). */
  private record Acknowledged(UpsertRequest request, long ackNanos) {}
}
