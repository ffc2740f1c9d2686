package dev.llmworkbench.domain;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The stored outcome of one request. Build with {@link #builder(long)}.
 *
 * @param id            null until stored
 * @param itemId        the batch item it answers, or null
 * @param requestJson   the request body sent (the caller passes the body, never headers or a key)
 * @param toolCallsJson the tool calls as JSON, or null
 * @param usage         token counts, or null
 * @param timing        timings (chunk gaps included), or null
 * @param costUsd       the cost in USD, or null when unknown
 * @param attempts      every attempt, in order
 * @param error         the final failure, or null when the request succeeded
 * @param checkPassed   whether the answer passed its checks, or null when there were none
 * @param checkDetail   why a check failed, or null
 */
public record ResultRecord(Long id, long runId, Long itemId, String model, String provider, String requestJson,
                           String responseText, String reasoning, String toolCallsJson, String finishReason,
                           Usage usage, Timing timing, BigDecimal costUsd, List<Attempt> attempts, ApiError error,
                           Boolean checkPassed, String checkDetail, Instant startedAt, Instant endedAt) {
    public ResultRecord {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public boolean succeeded() {
        return error == null;
    }

    public ResultRecord withId(Long newId) {
        return toBuilder().id(newId).build();
    }

    public ResultRecord withItemId(Long newItemId) {
        return toBuilder().itemId(newItemId).build();
    }

    public ResultRecord withRunId(long newRunId) {
        return toBuilder().runId(newRunId).build();
    }

    public static Builder builder(long runId) {
        return new Builder().runId(runId);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.runId = runId;
        b.itemId = itemId;
        b.model = model;
        b.provider = provider;
        b.requestJson = requestJson;
        b.responseText = responseText;
        b.reasoning = reasoning;
        b.toolCallsJson = toolCallsJson;
        b.finishReason = finishReason;
        b.usage = usage;
        b.timing = timing;
        b.costUsd = costUsd;
        b.attempts = attempts;
        b.error = error;
        b.checkPassed = checkPassed;
        b.checkDetail = checkDetail;
        b.startedAt = startedAt;
        b.endedAt = endedAt;
        return b;
    }

    /** A mutable builder; every field optional except the run. */
    public static final class Builder {
        private Long id;
        private long runId;
        private Long itemId;
        private String model;
        private String provider;
        private String requestJson;
        private String responseText;
        private String reasoning;
        private String toolCallsJson;
        private String finishReason;
        private Usage usage;
        private Timing timing;
        private BigDecimal costUsd;
        private List<Attempt> attempts = List.of();
        private ApiError error;
        private Boolean checkPassed;
        private String checkDetail;
        private Instant startedAt;
        private Instant endedAt;

        private Builder() {
        }

        public Builder id(Long v) {
            id = v;
            return this;
        }

        public Builder runId(long v) {
            runId = v;
            return this;
        }

        public Builder itemId(Long v) {
            itemId = v;
            return this;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder provider(String v) {
            provider = v;
            return this;
        }

        public Builder requestJson(String v) {
            requestJson = v;
            return this;
        }

        public Builder responseText(String v) {
            responseText = v;
            return this;
        }

        public Builder reasoning(String v) {
            reasoning = v;
            return this;
        }

        public Builder toolCallsJson(String v) {
            toolCallsJson = v;
            return this;
        }

        public Builder finishReason(String v) {
            finishReason = v;
            return this;
        }

        public Builder usage(Usage v) {
            usage = v;
            return this;
        }

        public Builder timing(Timing v) {
            timing = v;
            return this;
        }

        public Builder costUsd(BigDecimal v) {
            costUsd = v;
            return this;
        }

        public Builder attempts(List<Attempt> v) {
            attempts = v;
            return this;
        }

        public Builder error(ApiError v) {
            error = v;
            return this;
        }

        public Builder check(Boolean passed, String detail) {
            checkPassed = passed;
            checkDetail = detail;
            return this;
        }

        public Builder startedAt(Instant v) {
            startedAt = v;
            return this;
        }

        public Builder endedAt(Instant v) {
            endedAt = v;
            return this;
        }

        public ResultRecord build() {
            return new ResultRecord(id, runId, itemId, model, provider, requestJson, responseText, reasoning,
                    toolCallsJson, finishReason, usage, timing, costUsd, attempts, error, checkPassed, checkDetail,
                    startedAt, endedAt);
        }
    }
}
