package dev.llmworkbench.cost;

/** Where a prompt goes: its score and level, the model for that level and why, in words. */
public record RouteDecision(double score, Level level, String model, String reason, ComplexityScore details) {
}
