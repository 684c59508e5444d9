package io.quiver.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints results as aligned tables or as JSON, to the command line's output stream. */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintWriter out;

  Output(PrintWriter out) {
    this.out = out;
  }

  void line(String s) {
    out.println(s);
    out.flush();
  }

  /** Pretty JSON of maps, lists, strings, numbers and booleans. */
  void json(Object value) {
    try {
      line(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Compact one-line JSON, for payloads inside a table cell. */
  static String compact(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print as JSON: " + e.getOriginalMessage(), e);
    }
  }

  void table(List<String> headers, List<List<String>> rows) {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < width.length && i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    for (List<String> r : all) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String cell = i < r.size() ? r.get(i) : "";
        b.append(cell);
        if (i < width.length - 1) {
          b.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
    if (rows.isEmpty()) {
      out.println("(none)");
    }
    out.flush();
  }

  /** Key: value lines, keys aligned. */
  void fields(Map<String, ?> fields) {
    int w = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
    fields.forEach((k, v) -> out.println(k + ":" + " ".repeat(w - k.length() + 1) + v));
    out.flush();
  }
}
