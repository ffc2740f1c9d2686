package dev.llmworkbench.domain;

import java.util.Locale;

/** Request priority, highest first: when requests wait, a higher one goes first. */
public enum Priority {
    CRITICAL, NORMAL, BATCH, FILLER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority parse(String s) {
        try {
            return Priority.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "unknown priority '" + s + "' (expected critical, normal, batch or filler)");
        }
    }
}
