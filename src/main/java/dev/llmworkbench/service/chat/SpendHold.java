package dev.llmworkbench.service.chat;

import java.math.BigDecimal;

/**
 * A caller's own spending cap on one request (a batch run's budget), beside the daily budgets of
 * {@link dev.llmworkbench.resilience.BudgetLedger}. The caller has reserved the first attempt's worst
 * case before starting the request; {@link ChatService} asks for another worst case before a retry
 * that follows a billed (cut) attempt, and stops the stream when the output tokens it counts reach
 * {@link #outputTokenCap()}.
 */
public interface SpendHold {
    /** Reserves another attempt's worst case; false (nothing reserved) when the cap cannot cover it. */
    boolean reserveAnother(BigDecimal worstUsd);

    /**
     * The answer tokens the reservation covers (its {@code max_tokens}); the stream is cancelled when as
     * many have arrived, and billed for what arrived. 0 = no cap.
     */
    long answerTokenCap();

    /**
     * The reasoning tokens the reservation covers (its thinking budget), counted apart from the answer;
     * 0 = reasoning counts against {@link #answerTokenCap()} (a model whose thinking is not known).
     */
    long thinkingTokenCap();
}
