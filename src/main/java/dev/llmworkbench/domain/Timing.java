package dev.llmworkbench.domain;

import java.util.List;

/**
 * The timings of one request, in milliseconds from a monotonic clock, named as in ARCHITECTURE.md.
 * Request start is when the (final attempt's) HTTP request was sent.
 *
 * @param ttftMs       start → first chunk carrying generated text (reasoning included); null if none
 * @param ttfoMs       start → first chunk of answer text (reasoning excluded); null if none
 * @param e2eMs        start → the last chunk carrying {@code choices} (or the whole body when not streaming)
 * @param tpotMs       (e2e − ttft) / (output tokens − 1); null for fewer than two output tokens
 * @param chunkGapsMs  gaps between successive chunks that carry text
 * @param outputTokens output tokens used for TPOT (from usage when given, else counted)
 * @param queueMs      time spent waiting in the limiter before the request (0 in the client)
 * @param totalMs      the whole call including limiter waits and retries (e2e in the client)
 */
public record Timing(Double ttftMs, Double ttfoMs, Double e2eMs, Double tpotMs, List<Double> chunkGapsMs,
                     Integer outputTokens, double queueMs, double totalMs) {
    public Timing {
        chunkGapsMs = chunkGapsMs == null ? List.of() : List.copyOf(chunkGapsMs);
    }

    public static Timing empty() {
        return new Timing(null, null, null, null, List.of(), null, 0, 0);
    }

    /** Decode speed in tokens per second (1 / TPOT), or null. */
    public Double tokensPerSecond() {
        return tpotMs == null || tpotMs <= 0 ? null : 1000.0 / tpotMs;
    }

    /** Output tokens / end-to-end, in tokens per second, or null. */
    public Double throughputTokensPerSecond() {
        return outputTokens == null || e2eMs == null || e2eMs <= 0 ? null : outputTokens * 1000.0 / e2eMs;
    }

    public Timing withQueueAndTotal(double queue, double total) {
        return new Timing(ttftMs, ttfoMs, e2eMs, tpotMs, chunkGapsMs, outputTokens, queue, total);
    }

    /**
     * Computes TPOT from the other figures: (e2e − ttft) / (tokens − 1), null for fewer than two tokens.
     */
    public static Double tpot(Double ttftMs, Double e2eMs, Integer outputTokens) {
        if (ttftMs == null || e2eMs == null || outputTokens == null || outputTokens < 2) {
            return null;
        }
        return (e2eMs - ttftMs) / (outputTokens - 1);
    }
}
