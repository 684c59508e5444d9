package io.quiver.client.cli;

import io.quiver.client.CollectionDescription;
import io.quiver.client.CollectionInfo;
import io.quiver.client.CollectionSpec;
import io.quiver.client.QuiverClient;
import io.quiver.common.model.CollectionConfig;
import io.quiver.common.model.Distance;
import io.quiver.common.model.PayloadFieldType;
import io.quiver.common.model.QuantizationKind;
import io.quiver.common.model.WriteLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code quiver collections create|list|describe|drop}. */
@Command(
    name = "collections",
    description = "Create, list, describe and drop collections.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CollectionsCommand.Create.class,
      CollectionsCommand.ListCmd.class,
      CollectionsCommand.Describe.class,
      CollectionsCommand.Drop.class
    })
final class CollectionsCommand {

  @Command(name = "create", description = "Create a collection.", mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME", description = "1-64 letters, digits, '_' or '-'.")
    String name;

    @Option(names = "--dimension", required = true, description = "Vector length (1..65536).")
    int dimension;

    @Option(names = "--distance", required = true, description = "COSINE, DOT or L2.")
    String distance;

    @Option(names = "--shards", description = "Shard count, fixed for life (default 1).")
    int shards;

    @Option(names = "--replication-factor", description = "Replicas per shard (default 1).")
    int replicationFactor;

    @Option(names = "--write-consistency", description = "Default write level: QUORUM (default) or ALL.")
    WriteLevel writeLevel;

    @Option(names = "--hnsw-m", description = "HNSW links per node (default 16).")
    int m;

    @Option(names = "--hnsw-ef-construct", description = "HNSW build candidate list (default 100).")
    int efConstruct;

    @Option(names = "--hnsw-ef-search", description = "Default search candidate list (default 64).")
    int efSearch;

    @Option(names = "--quantization", description = "NONE (default), INT8 or PQ.")
    QuantizationKind quantization;

    @Option(names = "--pq-subspaces", description = "PQ sub-spaces; must divide the dimension.")
    int pqSubspaces;

    @Option(
        names = "--index",
        paramLabel = "FIELD:TYPE",
        description = "Index a payload field as KEYWORD, INTEGER, FLOAT, BOOL, DATETIME or TEXT (repeatable).")
    List<String> indexes = new ArrayList<>();

    @Override
    public Integer call() {
      Distance d;
      try {
        d = Distance.parse("--distance", distance);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      CollectionSpec.Builder b = CollectionSpec.builder(name, dimension, d);
      if (shards != 0) b.shards(shards);
      if (replicationFactor != 0) b.replicationFactor(replicationFactor);
      if (writeLevel != null) b.writeLevel(writeLevel);
      if (m != 0 || efConstruct != 0 || efSearch != 0) b.hnsw(m, efConstruct, efSearch);
      if (quantization != null) b.quantization(quantization, pqSubspaces, 0f);
      for (String ix : indexes) {
        int colon = ix.lastIndexOf(':');
        try {
          if (colon <= 0) {
            throw new IllegalArgumentException("needs FIELD:TYPE");
          }
          b.payloadIndex(ix.substring(0, colon), PayloadFieldType.valueOf(ix.substring(colon + 1).toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(),
              "--index '" + ix + "' must be FIELD:TYPE with TYPE one of KEYWORD, INTEGER, FLOAT, BOOL, DATETIME, TEXT");
        }
      }
      try (QuiverClient c = client.connect()) {
        CollectionInfo info = c.createCollection(b.build());
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          out.json(toJson(info));
        } else {
          out.line("created collection " + info.name() + " (" + info.uuid() + "): " + summary(info.config()));
        }
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List collections.", mixinStandardHelpOptions = true)
  static final class ListCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Override
    public Integer call() {
      try (QuiverClient c = client.connect()) {
        List<CollectionInfo> all = c.listCollections();
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          out.json(all.stream().map(CollectionsCommand::toJson).toList());
        } else {
          List<List<String>> rows = new ArrayList<>();
          for (CollectionInfo i : all) {
            CollectionConfig k = i.config();
            rows.add(List.of(i.name(), String.valueOf(k.dimension()), k.distance().name(),
                String.valueOf(k.shardCount()), String.valueOf(k.replicationFactor()), i.uuid()));
          }
          out.table(List.of("NAME", "DIMENSION", "DISTANCE", "SHARDS", "REPLICAS", "UUID"), rows);
        }
      }
      return 0;
    }
  }

  @Command(name = "describe", description = "Show a collection's config, shards, replicas and counts.",
      mixinStandardHelpOptions = true)
  static final class Describe implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (QuiverClient c = client.connect()) {
        CollectionDescription d = c.describeCollection(name);
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          Map<String, Object> j = toJson(d.info());
          j.put("points", d.points());
          List<Object> shards = new ArrayList<>();
          for (CollectionDescription.Shard s : d.shards()) {
            List<Object> reps = new ArrayList<>();
            for (CollectionDescription.Replica r : s.replicas()) {
              reps.add(Map.of("node_id", r.nodeId(), "role", r.role(), "live", r.live(),
                  "points", r.points(), "applied_index", r.appliedIndex()));
            }
            shards.add(Map.of("shard", s.shard(), "replicas", reps));
          }
          j.put("shards", shards);
          out.json(j);
        } else {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("name", d.info().name());
          f.put("uuid", d.info().uuid());
          f.put("config", summary(d.info().config()));
          f.put("points", d.points());
          f.put("created", d.info().createdAt());
          out.fields(f);
          List<List<String>> rows = new ArrayList<>();
          for (CollectionDescription.Shard s : d.shards()) {
            for (CollectionDescription.Replica r : s.replicas()) {
              rows.add(List.of(String.valueOf(s.shard()), r.nodeId(), r.role(), r.live() ? "yes" : "no",
                  String.valueOf(r.points()), String.valueOf(r.appliedIndex())));
            }
          }
          out.line("");
          out.table(List.of("SHARD", "NODE", "ROLE", "LIVE", "POINTS", "APPLIED"), rows);
        }
      }
      return 0;
    }
  }

  @Command(name = "drop", description = "Drop a collection and all its data.", mixinStandardHelpOptions = true)
  static final class Drop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (QuiverClient c = client.connect()) {
        c.dropCollection(name);
      }
      Output out = new Output(spec.commandLine().getOut());
      if (client.json) {
        out.json(Map.of("dropped", name));
      } else {
        out.line("dropped collection " + name);
      }
      return 0;
    }
  }

  static String summary(CollectionConfig k) {
    return k.dimension() + "-d " + k.distance() + ", " + k.shardCount() + " shard(s) x " + k.replicationFactor()
        + " replica(s), writes " + k.writeLevel() + ", hnsw m=" + k.hnsw().m() + " ef_construct="
        + k.hnsw().efConstruct() + " ef_search=" + k.hnsw().efSearch() + ", quantization "
        + k.quantization().kind() + (k.payloadSchema().fields().isEmpty() ? "" : ", indexes " + k.payloadSchema().fields());
  }

  static Map<String, Object> toJson(CollectionInfo i) {
    CollectionConfig k = i.config();
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("name", i.name());
    j.put("uuid", i.uuid());
    j.put("dimension", k.dimension());
    j.put("distance", k.distance().name());
    j.put("shards", k.shardCount());
    j.put("replication_factor", k.replicationFactor());
    j.put("write_consistency", k.writeLevel().name());
    j.put("hnsw", Map.of("m", k.hnsw().m(), "ef_construct", k.hnsw().efConstruct(), "ef_search", k.hnsw().efSearch()));
    j.put("quantization", k.quantization().kind().name());
    Map<String, String> schema = new LinkedHashMap<>();
    k.payloadSchema().fields().forEach((f, t) -> schema.put(f, t.name()));
    j.put("payload_schema", schema);
    j.put("created_at", i.createdAt().toString());
    return j;
  }
}
