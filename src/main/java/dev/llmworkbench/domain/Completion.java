package dev.llmworkbench.domain;

import java.util.List;
import java.util.Map;

/**
 * What one request produced, whether it succeeded or not: on failure {@code error} is set and the
 * text, reasoning and tool calls hold whatever arrived before it (the partial answer is kept).
 *
 * @param responseHeaders the HTTP response headers (lower-case names; empty when none arrived)
 */
public record Completion(String id, String model, String text, String reasoning, List<ToolCall> toolCalls,
                         String finishReason, Usage usage, Timing timing, ApiError error, Integer httpStatus,
                         Map<String, String> responseHeaders) {
    public Completion {
        text = text == null ? "" : text;
        reasoning = reasoning == null ? "" : reasoning;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        timing = timing == null ? Timing.empty() : timing;
        responseHeaders = responseHeaders == null ? Map.of() : Map.copyOf(responseHeaders);
    }

    public boolean ok() {
        return error == null;
    }

    /** True when any generated text (answer, reasoning or tool call) arrived. */
    public boolean hasOutput() {
        return !text.isEmpty() || !reasoning.isEmpty() || !toolCalls.isEmpty();
    }

    public Completion withError(ApiError e) {
        return new Completion(id, model, text, reasoning, toolCalls, finishReason, usage, timing, e, httpStatus,
                responseHeaders);
    }

    public Completion withTiming(Timing t) {
        return new Completion(id, model, text, reasoning, toolCalls, finishReason, usage, t, error, httpStatus,
                responseHeaders);
    }

    public Completion withUsage(Usage u) {
        return new Completion(id, model, text, reasoning, toolCalls, finishReason, u, timing, error, httpStatus,
                responseHeaders);
    }
}
