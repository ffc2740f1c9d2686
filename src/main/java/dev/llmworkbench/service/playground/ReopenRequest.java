package dev.llmworkbench.service.playground;

/**
 * A recorded run to open again in the Playground: its provider (by name), model, prompts and settings, its
 * answer and reasoning, and, when known, the Playground as it was ({@code draft}: templates, variable values,
 * parameters, the conversation before the prompt), which then wins over the other fields.
 * Null fields keep the Playground's current value.
 */
public record ReopenRequest(long runId, String provider, String model, String systemPrompt, String userPrompt,
                            Double temperature, Integer maxTokens, String answer, String reasoning,
                            PlaygroundDraft draft) {
    public ReopenRequest {
        userPrompt = userPrompt == null ? "" : userPrompt;
    }
}
