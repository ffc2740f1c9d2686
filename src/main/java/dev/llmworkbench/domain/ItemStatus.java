package dev.llmworkbench.domain;

import java.util.Locale;

/**
 * The state of one batch item: {@code pending} (to send), {@code in_flight} (sent, no result yet),
 * {@code done} / {@code failed} (a result is stored), {@code not_run} (skipped, e.g. budget spent),
 * {@code invalid} (the input row was rejected; never sent).
 */
public enum ItemStatus {
    PENDING, IN_FLIGHT, DONE, FAILED, NOT_RUN, INVALID;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ItemStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether an item in this state has its one stored result. */
    public boolean hasResult() {
        return this == DONE || this == FAILED;
    }
}
