package io.quiver.index.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnalyzerTest {
  @Test
  void lowerCasesSplitsOnNonWordCharactersAndDropsStopWords() {
    assertThat(Analyzer.terms("The Quick-brown FOX, and the lazy dog's 2nd bone!"))
        .containsExactly("quick", "brown", "fox", "lazy", "dogs", "2nd", "bone");
  }

  @Test
  void unicodeWordsStayWhole() {
    assertThat(Analyzer.terms("Straße ÉCOLE naïve 東京 — İstanbul"))
        .containsExactly("straße", "école", "naïve", "東京", "i̇stanbul");
  }

  @Test
  void bm25ParamsAreChecked() {
    assertThatThrownBy(() -> new Bm25Params(1.2f, 1.5f)).hasMessageContaining("1.5");
    assertThat(Bm25Params.idf(100, 1)).isGreaterThan(Bm25Params.idf(100, 50));
  }
}
