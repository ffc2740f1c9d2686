package dev.llmworkbench.domain;

/**
 * Receives a streamed completion as it arrives. Called on the client's (OkHttp's) threads, one call
 * at a time per request; implementations must be quick and must not block. Every method has a
 * no-op default.
 */
public interface StreamListener {
    StreamListener NONE = new StreamListener() { };

    /** A piece of reasoning text (Qwen3 thinking). */
    default void onReasoning(String delta) { }

    /** A piece of answer text. */
    default void onContent(String delta) { }

    /** A tool call whose arguments grew; {@code call} is the whole call so far. */
    default void onToolCall(ToolCall call) { }

    /**
     * A raw server-sent event (or the whole body when not streaming), with its arrival time in
     * nanoseconds since the request started; for inspectors.
     */
    default void onRawEvent(long nanosSinceStart, String data) { }

    /** Response headers arrived (status and lower-case header names). */
    default void onResponseHeaders(int status, java.util.Map<String, String> headers) { }
}
