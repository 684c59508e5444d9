package io.quiver.client.filter;

import io.quiver.client.filter.FilterLexer.Kind;
import io.quiver.client.filter.FilterLexer.Token;
import io.quiver.common.error.QuiverException;
import io.quiver.common.filter.Filter;
import io.quiver.common.model.PointId;
import io.quiver.common.wire.WireFilters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the readable filter language into a {@link Filter}.
 *
 * <pre>
 * expr      := and ( ("or" | "||") and )*
 * and       := unary ( ("and" | "&amp;&amp;") unary )*
 * unary     := ("not" | "!") unary | "(" expr ")" | condition
 * condition := key ("==" | "!=" | ">" | ">=" | "&lt;" | "&lt;=") value
 *            | key ["not"] "in" "[" value ("," value)* "]"
 *            | key "is" ["not"] "null"
 *            | "has_id" "(" id ("," id)* ")"
 * value     := "string" | 'string' | integer | decimal | true | false
 * </pre>
 *
 * Keys are dotted paths ({@code meta.author}); a key that clashes with a word of the language is
 * written in backquotes. Words are case-insensitive. {@code ==} on a decimal and ranges on numbers
 * become numeric ranges; a range whose bound is a quoted RFC 3339 timestamp becomes a datetime
 * range. Errors are {@code INVALID_ARGUMENT} and give the column.
 */
public final class FilterParser {
  private final String source;
  private final List<Token> tokens;
  private int pos;

  private FilterParser(String source) {
    this.source = source;
    this.tokens = FilterLexer.tokens(source);
  }

  /** The filter a string says; a blank string matches everything. */
  public static Filter parse(String source) {
    if (source == null || source.isBlank()) {
      return Filter.ALL;
    }
    FilterParser p = new FilterParser(source);
    Filter f = p.or();
    if (p.peek().kind() != Kind.END) {
      throw p.error("expected 'and', 'or' or the end but found " + p.peek().describe());
    }
    return f;
  }

  private Filter or() {
    List<Filter> parts = new ArrayList<>(List.of(and()));
    while (peek().isWord("or") || peek().is(Kind.OP, "||")) {
      pos++;
      parts.add(and());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.Bool(List.of(), parts, List.of());
  }

  private Filter and() {
    List<Filter> parts = new ArrayList<>(List.of(unary()));
    while (peek().isWord("and") || peek().is(Kind.OP, "&&")) {
      pos++;
      parts.add(unary());
    }
    return parts.size() == 1 ? parts.get(0) : new Filter.Bool(parts, List.of(), List.of());
  }

  private Filter unary() {
    Token t = peek();
    if (t.isWord("not") || t.is(Kind.OP, "!")) {
      pos++;
      return Filter.not(unary());
    }
    if (t.kind() == Kind.LPAREN) {
      pos++;
      Filter inner = or();
      expect(Kind.RPAREN, "')'");
      return inner;
    }
    return condition();
  }

  private Filter condition() {
    Token keyToken = next();
    if (keyToken.kind() == Kind.KEY) {
      return afterKey(keyToken);
    }
    if (keyToken.kind() != Kind.IDENT || isReserved(keyToken)) {
      throw error(keyToken, "expected a field name but found " + keyToken.describe());
    }
    if (keyToken.isWord("has_id") && peek().kind() == Kind.LPAREN) {
      return hasId();
    }
    return afterKey(keyToken);
  }

  private Filter afterKey(Token keyToken) {
    String key = keyToken.text();
    Token op = next();
    try {
      if (op.isWord("is")) {
        boolean negated = peek().isWord("not");
        if (negated) {
          pos++;
        }
        Token n = next();
        if (!n.isWord("null")) {
          throw error(n, "expected 'null' after 'is' but found " + n.describe());
        }
        Filter f = new Filter.IsNull(key);
        return negated ? Filter.not(f) : f;
      }
      if (op.isWord("in")) {
        return new Filter.In(key, list());
      }
      if (op.isWord("not") && peek().isWord("in")) {
        pos++;
        return Filter.not(new Filter.In(key, list()));
      }
      if (op.kind() != Kind.OP || op.text().equals("!") || op.text().equals("&&") || op.text().equals("||")) {
        throw error(op, "expected ==, !=, >, >=, <, <=, in or is after '" + key + "' but found " + op.describe());
      }
      Token value = next();
      return comparison(key, op, value);
    } catch (IllegalArgumentException e) {
      // The model's own checks (e.g. an empty key): report them at the condition.
      throw error(keyToken, e.getMessage());
    }
  }

  private Filter comparison(String key, Token op, Token value) {
    Object v = value(value);
    String o = op.text();
    if (o.equals("==") || o.equals("!=")) {
      Filter f = v instanceof Double d ? new Filter.Range(key, null, d, null, d) : new Filter.Match(key, v);
      return o.equals("==") ? f : Filter.not(f);
    }
    if (v instanceof String s) {
      Instant at = timestamp(value, s);
      return switch (o) {
        case ">" -> new Filter.DatetimeRange(key, at, null, null, null);
        case ">=" -> new Filter.DatetimeRange(key, null, at, null, null);
        case "<" -> new Filter.DatetimeRange(key, null, null, at, null);
        default -> new Filter.DatetimeRange(key, null, null, null, at);
      };
    }
    if (v instanceof Boolean) {
      throw error(value, "'" + o + "' needs a number or a timestamp but found " + value.describe());
    }
    double d = ((Number) v).doubleValue();
    return switch (o) {
      case ">" -> new Filter.Range(key, d, null, null, null);
      case ">=" -> new Filter.Range(key, null, d, null, null);
      case "<" -> new Filter.Range(key, null, null, d, null);
      default -> new Filter.Range(key, null, null, null, d);
    };
  }

  private List<Object> list() {
    expect(Kind.LBRACKET, "'['");
    List<Object> values = new ArrayList<>();
    do {
      Token v = next();
      Object o = value(v);
      if (o instanceof Double) {
        throw error(v, "'in' takes strings, integers or booleans but found " + v.describe());
      }
      values.add(o);
    } while (accept(Kind.COMMA));
    expect(Kind.RBRACKET, "',' or ']'");
    return values;
  }

  private Filter hasId() {
    expect(Kind.LPAREN, "'('");
    Set<PointId> ids = new LinkedHashSet<>();
    do {
      Token t = next();
      if (t.kind() != Kind.NUMBER && t.kind() != Kind.STRING) {
        throw error(t, "expected a point id but found " + t.describe());
      }
      try {
        ids.add(PointId.parse(t.text()));
      } catch (IllegalArgumentException e) {
        throw error(t, e.getMessage());
      }
    } while (accept(Kind.COMMA));
    expect(Kind.RPAREN, "',' or ')'");
    return new Filter.HasId(ids);
  }

  private Object value(Token t) {
    return switch (t.kind()) {
      case STRING -> t.text();
      case NUMBER -> number(t);
      case IDENT -> {
        if (t.isWord("true") || t.isWord("false")) {
          yield Boolean.parseBoolean(t.text().toLowerCase(java.util.Locale.ROOT));
        }
        throw error(t, "expected a value but found " + t.describe() + " (quote strings: \"" + t.text() + "\")");
      }
      default -> throw error(t, "expected a value but found " + t.describe());
    };
  }

  private Object number(Token t) {
    String s = t.text().replace("_", "");
    try {
      if (s.matches("[-+]?\\d+")) {
        return Long.parseLong(s);
      }
      double d = Double.parseDouble(s);
      if (!Double.isFinite(d)) {
        throw error(t, "number " + t.text() + " is not finite");
      }
      return d;
    } catch (NumberFormatException e) {
      throw error(t, "'" + t.text() + "' is not a number");
    }
  }

  private Instant timestamp(Token t, String s) {
    try {
      return WireFilters.instant("filter", s);
    } catch (QuiverException e) {
      throw error(t, "a range on a string needs an RFC 3339 timestamp like \"2024-05-01T00:00:00Z\" but found " + t.describe());
    }
  }

  private static boolean isReserved(Token t) {
    for (String w : new String[] {"and", "or", "not", "in", "is", "null", "true", "false"}) {
      if (t.isWord(w)) {
        return true;
      }
    }
    return false;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Kind.END) {
      pos++;
    }
    return t;
  }

  private boolean accept(Kind k) {
    if (peek().kind() == k) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(Kind k, String what) {
    Token t = next();
    if (t.kind() != k) {
      throw error(t, "expected " + what + " but found " + t.describe());
    }
  }

  private QuiverException error(String what) {
    return error(peek(), what);
  }

  private QuiverException error(Token at, String what) {
    return FilterLexer.error(source, at.column(), what);
  }
}
