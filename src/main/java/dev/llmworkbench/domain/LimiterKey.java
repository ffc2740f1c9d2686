package dev.llmworkbench.domain;

import java.util.Objects;

/**
 * What the rate limiter keeps one set of buckets for: a provider (its profile's name) and a model. The
 * one way to name a limiter key, so every caller finds the same buckets; {@link #toString()} is how a
 * person reads it ({@code dashscope-intl / qwen3-235b-a22b}).
 */
public record LimiterKey(String provider, String model) {
    /** A missing provider or model (nothing chosen yet) is the empty name. */
    public LimiterKey {
        provider = Objects.requireNonNullElse(provider, "");
        model = Objects.requireNonNullElse(model, "");
    }

    public static LimiterKey of(String provider, String model) {
        return new LimiterKey(provider, model);
    }

    @Override
    public String toString() {
        return provider + " / " + model;
    }
}
