package dev.llmworkbench.domain;

import java.util.Objects;

/**
 * An API key. Its {@link #toString()} never shows it; only the wire client calls {@link #reveal()}.
 * Deliberately a class, not a record, so that no generated {@code toString}/{@code equals} leaks it.
 */
public final class ApiKey {
    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** Returns null for a null or blank value: "no key". */
    public static ApiKey ofNullable(String value) {
        return value == null || value.isBlank() ? null : new ApiKey(value.trim());
    }

    public static ApiKey of(String value) {
        Objects.requireNonNull(value, "key");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
        return new ApiKey(value.trim());
    }

    public String reveal() {
        return value;
    }

    /** Replaces every occurrence of this key in {@code text} by {@code ***}. */
    public String redact(String text) {
        return text == null ? null : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "ApiKey[***]";
    }
}
