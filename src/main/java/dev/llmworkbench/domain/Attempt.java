package dev.llmworkbench.domain;

/**
 * One attempt of a request, stored in a result's {@code attempts} list (first attempt = 1).
 *
 * @param httpStatus   the HTTP status, or null when none arrived
 * @param errorKind    the {@link dev.llmworkbench.domain.ApiError.Kind#wireName()} of its failure, or null
 * @param errorMessage what went wrong and what was decided (retry in N s, given up), in words (never a key);
 *                     on a successful attempt a note (stopped at the budget's reservation) or null
 * @param durationMs   how long the attempt took
 * @param backoffMs    the pause before this attempt (0 for the first)
 * @param partialText  what a failed attempt had received before it was cut (the answer never mixes it in), or null
 * @param costUsd      what this attempt cost (a cut stream is billed for what arrived), or null
 * @param requestId    the id the provider gave the request (a batch output line's {@code request_id}), or null
 */
public record Attempt(int number, Integer httpStatus, String errorKind, String errorMessage, Double durationMs,
                      Double backoffMs, String partialText, java.math.BigDecimal costUsd, String requestId) {
    public Attempt(int number, Integer httpStatus, String errorKind, String errorMessage, Double durationMs,
                   Double backoffMs, String partialText, java.math.BigDecimal costUsd) {
        this(number, httpStatus, errorKind, errorMessage, durationMs, backoffMs, partialText, costUsd, null);
    }

    public Attempt(int number, Integer httpStatus, String errorKind, String errorMessage, Double durationMs,
                   Double backoffMs) {
        this(number, httpStatus, errorKind, errorMessage, durationMs, backoffMs, null, null);
    }
}
