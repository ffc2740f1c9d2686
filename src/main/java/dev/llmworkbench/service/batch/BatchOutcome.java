package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.resilience.RateLimiter;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * How a run ended. {@code stopReason}: null when it ran to the end, else {@code budget} or
 * {@code cancelled}; {@code stopDetail} says why in words (or null). {@code resent}: items that were
 * in flight when an earlier process died, sent again by this run (their reservations were released,
 * not counted as spent: {@code requeuedReservationUsd} is what they had reserved). {@code limiter}: the
 * state of the run's busiest limiter key at the end, or null when nothing was sent.
 */
public record BatchOutcome(String jobId, JobStatus status, String stopReason, BatchProgress progress, Duration wall,
                      BigDecimal requeuedReservationUsd, int resent, String stopDetail, RateLimiter.State limiter) {
    /**
     * Why the run stopped before its end, in one line for a person ("Stopped by the budget: …", "Cancelled: …"),
     * with the rows it left; null when it ran to the end. The CLI and the desktop say this same line.
     */
    public String stopText() {
        if (stopReason == null) {
            return null;
        }
        int left = progress == null ? 0 : progress.notRun();
        String rows = left + (left == 1 ? " row" : " rows") + " not run";
        if ("cancelled".equals(stopReason)) {
            return "Cancelled: " + rows + " (Continue runs them)";
        }
        if ("budget".equals(stopReason)) {
            return "Stopped by the budget: " + (stopDetail != null ? stopDetail
                    : "the budget cannot cover the next row") + "; " + rows + " (raise the budget, then Continue)";
        }
        return "Stopped: " + (stopDetail != null ? stopDetail : stopReason) + "; " + rows;
    }
}
