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
}
