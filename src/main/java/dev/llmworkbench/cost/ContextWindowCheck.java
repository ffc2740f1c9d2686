package dev.llmworkbench.cost;

import dev.llmworkbench.domain.ModelPrice;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses, before sending, a request whose estimated input plus {@code max_tokens} exceeds the model's
 * context window. The native window is used unless the caller says the extended one (e.g. YaRN) is on.
 * A model without a known window passes (nothing to check against), and says so.
 */
public final class ContextWindowCheck {
    private final PriceCatalogue catalogue;

    public ContextWindowCheck(PriceCatalogue catalogue) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    }

    /** The outcome: {@code allowed}, the figures, and a message (the refusal text when not allowed). */
    public record Result(boolean allowed, long needed, long inputTokens, long maxTokens, Integer contextWindow,
                         String message) {
    }

    /** Checks against the native window. */
    public Result check(String provider, String model, long inputTokens, long maxTokens) {
        return check(provider, model, inputTokens, maxTokens, false);
    }

    /**
     * Whether the request fits the model's native window (or the window is unknown): {@link #check}'s answer without
     * its message, for the path every request takes (the message is made only for a refusal).
     */
    public boolean fits(String provider, String model, long inputTokens, long maxTokens) {
        long needed = Math.max(0, inputTokens) + Math.max(0, maxTokens);
        Integer window = catalogue.find(provider, model).map(ModelPrice::contextWindow).orElse(null);
        return window == null || needed <= window;
    }

    /** Checks against the native window, or the extended one when {@code extended} (and the model has one). */
    public Result check(String provider, String model, long inputTokens, long maxTokens, boolean extended) {
        long needed = Math.max(0, inputTokens) + Math.max(0, maxTokens);
        Optional<ModelPrice> entry = catalogue.find(provider, model);
        Integer window = entry.map(p -> extended && p.maxContextWindow() != null ? p.maxContextWindow()
                : p.contextWindow()).orElse(null);
        String name = entry.map(ModelPrice::model).orElse(model);
        if (window == null) {
            return new Result(true, needed, inputTokens, maxTokens, null,
                    "the context window of " + name + " is unknown; not checked");
        }
        String figures = fmt(needed) + " tokens (" + fmt(inputTokens) + " input + " + fmt(maxTokens) + " max_tokens)";
        if (needed > window) {
            return new Result(false, needed, inputTokens, maxTokens, window,
                    "needs " + figures + " but " + name + "'s context window is " + fmt(window));
        }
        return new Result(true, needed, inputTokens, maxTokens, window,
                "needs " + figures + " of " + name + "'s context window of " + fmt(window));
    }

    /** Like {@link #check} but throws {@link ContextWindowExceededException} with the figures when refused. */
    public Result require(String provider, String model, long inputTokens, long maxTokens, boolean extended) {
        Result r = check(provider, model, inputTokens, maxTokens, extended);
        if (!r.allowed()) {
            throw new ContextWindowExceededException(r);
        }
        return r;
    }

    private static String fmt(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    /** The refusal of a request that would not fit the context window. */
    public static final class ContextWindowExceededException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final transient Result result;

        public ContextWindowExceededException(Result result) {
            super(result.message());
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }
}
