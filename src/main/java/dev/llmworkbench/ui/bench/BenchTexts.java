package dev.llmworkbench.ui.bench;

import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.bench.Stats;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the service's figures read in the results table (as the command line's text prints them). */
public final class BenchTexts {
    private BenchTexts() {
    }

    /** A figure with {@code decimals} decimals, or "-" for none. */
    public static String f(Double d, int decimals) {
        return d == null || d.isNaN() || d.isInfinite() ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    /** A share in percent with one decimal, or "-". */
    public static String pct(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }

    /** p50 / p99 in ms with one decimal. */
    public static String p50p99(Stats s) {
        return s == null || s.isEmpty() ? "-" : f(s.p50(), 1) + " / " + f(s.p99(), 1);
    }

    /** Output tokens/s, marked {@code *} when the counts were estimated. */
    public static String tokensPerS(LevelResult l) {
        return f(l.outputTokensPerS(), 1) + ("estimated".equals(l.tokensSource()) ? "*" : "");
    }

    /** The level's load: {@code c=8} or {@code 20/s}. */
    public static String load(LevelResult l) {
        return l.load().label();
    }

    /** Per kind: {@code 3 × server: first message}; empty when none failed. */
    public static String errorsByKind(LevelResult l) {
        return l.errorsByKind().entrySet().stream().map(e -> e.getValue().count() + " × " + e.getKey() + ": "
                + e.getValue().firstMessage()).collect(Collectors.joining("; "));
    }
}
