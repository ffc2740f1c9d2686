package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComplexityScorerTest {
    private final ComplexityScorer scorer = new ComplexityScorer();

    private static String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("word");
        }
        return sb.toString();
    }

    @Test
    void thresholdEdges() {
        assertThat(scorer.score(words(39)).score()).isEqualTo(19.5);
        assertThat(scorer.score(words(39)).level()).isEqualTo(Level.SIMPLE);
        assertThat(scorer.score(words(40)).score()).isEqualTo(20.0);
        assertThat(scorer.score(words(40)).level()).isEqualTo(Level.MODERATE);
        assertThat(scorer.score(words(99)).score()).isEqualTo(49.5);
        assertThat(scorer.score(words(99)).level()).isEqualTo(Level.MODERATE);
        assertThat(scorer.score(words(100)).score()).isEqualTo(50.0);
        assertThat(scorer.score(words(100)).level()).isEqualTo(Level.COMPLEX);
        assertThat(scorer.score("").score()).isZero();
        assertThat(scorer.score(null).level()).isEqualTo(Level.SIMPLE);
    }

    @Test
    void eachCjkCharacterIsAWord() {
        ComplexityScore s = scorer.score("我喜欢用Java写代码");
        // 我 喜 欢 用 Java 写 代 码
        assertThat(s.words()).isEqualTo(8);
        assertThat(s.score()).isEqualTo(4.0);
        assertThat(scorer.score("hello， 世界 !").words()).as("punctuation alone is no word").isEqualTo(3);
    }

    @Test
    void codeBlocksCountTenAndTheirTextIsNotCountedAsWords() {
        ComplexityScore s = scorer.score("Fix this:\n```java\nint x = 1; // API database\nint y = 2;\n```");
        assertThat(s.codeBlocks()).isEqualTo(1);
        assertThat(s.words()).isEqualTo(2);
        assertThat(s.technicalTerms()).isZero();
        assertThat(s.sentences()).isEqualTo(1);
        assertThat(s.score()).isEqualTo(11.0);
        ComplexityScore two = scorer.score("```\na\n```\nand\n```\nb\n```");
        assertThat(two.codeBlocks()).isEqualTo(2);
        assertThat(two.score()).isEqualTo(20.5);
        assertThat(scorer.score("see ```unclosed code that runs on").codeBlocks()).isEqualTo(1);
    }

    @Test
    void moreThanThreeSentencesAddFive() {
        ComplexityScore three = scorer.score("One. Two! Three?");
        assertThat(three.sentences()).isEqualTo(3);
        assertThat(three.score()).isEqualTo(1.5);
        ComplexityScore four = scorer.score("One. Two! Three? Four");
        assertThat(four.sentences()).isEqualTo(4);
        assertThat(four.score()).isEqualTo(7.0);
        ComplexityScore cjk = scorer.score("你好。谢谢！再见？好的。");
        assertThat(cjk.sentences()).isEqualTo(4);
        assertThat(cjk.words()).isEqualTo(8);
        assertThat(cjk.score()).isEqualTo(9.0);
        assertThat(scorer.score("Pi is 3.14 and e.g. fine").sentences()).isEqualTo(2);
        assertThat(scorer.score("Wait... what?!").sentences()).isEqualTo(2);
    }

    @Test
    void technicalTermsAreWholeWordsInAnyCase() {
        ComplexityScore s = scorer.score("Optimize the API and the DATABASE algorithm");
        assertThat(s.technicalTerms()).isEqualTo(4);
        assertThat(s.words()).isEqualTo(7);
        assertThat(s.score()).isEqualTo(15.5);
        assertThat(scorer.score("APIs rapid implementation parallelism").technicalTerms()).isZero();
        assertThat(scorer.score("async/await, api-first").technicalTerms()).isEqualTo(2);
        assertThat(scorer.score("api api api").technicalTerms()).as("each occurrence counts").isEqualTo(3);
    }

    @Test
    void weightsTermsAndThresholdsAreEditable() {
        ComplexityConfig c = ComplexityConfig.defaults().withTerms(List.of("kubernetes"))
                .withWeights(1, 0, 10, 0).withThresholds(5, 10);
        ComplexityScorer custom = new ComplexityScorer(c);
        ComplexityScore s = custom.score("deploy to Kubernetes with the API");
        assertThat(s.technicalTerms()).isEqualTo(1);
        assertThat(s.score()).isEqualTo(16.0);
        assertThat(s.level()).isEqualTo(Level.COMPLEX);
        assertThat(custom.score("one two three four five").level()).isEqualTo(Level.MODERATE);
        assertThat(custom.score("one two three four").level()).isEqualTo(Level.SIMPLE);
    }
}
