package dev.llmworkbench.cost;

import java.util.Locale;

/** A prompt's complexity level, from the cheapest model's to the strongest's. */
public enum Level {
    SIMPLE, MODERATE, COMPLEX;

    /** The name used in JSON and text: {@code simple}, {@code moderate}, {@code complex}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One level down (to a cheaper model); {@code SIMPLE} stays {@code SIMPLE}. */
    public Level down() {
        return this == SIMPLE ? SIMPLE : values()[ordinal() - 1];
    }

    /** True when there is no level below. */
    public boolean isLowest() {
        return this == SIMPLE;
    }

    public static Level parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown level '" + s + "' (expected simple, moderate or complex)");
        }
    }
}
