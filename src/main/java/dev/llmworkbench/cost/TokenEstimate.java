package dev.llmworkbench.cost;

/**
 * A token count made before sending: {@code tokens} is the corrected estimate, {@code rawTokens} the
 * plain o200k count (pass this one to {@link TokenEstimator#observe}), {@code correction} the per-model
 * factor applied. {@code estimated} is always true: this is never a count the server reported.
 */
public record TokenEstimate(int tokens, boolean estimated, int rawTokens, double correction) {
}
