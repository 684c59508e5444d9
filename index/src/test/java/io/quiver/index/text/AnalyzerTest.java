package io.quiver.index.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnalyzerTest {
  @Test
  void lowerCasesSplitsOnNonWordCharactersDropsStopWordsAndStems() {
    assertThat(Analyzer.terms("The Quick-brown FOX, and the lazy dog's 2nd bone!"))
        .containsExactly("quick", "brown", "fox", "lazi", "dog", "2nd", "bone");
  }

  @Test
  void inflectionsMeetAtOneStem() {
    assertThat(Analyzer.terms("connections connected connecting connect"))
        .containsOnly("connect");
    assertThat(Analyzer.terms("Cells cell")).containsOnly("cell");
  }

  @Test
  void porterStemsTheExamplesOfThePaper() {
    String[][] cases = {
      {"caresses", "caress"}, {"ponies", "poni"}, {"cats", "cat"}, {"feed", "feed"}, {"agreed", "agre"},
      {"plastered", "plaster"}, {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"},
      {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"}, {"falling", "fall"}, {"hissing", "hiss"},
      {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"}, {"conditional", "condit"},
      {"rational", "ration"}, {"digitizer", "digit"}, {"vietnamization", "vietnam"}, {"predication", "predic"},
      {"operator", "oper"}, {"decisiveness", "decis"}, {"hopefulness", "hope"}, {"sensibiliti", "sensibl"},
      {"triplicate", "triplic"}, {"formative", "form"}, {"electrical", "electr"}, {"goodness", "good"},
      {"revival", "reviv"}, {"allowance", "allow"}, {"airliner", "airlin"}, {"adjustable", "adjust"},
      {"defensible", "defens"}, {"replacement", "replac"}, {"adjustment", "adjust"}, {"dependent", "depend"},
      {"adoption", "adopt"}, {"communism", "commun"}, {"homologous", "homolog"}, {"effective", "effect"},
      {"bowdlerize", "bowdler"}, {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"},
      {"controll", "control"}, {"roll", "roll"}, {"generalizations", "gener"}, {"oscillators", "oscil"},
    };
    for (String[] c : cases) {
      assertThat(PorterStemmer.stem(c[0])).as(c[0]).isEqualTo(c[1]);
    }
    // Not lower-case ASCII letters: left alone.
    assertThat(PorterStemmer.stem("2nd")).isEqualTo("2nd");
    assertThat(PorterStemmer.stem("naïves")).isEqualTo("naïves");
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
