package io.quiver.index.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into terms: Unicode-aware (letters and digits of any script form words, everything
 * else separates them), lower-cased with the root locale, English stop words removed, then
 * reduced to a stem by {@link PorterStemmer} ("cells" and "cell" meet). Apostrophes inside a word
 * are dropped ("don't" becomes "dont") so contractions stay one term.
 */
public final class Analyzer {
  /** A classic English stop-word list (the one most search engines ship by default). */
  public static final Set<String> ENGLISH_STOP_WORDS =
      Set.of(
          "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
          "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
          "these", "they", "this", "to", "was", "will", "with", "we", "were", "which", "from",
          "has", "have", "had", "been", "its", "our", "can", "do", "does", "than", "so");

  private Analyzer() {}

  public static List<String> terms(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    StringBuilder word = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        word.appendCodePoint(cp);
      } else if ((cp == '\'' || cp == '\u2019') && !word.isEmpty() && i < text.length()
          && Character.isLetter(text.codePointAt(i))) {
        // Keep going: an apostrophe between letters does not end the word.
      } else {
        emit(word, out);
      }
    }
    emit(word, out);
    return out;
  }

  private static void emit(StringBuilder word, List<String> out) {
    if (word.isEmpty()) {
      return;
    }
    String t = word.toString().toLowerCase(Locale.ROOT);
    word.setLength(0);
    if (!ENGLISH_STOP_WORDS.contains(t)) {
      out.add(PorterStemmer.stem(t));
    }
  }
}
