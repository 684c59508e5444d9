package io.quiver.client.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Streams points from a JSON-lines file, one object a line:
 * {@code {"id": 7, "vector": [0.1, 0.2], "payload": {"k": "v"}, "text": "..."}}. The id is an
 * unsigned integer or a UUID string; payload and text are optional; blank lines are skipped.
 * A bad line is refused naming the file, the line number and the field.
 */
public final class JsonlPoints implements Iterator<Point>, Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final BufferedReader in;
  private long line;
  private Point next;

  private JsonlPoints(Path file) throws IOException {
    this.file = file;
    this.in = Files.newBufferedReader(file);
  }

  public static JsonlPoints open(Path file) throws IOException {
    return new JsonlPoints(file);
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = readPoint();
    }
    return next != null;
  }

  @Override
  public Point next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Point p = next;
    next = null;
    return p;
  }

  private Point readPoint() {
    try {
      String s;
      do {
        s = in.readLine();
        line++;
        if (s == null) {
          return null;
        }
      } while (s.isBlank());
      return parse(s);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " line " + line, e);
    }
  }

  private Point parse(String s) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw bad("is not JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw bad("is not a JSON object");
    }
    JsonNode id = n.get("id");
    PointId pid;
    if (id == null || id.isNull()) {
      throw bad("has no \"id\"");
    } else if (id.isIntegralNumber() && id.canConvertToLong() && id.asLong() >= 0) {
      pid = PointId.of(id.asLong());
    } else if (id.isTextual() || id.isBigInteger()) {
      try {
        pid = PointId.parse(id.asText());
      } catch (IllegalArgumentException e) {
        throw bad("\"id\": " + e.getMessage());
      }
    } else {
      throw bad("\"id\" must be an unsigned integer or a UUID string but was " + id);
    }
    JsonNode vec = n.get("vector");
    if (vec == null || !vec.isArray()) {
      throw bad("\"vector\" must be an array of numbers");
    }
    float[] v = new float[vec.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = vec.get(i);
      if (!x.isNumber()) {
        throw bad("\"vector\"[" + i + "] is not a number: " + x);
      }
      v[i] = x.floatValue();
    }
    JsonNode payload = n.get("payload");
    Map<String, Object> p = Map.of();
    if (payload != null && !payload.isNull()) {
      if (!payload.isObject()) {
        throw bad("\"payload\" must be a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) toJava(payload);
      p = m;
    }
    JsonNode text = n.get("text");
    return new Point(pid, v, p, text == null || text.isNull() ? null : text.asText());
  }

  /** JSON as the payload model: Long for integers, Double for other numbers. */
  static Object toJava(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      n.forEach(x -> l.add(toJava(x)));
      return l;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isNull()) {
      return null;
    }
    return n.asText();
  }

  private IllegalArgumentException bad(String what) {
    return new IllegalArgumentException(file + " line " + line + " " + what);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
