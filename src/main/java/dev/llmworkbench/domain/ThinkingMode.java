package dev.llmworkbench.domain;

import java.util.Locale;

/**
 * Whether a model thinks (emits reasoning tokens), as the price catalogue knows it: {@code never};
 * {@code optional} (a switch, off unless asked: Qwen3 commercial models on DashScope); {@code default-on}
 * (a switch, on unless turned off: Qwen3 open-source models on DashScope); {@code always} (a thinking-only
 * model). A request with no thinking setting thinks as the mode's default.
 */
public enum ThinkingMode {
    NEVER, OPTIONAL, DEFAULT_ON, ALWAYS;

    /** {@code never}, {@code optional}, {@code default-on}, {@code always}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether a request can switch thinking: false for a model that never thinks or always does, whose switch is not
     * offered (it is shown as {@link #thinks}{@code (null)}).
     */
    public boolean switchable() {
        return this != NEVER && this != ALWAYS;
    }

    /** Whether a request thinks, given its own setting (null: none). */
    public boolean thinks(Boolean requested) {
        return switch (this) {
            case NEVER -> false;
            case ALWAYS -> true;
            case OPTIONAL -> Boolean.TRUE.equals(requested);
            case DEFAULT_ON -> !Boolean.FALSE.equals(requested);
        };
    }

    /** The mode of a wire name; IllegalArgumentException naming the allowed ones otherwise. */
    public static ThinkingMode parse(String s) {
        for (ThinkingMode m : values()) {
            if (m.wireName().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("thinking must be never, optional, default-on or always, was '" + s + "'");
    }
}
