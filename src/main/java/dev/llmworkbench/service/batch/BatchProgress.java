package dev.llmworkbench.service.batch;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A snapshot of a running batch: items queued (pending), in flight, done, failed, not run and invalid,
 * retries so far, tokens, spend so far (this job, earlier sessions included), elapsed time and an ETA
 * (null until something finished) and the limiter's state in words ({@code RateLimiter.State#describe()}
 * of the run's busiest key; null before anything was sent).
 */
public record BatchProgress(int total, int queued, int inFlight, int done, int failed, int notRun, int invalid,
                            int retries, long promptTokens, long completionTokens, BigDecimal spentUsd,
                            Duration elapsed, Duration eta, boolean paused, String limiter) {
    /** The rows that are sent: every row but the invalid ones. */
    public int valid() {
        return total - invalid;
    }

    /** The share of the valid rows that ended (done, failed or not run), from 0 to 1; 1 when there is none. */
    public double ended() {
        int valid = valid();
        return valid == 0 ? 1 : (double) (done + failed + notRun) / valid;
    }

    /** One line for a terminal. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%d/%d done, %d failed, %d in flight, %d queued, %d retries, %d tokens, $%s spent, ETA %s%s",
                done, valid(), failed, inFlight, queued, retries, promptTokens + completionTokens,
                dev.llmworkbench.domain.Amounts.plain(spentUsd),
                eta == null ? "?" : eta.toSeconds() + " s", paused ? " (paused)" : "")
                + (limiter == null || limiter.startsWith("ready") ? "" : "; limiter: " + limiter);
    }
}
