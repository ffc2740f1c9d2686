package dev.llmworkbench.domain;

import java.util.Locale;

/** What kind of work a run recorded ({@code EVAL}: an evaluation grid, its cells batch items of the run). */
public enum RunKind {
    SINGLE, COMPARE, BATCH, BENCHMARK, EVAL;

    /** {@code single}, {@code compare}, {@code batch}, {@code benchmark}, {@code eval}: as stored and printed. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown run kind '" + s + "' (expected single, compare, batch, benchmark or eval)");
        }
    }
}
