package dev.llmworkbench.cost;

import java.util.List;
import java.util.Objects;

/**
 * The editable weights, terms and thresholds of {@link ComplexityScorer}. Score = words × wordWeight +
 * code blocks × codeBlockWeight + technical terms × termWeight + (sentenceBonus if sentences &gt;
 * sentenceThreshold). Level: score &lt; simpleBelow → simple; score &lt; complexFrom → moderate; else complex.
 */
public record ComplexityConfig(double wordWeight, double codeBlockWeight, double termWeight,
                               double sentenceBonus, int sentenceThreshold, List<String> technicalTerms,
                               double simpleBelow, double complexFrom) {
    public static final List<String> DEFAULT_TERMS = List.of("API", "database", "algorithm", "optimize",
            "implement", "architect", "concurrent", "async", "parallel");

    public ComplexityConfig {
        technicalTerms = List.copyOf(Objects.requireNonNull(technicalTerms, "technicalTerms"));
        if (technicalTerms.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("technical terms must not be blank");
        }
        if (complexFrom < simpleBelow) {
            throw new IllegalArgumentException("complexFrom (" + complexFrom + ") must not be below simpleBelow ("
                    + simpleBelow + ")");
        }
    }

    /** The defaults: 0.5 per word, 10 per code block, 3 per term, +5 above 3 sentences; 20 and 50. */
    public static ComplexityConfig defaults() {
        return new ComplexityConfig(0.5, 10, 3, 5, 3, DEFAULT_TERMS, 20, 50);
    }

    public ComplexityConfig withTerms(List<String> terms) {
        return new ComplexityConfig(wordWeight, codeBlockWeight, termWeight, sentenceBonus, sentenceThreshold,
                terms, simpleBelow, complexFrom);
    }

    public ComplexityConfig withThresholds(double simpleBelow, double complexFrom) {
        return new ComplexityConfig(wordWeight, codeBlockWeight, termWeight, sentenceBonus, sentenceThreshold,
                technicalTerms, simpleBelow, complexFrom);
    }

    public ComplexityConfig withWeights(double word, double codeBlock, double term, double sentence) {
        return new ComplexityConfig(word, codeBlock, term, sentence, sentenceThreshold, technicalTerms,
                simpleBelow, complexFrom);
    }
}
