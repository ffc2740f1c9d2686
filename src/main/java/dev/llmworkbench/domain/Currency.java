package dev.llmworkbench.domain;

import java.util.Locale;

/** The currencies prices are kept and shown in. */
public enum Currency {
    USD("$"), CNY("¥");

    private final String symbol;

    Currency(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public static Currency parse(String s) {
        try {
            return Currency.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown currency '" + s + "' (expected USD or CNY)");
        }
    }
}
