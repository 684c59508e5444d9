package io.quiver.client.cli;

import io.quiver.client.QuiverClient;
import io.quiver.client.RetrievedPoint;
import io.quiver.client.WriteResult;
import io.quiver.client.files.JsonlPoints;
import io.quiver.client.files.VecsReader;
import io.quiver.client.filter.FilterParser;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import io.quiver.common.model.WriteLevel;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quiver points upsert|get|count|delete}. */
@Command(
    name = "points",
    description = "Import, read, count and delete points.",
    mixinStandardHelpOptions = true,
    subcommands = {PointsCommand.Upsert.class, PointsCommand.Get.class, PointsCommand.Count.class, PointsCommand.Delete.class})
final class PointsCommand {

  /** Exactly one source of points. */
  static final class Source {
    @Option(names = "--file", paramLabel = "FILE.jsonl", required = true,
        description = "JSON lines: {\"id\":1,\"vector\":[..],\"payload\":{..},\"text\":\"..\"}.")
    Path jsonl;

    @Option(names = "--fvecs", paramLabel = "FILE.fvecs", required = true,
        description = "Little-endian .fvecs; point ids are the row numbers (from 0).")
    Path fvecs;
  }

  @Command(name = "upsert", description = "Insert or replace points from a JSONL or .fvecs file.",
      mixinStandardHelpOptions = true)
  static final class Upsert implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, required = true, description = "Collection name.")
    String collection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--limit", description = "Import at most this many points.")
    long limit = -1;

    @Option(names = "--write-consistency", description = "QUORUM or ALL (default: the collection's).")
    WriteLevel level;

    @Override
    public Integer call() throws IOException {
      Path file = source.jsonl != null ? source.jsonl : source.fvecs;
      if (!Files.isReadable(file)) {
        throw new ParameterException(spec.commandLine(), "cannot read file '" + file + "'");
      }
      long start = System.nanoTime();
      WriteResult r;
      try (QuiverClient c = client.connect();
          Closeable reader = source.jsonl != null ? JsonlPoints.open(file) : VecsReader.fvecs(file, limit)) {
        Iterator<Point> points = source.jsonl != null ? limited((JsonlPoints) reader, limit) : rows((VecsReader) reader);
        r = c.upsert(collection, () -> points, level);
      }
      double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      Output out = new Output(spec.commandLine().getOut());
      if (client.json) {
        out.json(Map.of("collection", collection, "upserted", r.affected(), "requests", r.requests()));
      } else {
        out.line(String.format("upserted %d points into %s in %d request(s), %.1f s (%.0f points/s)",
            r.affected(), collection, r.requests(), secs, r.affected() / secs));
      }
      return 0;
    }

    private static Iterator<Point> rows(VecsReader reader) {
      return new Iterator<>() {
        long row;

        @Override
        public boolean hasNext() {
          return reader.hasNext();
        }

        @Override
        public Point next() {
          return new Point(PointId.of(row++), reader.next());
        }
      };
    }

    private static Iterator<Point> limited(Iterator<Point> in, long limit) {
      return new Iterator<>() {
        long n;

        @Override
        public boolean hasNext() {
          return (limit < 0 || n < limit) && in.hasNext();
        }

        @Override
        public Point next() {
          n++;
          return in.next();
        }
      };
    }
  }

  @Command(name = "get", description = "Show points by id.", mixinStandardHelpOptions = true)
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, required = true, description = "Collection name.")
    String collection;

    @Option(names = "--with-vector", description = "Print the vectors too.")
    boolean withVector;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "Unsigned integers or UUIDs.")
    List<String> ids;

    @Override
    public Integer call() {
      List<PointId> parsed = new ArrayList<>();
      for (String id : ids) {
        try {
          parsed.add(PointId.parse(id));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
      }
      try (QuiverClient c = client.connect()) {
        List<RetrievedPoint> points = c.get(collection, parsed, true, withVector);
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          out.json(points.stream().map(Get::toJson).toList());
        } else {
          List<List<String>> rows = new ArrayList<>();
          for (RetrievedPoint p : points) {
            List<String> row = new ArrayList<>(List.of(p.id().toString(), Output.compact(p.payload()),
                p.text() == null ? "" : p.text()));
            if (withVector) {
              row.add(SearchCommand.vectorString(p.vector()));
            }
            rows.add(row);
          }
          List<String> headers = new ArrayList<>(List.of("ID", "PAYLOAD", "TEXT"));
          if (withVector) {
            headers.add("VECTOR");
          }
          out.table(headers, rows);
        }
      }
      return 0;
    }

    static Map<String, Object> toJson(RetrievedPoint p) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("id", SearchCommand.jsonId(p.id()));
      j.put("payload", p.payload());
      if (p.text() != null) {
        j.put("text", p.text());
      }
      if (p.vector() != null) {
        j.put("vector", p.vector());
      }
      return j;
    }
  }

  @Command(name = "count", description = "Count points, optionally matching a filter.", mixinStandardHelpOptions = true)
  static final class Count implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, required = true, description = "Collection name.")
    String collection;

    @Option(names = "--filter", description = "e.g. 'category == \"news\" and year >= 2020'.")
    String filter;

    @Override
    public Integer call() {
      try (QuiverClient c = client.connect()) {
        long n = c.count(collection, filter == null ? null : FilterParser.parse(filter));
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          out.json(Map.of("collection", collection, "count", n));
        } else {
          out.line(String.valueOf(n));
        }
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete points by id or by filter.", mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = {"-c", "--collection"}, required = true, description = "Collection name.")
    String collection;

    @Option(names = "--filter", description = "Delete every point matching this filter.")
    String filter;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Ids to delete (or give --filter).")
    List<String> ids = new ArrayList<>();

    @Override
    public Integer call() {
      if ((filter == null) == ids.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "give either ids or --filter, not both or neither");
      }
      try (QuiverClient c = client.connect()) {
        WriteResult r;
        if (filter != null) {
          r = c.deleteWhere(collection, FilterParser.parse(filter));
        } else {
          List<PointId> parsed = new ArrayList<>();
          for (String id : ids) {
            try {
              parsed.add(PointId.parse(id));
            } catch (IllegalArgumentException e) {
              throw new ParameterException(spec.commandLine(), e.getMessage());
            }
          }
          r = c.delete(collection, parsed);
        }
        Output out = new Output(spec.commandLine().getOut());
        if (client.json) {
          out.json(Map.of("collection", collection, "deleted", r.affected()));
        } else {
          out.line("deleted " + r.affected() + " point(s) from " + collection);
        }
      }
      return 0;
    }
  }
}
