package dev.llmworkbench.domain;

/**
 * Token counts as the server reported them ({@code usage}); any field may be null when not given.
 * {@code reasoningTokens} is the part of {@code completionTokens} spent on reasoning,
 * {@code cachedTokens} the part of {@code promptTokens} read from the provider's cache.
 * {@code estimated} is true when the counts were made by us, not reported by the server.
 */
public record Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens,
                    Integer reasoningTokens, Integer cachedTokens, boolean estimated) {

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
