package dev.llmworkbench.cost;

/** The parts and the result of a complexity estimate. */
public record ComplexityScore(double score, Level level, int words, int codeBlocks, int technicalTerms,
                              int sentences) {
}
