package io.quiver.client.filter;

import io.quiver.common.error.QuiverException;
import java.util.ArrayList;
import java.util.List;

/** Splits a filter string into tokens, each with the column it starts at (1-based). */
final class FilterLexer {
  enum Kind { IDENT, KEY, STRING, NUMBER, OP, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, END }

  record Token(Kind kind, String text, int column) {
    boolean is(Kind k, String t) {
      return kind == k && text.equalsIgnoreCase(t);
    }

    /** An unquoted word, compared case-insensitively ({@code and}, {@code or}, {@code not}...). */
    boolean isWord(String w) {
      return is(Kind.IDENT, w);
    }

    String describe() {
      return kind == Kind.END ? "the end" : "'" + text + "'";
    }
  }

  private FilterLexer() {}

  static List<Token> tokens(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int col = i + 1;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          if (s.charAt(j) == '\\' && j + 1 < s.length()) {
            j++;
          }
          b.append(s.charAt(j++));
        }
        if (j >= s.length()) {
          throw error(s, col, "string starting here is not closed with " + c);
        }
        out.add(new Token(Kind.STRING, b.toString(), col));
        i = j + 1;
      } else if (c == '`') {
        int j = s.indexOf('`', i + 1);
        if (j < 0) {
          throw error(s, col, "key starting here is not closed with `");
        }
        out.add(new Token(Kind.KEY, s.substring(i + 1, j), col));
        i = j + 1;
      } else if (Character.isDigit(c) || ((c == '-' || c == '+') && i + 1 < s.length()
          && (Character.isDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '.'))) {
        int j = i + 1;
        while (j < s.length() && isNumberChar(s, j)) {
          j++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(i, j), col));
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || "_.-".indexOf(s.charAt(j)) >= 0)) {
          j++;
        }
        out.add(new Token(Kind.IDENT, s.substring(i, j), col));
        i = j;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        switch (two) {
          case "==", "!=", ">=", "<=", "&&", "||" -> {
            out.add(new Token(Kind.OP, two, col));
            i += 2;
            continue;
          }
          default -> {}
        }
        Kind k = switch (c) {
          case '(' -> Kind.LPAREN;
          case ')' -> Kind.RPAREN;
          case '[' -> Kind.LBRACKET;
          case ']' -> Kind.RBRACKET;
          case ',' -> Kind.COMMA;
          case '>', '<', '=', '!' -> Kind.OP;
          default -> throw error(s, col, "unexpected character '" + c + "'");
        };
        out.add(new Token(k, c == '=' ? "==" : String.valueOf(c), col));
        i++;
      }
    }
    out.add(new Token(Kind.END, "", s.length() + 1));
    return out;
  }

  private static boolean isNumberChar(String s, int j) {
    char c = s.charAt(j);
    if (Character.isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '_') {
      return true;
    }
    // A sign right after an exponent: 1e-3.
    return (c == '-' || c == '+') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E');
  }

  static QuiverException error(String source, int column, String what) {
    return QuiverException.invalid("filter: " + what + " at column " + column + " of: " + source);
  }
}
