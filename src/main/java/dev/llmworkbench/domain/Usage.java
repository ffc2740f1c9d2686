package dev.llmworkbench.domain;

/**
 * Token counts as the server reported them ({@code usage}); any field may be null when not given.
 * {@code reasoningTokens} is the part of {@code completionTokens} spent on reasoning,
 * {@code cachedTokens} the part of {@code promptTokens} read from the provider's cache.
 * {@code estimated} is true when the counts were made by us, not reported by the server;
 * {@code reasoningEstimated} when the reasoning count was (the server reported the others but no
 * {@code completion_tokens_details.reasoning_tokens}).
 */
public record Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens,
                    Integer reasoningTokens, Integer cachedTokens, boolean estimated, boolean reasoningEstimated) {

    /** Usage whose reasoning count is estimated exactly when the rest is. */
    public Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens, Integer reasoningTokens,
                 Integer cachedTokens, boolean estimated) {
        this(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, estimated,
                estimated && reasoningTokens != null);
    }

    /** The same counts with the reasoning tokens we estimated (labelled so). */
    public Usage withEstimatedReasoning(int tokens) {
        return new Usage(promptTokens, completionTokens, totalTokens, tokens, cachedTokens, estimated, true);
    }

    public static Usage of(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion, null, null, false);
    }

    public int promptOrZero() {
        return promptTokens == null ? 0 : promptTokens;
    }

    public int completionOrZero() {
        return completionTokens == null ? 0 : completionTokens;
    }

    public int reasoningOrZero() {
        return reasoningTokens == null ? 0 : reasoningTokens;
    }

    public int cachedOrZero() {
        return cachedTokens == null ? 0 : cachedTokens;
    }

    public int totalOrSum() {
        return totalTokens != null ? totalTokens : promptOrZero() + completionOrZero();
    }
}
