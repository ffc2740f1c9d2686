package dev.llmworkbench.service.chat;

import java.math.BigDecimal;

/**
 * One HTTP attempt of a request: its number (1-based), the HTTP status (null when none arrived),
 * the error kind (null on success), the wait before the next attempt in ms (0 when none followed),
 * why it was retried or not, the text a failed attempt had received before it was cut (null when none:
 * kept here, never mixed into the answer) and what the attempt cost in USD (null when not billed or not
 * priced; a cut stream is billed for what arrived).
 */
public record Attempt(int number, Integer status, String errorKind, long waitMs, String reason, String partialText,
                      BigDecimal costUsd) {
    public Attempt(int number, Integer status, String errorKind, long waitMs, String reason) {
        this(number, status, errorKind, waitMs, reason, null, null);
    }
}
