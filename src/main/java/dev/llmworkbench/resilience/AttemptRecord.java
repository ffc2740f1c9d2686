package dev.llmworkbench.resilience;

import dev.llmworkbench.domain.ApiError;

/**
 * One HTTP attempt of a request, as recorded for history and the {@code attempts} figure.
 *
 * @param attempt the attempt number, from 1
 * @param status  HTTP status, or null when none was received (network error, timeout)
 * @param kind    {@code ok} or the error kind's wire name ({@code rate_limited}, ...)
 * @param waitMs  the wait before the next attempt (0 when none follows)
 * @param reason  why it was (not) retried, or "ok"
 */
public record AttemptRecord(int attempt, Integer status, String kind, long waitMs, String reason) {

    public static AttemptRecord success(int attempt, Integer status) {
        return new AttemptRecord(attempt, status, "ok", 0, "ok");
    }

    public static AttemptRecord failure(int attempt, ApiError error, RetryPolicy.Decision decision) {
        return new AttemptRecord(attempt, error.status(), error.kind().wireName(),
                decision.retry() ? decision.delay().toMillis() : 0, decision.reason());
    }
}
