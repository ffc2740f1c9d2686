package dev.llmworkbench.metrics;

import java.util.Objects;

/**
 * One request's measurements (names as in ARCHITECTURE.md), null where not measured: TTFT, TTFO, TPOT and
 * end-to-end in milliseconds, output tokens from {@code usage}, whether it failed, and when it started
 * (epoch ms) for wall-time throughput.
 */
public record RequestSample(String model, Double ttftMs, Double ttfoMs, Double tpotMs, Double e2eMs,
                            Integer outputTokens, boolean error, long startEpochMs) {
    public RequestSample {
        model = Objects.requireNonNullElse(model, "");
    }

    public static RequestSample failed(String model, long startEpochMs) {
        return new RequestSample(model, null, null, null, null, null, true, startEpochMs);
    }
}
