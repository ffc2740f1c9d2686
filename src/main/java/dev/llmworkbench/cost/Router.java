package dev.llmworkbench.cost;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Routes a prompt to a model by its complexity level. Defaults: simple → qwen-turbo, moderate →
 * qwen-plus, complex → qwen3-235b-a22b. Routing down under a budget is the service's decision; it uses
 * {@link Level#down()} and {@link #modelFor(Level)}. Thread-safe.
 */
public final class Router {
    public static final Map<Level, String> DEFAULT_MODELS = Map.of(
            Level.SIMPLE, "qwen-turbo", Level.MODERATE, "qwen-plus", Level.COMPLEX, "qwen3-235b-a22b");

    private final ComplexityScorer scorer;
    private final Map<Level, String> models;

    public Router() {
        this(new ComplexityScorer(), DEFAULT_MODELS);
    }

    /** @param models a model per level; levels left out keep their default model */
    public Router(ComplexityScorer scorer, Map<Level, String> models) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        EnumMap<Level, String> m = new EnumMap<>(DEFAULT_MODELS);
        if (models != null) {
            models.forEach((level, model) -> {
                if (model != null && !model.isBlank()) {
                    m.put(level, model.trim());
                }
            });
        }
        this.models = Map.copyOf(m);
    }

    public String modelFor(Level level) {
        return models.get(level);
    }

    public Map<Level, String> models() {
        return new EnumMap<>(models);
    }

    public ComplexityScorer scorer() {
        return scorer;
    }

    public RouteDecision route(String prompt) {
        ComplexityScore s = scorer.score(prompt);
        ComplexityConfig c = scorer.config();
        String range = switch (s.level()) {
            case SIMPLE -> "below " + num(c.simpleBelow());
            case MODERATE -> "between " + num(c.simpleBelow()) + " and " + num(c.complexFrom());
            case COMPLEX -> "at least " + num(c.complexFrom());
        };
        String reason = String.format(Locale.ROOT,
                "score %s (%d words, %d code blocks, %d technical terms, %d sentences) is %s: %s → %s",
                num(s.score()), s.words(), s.codeBlocks(), s.technicalTerms(), s.sentences(), range,
                s.level().id(), modelFor(s.level()));
        return new RouteDecision(s.score(), s.level(), modelFor(s.level()), reason, s);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
