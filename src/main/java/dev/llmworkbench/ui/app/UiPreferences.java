package dev.llmworkbench.ui.app;

import java.util.Optional;

/**
 * Small UI settings kept between runs: window bounds, theme, the view last shown, the last prompt.
 * Strings only; callers parse. Implementations are thread-safe.
 */
public interface UiPreferences {
    /** The value stored under {@code key}, if any. */
    Optional<String> get(String key);

    /** Stores {@code value} under {@code key}; a null value removes the key. */
    void put(String key, String value);

    /** The value under {@code key}, or {@code fallback}. */
    default String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** The value under {@code key} as a double, or {@code fallback} when missing or not a number. */
    default double getDouble(String key, double fallback) {
        try {
            return get(key).map(Double::parseDouble).filter(Double::isFinite).orElse(fallback);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Stores a double under {@code key}. */
    default void putDouble(String key, double value) {
        put(key, Double.toString(value));
    }
}
