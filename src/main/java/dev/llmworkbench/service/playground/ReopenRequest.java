package dev.llmworkbench.service.playground;

/**
 * A recorded run to open again in the Playground: its provider (by name), model, prompts and settings.
 * Null fields keep the Playground's current value.
 */
public record ReopenRequest(long runId, String provider, String model, String systemPrompt, String userPrompt,
                            Double temperature, Integer maxTokens, String answer) {
    public ReopenRequest {
        userPrompt = userPrompt == null ? "" : userPrompt;
    }
}
