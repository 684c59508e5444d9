package io.quiver.index.text;

/**
 * M. F. Porter's English suffix-stripping algorithm ("An algorithm for suffix stripping", 1980),
 * written from the paper: "connections", "connected", "connecting" all become "connect", so a
 * query's word meets the document's inflection of it. Takes lower-case ASCII words; any other
 * word (digits, other scripts, two letters or fewer) is returned as given. Stateless.
 */
final class PorterStemmer {
  private PorterStemmer() {}

  static String stem(String word) {
    if (word.length() <= 2 || !lowerAscii(word)) {
      return word;
    }
    Word w = new Word(word);
    w.step1a();
    w.step1b();
    w.step1c();
    w.replaceFirst(STEP2, 0);
    w.replaceFirst(STEP3, 0);
    w.step4();
    w.step5();
    return w.toString();
  }

  private static boolean lowerAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  /** Suffix, replacement pairs of step 2 (measure > 0), longest match wins. */
  private static final String[][] STEP2 = {
    {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
    {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
    {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
    {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
    {"logi", "log"},
  };

  /** Step 3 (measure > 0). */
  private static final String[][] STEP3 = {
    {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""},
    {"ness", ""},
  };

  /** Step 4 removes these when the measure of what is left is > 1 ("ion" only after s or t). */
  private static final String[] STEP4 = {
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
    "ism", "ate", "iti", "ous", "ive", "ize",
  };

  /** The word being stemmed: a buffer and its current length. */
  private static final class Word {
    private final char[] b;
    private int end;

    Word(String s) {
      b = s.toCharArray();
      end = b.length;
    }

    /** Whether b[i] is a consonant: not a vowel, and y only after a vowel or at the start. */
    private boolean consonant(int i) {
      return switch (b[i]) {
        case 'a', 'e', 'i', 'o', 'u' -> false;
        case 'y' -> i == 0 || !consonant(i - 1);
        default -> true;
      };
    }

    /** m in [C](VC)^m[V] of b[0, len). */
    private int measure(int len) {
      int m = 0;
      int i = 0;
      while (i < len && consonant(i)) {
        i++;
      }
      while (i < len) {
        while (i < len && !consonant(i)) {
          i++;
        }
        if (i == len) {
          break;
        }
        while (i < len && consonant(i)) {
          i++;
        }
        m++;
      }
      return m;
    }

    private boolean hasVowel(int len) {
      for (int i = 0; i < len; i++) {
        if (!consonant(i)) {
          return true;
        }
      }
      return false;
    }

    private boolean endsWith(String s) {
      int n = s.length();
      if (n > end) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (b[end - n + i] != s.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private void setSuffix(int stemLength, String s) {
      s.getChars(0, s.length(), b, stemLength);
      end = stemLength + s.length();
    }

    /** Ends in a double consonant. */
    private boolean doubleConsonant(int len) {
      return len >= 2 && b[len - 1] == b[len - 2] && consonant(len - 1);
    }

    /** *o: ends consonant-vowel-consonant, the last not w, x or y. */
    private boolean cvc(int len) {
      if (len < 3 || !consonant(len - 1) || consonant(len - 2) || !consonant(len - 3)) {
        return false;
      }
      char c = b[len - 1];
      return c != 'w' && c != 'x' && c != 'y';
    }

    void step1a() {
      if (endsWith("sses") || endsWith("ies")) {
        end -= 2;
      } else if (b[end - 1] == 's' && !endsWith("ss")) {
        end--;
      }
    }

    void step1b() {
      if (endsWith("eed")) {
        if (measure(end - 3) > 0) {
          end--;
        }
        return;
      }
      int stem;
      if (endsWith("ed") && hasVowel(end - 2)) {
        stem = end - 2;
      } else if (endsWith("ing") && hasVowel(end - 3)) {
        stem = end - 3;
      } else {
        return;
      }
      end = stem;
      if (endsWith("at") || endsWith("bl") || endsWith("iz")) {
        setSuffix(end, "e");
      } else if (doubleConsonant(end) && b[end - 1] != 'l' && b[end - 1] != 's' && b[end - 1] != 'z') {
        end--;
      } else if (measure(end) == 1 && cvc(end)) {
        setSuffix(end, "e");
      }
    }

    void step1c() {
      if (b[end - 1] == 'y' && hasVowel(end - 1)) {
        b[end - 1] = 'i';
      }
    }

    /** The longest suffix of {@code rules} that matches is replaced when the stem's measure exceeds {@code minMeasure}. */
    void replaceFirst(String[][] rules, int minMeasure) {
      String[] best = null;
      for (String[] r : rules) {
        if (endsWith(r[0]) && (best == null || r[0].length() > best[0].length())) {
          best = r;
        }
      }
      if (best != null) {
        int stem = end - best[0].length();
        if (measure(stem) > minMeasure) {
          setSuffix(stem, best[1]);
        }
      }
    }

    void step4() {
      String best = null;
      for (String s : STEP4) {
        if (endsWith(s) && (best == null || s.length() > best.length())) {
          best = s;
        }
      }
      if (best == null) {
        return;
      }
      int stem = end - best.length();
      boolean ionOk = !best.equals("ion") || (stem > 0 && (b[stem - 1] == 's' || b[stem - 1] == 't'));
      if (ionOk && measure(stem) > 1) {
        end = stem;
      }
    }

    void step5() {
      if (b[end - 1] == 'e') {
        int m = measure(end - 1);
        if (m > 1 || (m == 1 && !cvc(end - 1))) {
          end--;
        }
      }
      if (b[end - 1] == 'l' && doubleConsonant(end) && measure(end) > 1) {
        end--;
      }
    }

    @Override
    public String toString() {
      return new String(b, 0, end);
    }
  }
}
