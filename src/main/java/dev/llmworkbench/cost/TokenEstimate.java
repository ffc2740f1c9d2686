package dev.llmworkbench.cost;

/**
 * A token count made before sending: {@code tokens} is the corrected estimate, {@code rawTokens} the plain
 * count of the tokenizer (pass this one to {@link TokenEstimator#observe}), {@code correction} the per-model
 * factor applied, {@code tokenizer} the name of the tokenizer that counted ({@link Tokenizer#id()}: {@code qwen3},
 * {@code o200k}, …). {@code estimated} is always true: this is never a count the server reported.
 */
public record TokenEstimate(int tokens, boolean estimated, int rawTokens, double correction, String tokenizer) {
    public TokenEstimate {
        tokenizer = tokenizer == null ? Tokenizer.DEFAULT.id() : tokenizer;
    }

    /** An estimate counted with {@link Tokenizer#DEFAULT} (o200k). */
    public TokenEstimate(int tokens, boolean estimated, int rawTokens, double correction) {
        this(tokens, estimated, rawTokens, correction, Tokenizer.DEFAULT.id());
    }

    /** "≈ 123 tokens (qwen3)": the estimate as the outputs and labels show it. */
    public String describe() {
        return "≈ " + tokens + " tokens (" + tokenizer + ")";
    }
}
