package dev.llmworkbench.ui.common;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Numbers typed in the views' text fields, read one way everywhere: surrounding spaces ignored, a blank field is
 * null (left empty), anything else is a number or an {@link IllegalArgumentException} saying in one line what is
 * wrong, in the words the batch input uses for a row's fields: {@code max tokens must be a whole number, was 'many'}.
 * Pure functions.
 */
public final class NumberFields {
    private NumberFields() {
    }

    /** A whole number that fits an {@code int}, or null for a blank field. */
    public static Integer integer(String text, String what) {
        return parse(text, what, "a whole number", Integer::valueOf);
    }

    /** A whole number that fits a {@code long}, or null for a blank field. */
    public static Long whole(String text, String what) {
        return parse(text, what, "a whole number", Long::valueOf);
    }

    /** A finite number ({@code 0.7}, {@code 1e3}), or null for a blank field. */
    public static Double decimal(String text, String what) {
        return parse(text, what, "a number", s -> {
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException(s);
            }
            return d;
        });
    }

    /** An exact decimal (an amount of money, a rate, a price), or null for a blank field. */
    public static BigDecimal amount(String text, String what) {
        return parse(text, what, "a number", BigDecimal::new);
    }

    /** The value of a field that must not be left blank. */
    public static <T> T required(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must be given");
        }
        return value;
    }

    private static <T> T parse(String text, String what, String kind, Function<String, T> parser) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.strip();
        try {
            return parser.apply(s);
        } catch (NumberFormatException e) { // BigDecimal's too
            throw new IllegalArgumentException(what + " must be " + kind + ", was '" + s + "'", e);
        }
    }
}
