package dev.llmworkbench.cost;

/** A compressed prompt and its o200k token counts before and after (estimates). */
public record CompressionResult(String text, int tokensBefore, int tokensAfter) {
    public int tokensSaved() {
        return tokensBefore - tokensAfter;
    }
}
