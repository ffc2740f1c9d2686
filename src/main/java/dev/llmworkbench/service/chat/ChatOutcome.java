package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Money;
import java.util.List;

/**
 * What running a {@link ChatJob} produced: the final attempt's completion (with its error and
 * partial text on failure), its cost (null when the model has no price, never zero for "unknown"),
 * every attempt, and the time spent waiting in the limiter ({@code queueMs}) and in all
 * ({@code totalMs}, retries included).
 *
 * @param priceNote which price entry was used ("dashscope-cn qwen3-235b-a22b, 2025-04-28"), or why none
 */
public record ChatOutcome(Completion completion, Money costUsd, Money costCny, List<Attempt> attempts,
                          double queueMs, double totalMs, String priceNote) {
    public ChatOutcome {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public boolean ok() {
        return completion.ok();
    }

    /**
     * The retries in words, each with why and how long it waited before going again: "retried after HTTP 429
     * (waited 0.3 s)", "retried 2 times: after HTTP 429 (waited 0.3 s), after a cut stream (waited 1.1 s)";
     * empty when the first attempt was the last.
     */
    public String retryText() {
        if (attempts.size() < 2) {
            return "";
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            Attempt failed = attempts.get(i - 1);
            Attempt next = attempts.get(i);
            String why = failed.httpStatus() != null && failed.httpStatus() >= 400 ? "HTTP " + failed.httpStatus()
                    : failed.errorKind() != null ? failed.errorKind().replace('_', ' ') : "an error";
            double waited = next.backoffMs() == null ? 0 : next.backoffMs() / 1000.0;
            parts.add("after " + why + String.format(java.util.Locale.ROOT, " (waited %.1f s)", waited));
        }
        return parts.size() == 1 ? "retried " + parts.get(0)
                : "retried " + parts.size() + " times: " + String.join(", ", parts);
    }
}
