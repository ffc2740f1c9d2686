package dev.llmworkbench.service.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark does, validated: the levels (closed loop: {@code concurrencies}; open loop: {@code rates} with
 * their {@code arrival}, {@code maxConcurrency} and {@code seed}) or a capacity search ({@code findMax}), how many
 * requests per level ({@code requests}) or for how long ({@code durationS}), the warm-up before each level (null:
 * the level's concurrency; for a rate, {@code maxConcurrency} or the rate rounded up), the request (prompt or
 * synthetic input of {@code inputTokens}, output bound {@code maxTokens} or exact {@code outputTokens}) and the
 * SLOs with the goodput a load must reach to count as met; {@code thinking} turns the model's thinking on or off in the
 * provider's dialect (null: the request does not say). Bad combinations are an {@link IllegalArgumentException}
 * with one line for a person.
 */
public record BenchPlan(String model, String prompt, int maxTokens, TokenLength inputTokens, TokenLength outputTokens,
                        List<Integer> concurrencies, List<Double> rates, Arrival arrival, Integer maxConcurrency,
                        long seed, Integer requests, Double durationS, Integer warmup, Double sloTtftMs,
                        Double sloTpotMs, Double sloE2eMs, double goodputMin, FindMax findMax, Boolean thinking) {
    /** What a capacity search varies. */
    public enum FindMax {
        CONCURRENCY, RATE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static FindMax parse(String s) {
            String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "concurrency" -> CONCURRENCY;
                case "rate" -> RATE;
                default -> throw new IllegalArgumentException("--find-max must be concurrency or rate, was '" + s + "'");
            };
        }
    }

    public static final List<Integer> DEFAULT_CONCURRENCIES = List.of(1, 2, 4, 8);
    public static final double DEFAULT_GOODPUT_MIN = 0.95;

    public BenchPlan {
        concurrencies = concurrencies == null ? List.of() : List.copyOf(concurrencies);
        rates = rates == null ? List.of() : List.copyOf(rates);
        arrival = arrival == null ? Arrival.POISSON : arrival;
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1");
        }
        if ((requests == null) == (durationS == null)) {
            throw new IllegalArgumentException("give --requests N or --duration-s S (one of them)");
        }
        if (requests != null && requests < 1) {
            throw new IllegalArgumentException("--requests must be at least 1");
        }
        if (durationS != null && !(durationS > 0 && durationS <= 86_400)) {
            throw new IllegalArgumentException("--duration-s must be above 0 (and at most a day)");
        }
        if (warmup != null && warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more");
        }
        if (!concurrencies.isEmpty() && !rates.isEmpty()) {
            throw new IllegalArgumentException("give --concurrency (closed loop) or --rate (open loop), not both");
        }
        if (concurrencies.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("--concurrency needs levels of at least 1, e.g. 1,2,4,8");
        }
        if (rates.stream().anyMatch(r -> r == null || !(r > 0) || r.isInfinite())) {
            throw new IllegalArgumentException("--rate needs rates above 0 (requests per second), e.g. 5,10,20");
        }
        if (maxConcurrency != null && maxConcurrency < 1) {
            throw new IllegalArgumentException("--max-concurrency must be at least 1");
        }
        boolean openLoop = !rates.isEmpty() || findMax == FindMax.RATE;
        if (maxConcurrency != null && !openLoop) {
            throw new IllegalArgumentException("--max-concurrency caps an open loop: use it with --rate or --find-max rate");
        }
        if (!(goodputMin > 0 && goodputMin <= 1)) {
            throw new IllegalArgumentException("--goodput-min must be above 0 and at most 1, e.g. 0.95");
        }
        for (Double slo : new Double[] {sloTtftMs, sloTpotMs, sloE2eMs}) {
            if (slo != null && !(slo > 0) || slo != null && slo.isInfinite()) {
                throw new IllegalArgumentException("an SLO (--slo-ttft-ms, --slo-tpot-ms, --slo-e2e-ms) must be above 0");
            }
        }
        if (findMax != null) {
            if (sloTtftMs == null && sloTpotMs == null && sloE2eMs == null) {
                throw new IllegalArgumentException("--find-max needs an SLO: --slo-ttft-ms, --slo-tpot-ms or --slo-e2e-ms");
            }
            if (findMax == FindMax.CONCURRENCY && !rates.isEmpty()) {
                throw new IllegalArgumentException("--find-max concurrency searches closed-loop levels: leave --rate out");
            }
            if (findMax == FindMax.RATE && !concurrencies.isEmpty()) {
                throw new IllegalArgumentException("--find-max rate searches open-loop levels: leave --concurrency out");
            }
            if (concurrencies.size() > 1 || rates.size() > 1) {
                throw new IllegalArgumentException("--find-max takes at most one starting level");
            }
        } else if (concurrencies.isEmpty() && rates.isEmpty()) {
            concurrencies = DEFAULT_CONCURRENCIES;
        }
    }

    /** A plan whose requests do not say whether to think (the command line's). */
    public BenchPlan(String model, String prompt, int maxTokens, TokenLength inputTokens, TokenLength outputTokens,
                     List<Integer> concurrencies, List<Double> rates, Arrival arrival, Integer maxConcurrency,
                     long seed, Integer requests, Double durationS, Integer warmup, Double sloTtftMs,
                     Double sloTpotMs, Double sloE2eMs, double goodputMin, FindMax findMax) {
        this(model, prompt, maxTokens, inputTokens, outputTokens, concurrencies, rates, arrival, maxConcurrency, seed,
                requests, durationS, warmup, sloTtftMs, sloTpotMs, sloE2eMs, goodputMin, findMax, null);
    }

    /** True for open-loop levels (rates). */
    public boolean openLoop() {
        return findMax == FindMax.RATE || (findMax == null && !rates.isEmpty());
    }

    /** The warm-up before a closed-loop level of {@code concurrency}. */
    int warmupFor(int concurrency) {
        return warmup != null ? warmup : concurrency;
    }

    /** The warm-up before an open-loop level of {@code rate}, sent closed-loop at {@link #warmupConcurrency}. */
    int warmupForRate(double rate) {
        return warmup != null ? warmup : warmupConcurrency(rate);
    }

    int warmupConcurrency(double rate) {
        return maxConcurrency != null ? maxConcurrency : (int) Math.max(1, Math.min(256, Math.ceil(rate)));
    }

    /** The settings as stored with the run in the history. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("input_tokens", inputTokens == null ? null : inputTokens.toString());
        o.addProperty("output_tokens", outputTokens == null ? null : outputTokens.toString());
        if (openLoop()) {
            JsonArray r = new JsonArray();
            rates.forEach(r::add);
            o.add("rate", r);
            o.addProperty("arrival", arrival.toString());
            o.addProperty("max_concurrency", maxConcurrency);
            o.addProperty("seed", seed);
        } else {
            JsonArray c = new JsonArray();
            concurrencies.forEach(c::add);
            o.add("concurrency", c);
        }
        o.addProperty("requests", requests);
        o.addProperty("duration_s", durationS);
        o.addProperty("warmup", warmup);
        o.addProperty("slo_ttft_ms", sloTtftMs);
        o.addProperty("slo_tpot_ms", sloTpotMs);
        o.addProperty("slo_e2e_ms", sloE2eMs);
        o.addProperty("goodput_min", goodputMin);
        o.addProperty("find_max", findMax == null ? null : findMax.wireName());
        if (thinking != null) {
            o.addProperty("thinking", thinking);
        }
        return o;
    }
}
