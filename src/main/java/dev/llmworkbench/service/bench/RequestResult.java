package dev.llmworkbench.service.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One measured request of a level (warm-up requests are not measured). Times in ms from the level's start: when
 * it was scheduled to go ({@code scheduledMs}; in a closed loop, when a slot freed, the same as the send), when it
 * was sent ({@code sentMs}: after any wait for a slot under {@code --max-concurrency} and in the limiter) and when
 * its answer ended ({@code doneMs}). TTFT, TTFO, TPOT, end-to-end and the chunk gaps as ARCHITECTURE.md names
 * them, from the send; output tokens from usage ({@code tokensFromUsage}) or estimated from the answer's text;
 * {@code chunks}: the chunks that carried text. A failed request has {@code errorKind} ({@code server},
 * {@code network}, ...) and {@code errorMessage}.
 */
public record RequestResult(int level, int index, double scheduledMs, double sentMs, double doneMs, Instant sentAt,
                            Double ttftMs, Double ttfoMs, Double tpotMs, Double e2eMs, List<Double> chunkGapsMs,
                            Integer outputTokens, boolean tokensFromUsage, int chunks, Integer inputTokens,
                            int maxTokens, Integer httpStatus, String errorKind, String errorMessage) {
    public RequestResult {
        chunkGapsMs = chunkGapsMs == null ? List.of() : List.copyOf(chunkGapsMs);
    }

    public boolean ok() {
        return errorKind == null;
    }

    /** sent − scheduled: how late the request went out. */
    public double sendLagMs() {
        return sentMs - scheduledMs;
    }

    /** One export line: every timing and the send schedule. */
    public JsonObject toJson(BenchResult.Load load) {
        JsonObject o = new JsonObject();
        o.addProperty("level", level);
        o.addProperty(load.key(), load.jsonValue());
        o.addProperty("index", index);
        o.add("scheduled_ms", Stats.num(scheduledMs));
        o.add("sent_ms", Stats.num(sentMs));
        o.add("send_lag_ms", Stats.num(sendLagMs()));
        o.add("done_ms", Stats.num(doneMs));
        o.addProperty("sent_at", sentAt.toString());
        o.add("ttft_ms", Stats.num(ttftMs));
        o.add("ttfo_ms", Stats.num(ttfoMs));
        o.add("tpot_ms", Stats.num(tpotMs));
        o.add("e2e_ms", Stats.num(e2eMs));
        o.add("ttft_from_schedule_ms", Stats.num(ttftMs == null ? null : ttftMs + sendLagMs()));
        o.add("e2e_from_schedule_ms", Stats.num(e2eMs == null ? null : e2eMs + sendLagMs()));
        JsonArray gaps = new JsonArray();
        chunkGapsMs.forEach(g -> gaps.add(Stats.num(g)));
        o.add("chunk_gaps_ms", gaps);
        o.addProperty("chunks", chunks);
        o.addProperty("output_tokens", outputTokens);
        o.addProperty("tokens_source", outputTokens == null ? null : tokensFromUsage ? "usage" : "estimated");
        o.addProperty("input_tokens", inputTokens);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("http_status", httpStatus);
        o.addProperty("error_kind", errorKind);
        o.addProperty("error", errorMessage);
        return o;
    }
}
