package dev.llmworkbench.ui.common;

import dev.llmworkbench.domain.ThinkingMode;

/** What the catalogue says of a model's thinking, in the words every view's thinking choice shows. */
public final class ThinkingHints {
    private ThinkingHints() {
    }

    /**
     * The thinking switch's own label: "Thinking" where it is offered; where it is not (a model that never or always
     * thinks), it says which, in words that show on a disabled control too (its tooltip does not: JavaFX shows none
     * on a disabled control).
     */
    public static String switchLabel(boolean offered, boolean thinks) {
        return offered ? "Thinking" : thinks ? "Thinking: always" : "Thinking: never";
    }

    /** The start of a thinking choice's tooltip ("" when the catalogue does not say). */
    public static String modeHint(ThinkingMode mode) {
        if (mode == null) {
            return "";
        }
        return switch (mode) {
            case NEVER -> "This model never thinks: no switch. ";
            case ALWAYS -> "This model always thinks: no switch. ";
            case OPTIONAL -> "Off unless asked. ";
            case DEFAULT_ON -> "On unless turned off. ";
        };
    }
}
