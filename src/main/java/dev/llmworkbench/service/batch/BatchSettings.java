package dev.llmworkbench.service.batch;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Priority;
import java.math.BigDecimal;

/**
 * What a batch job remembers besides its input and output, so {@code --resume} carries on the same way.
 * Never a key: only the NAME of the environment variable holding it, or the profile's name.
 *
 * @param model       the command's model (a row's own model wins), or null
 * @param route       pick each row's model by the router when neither row nor command names one
 * @param maxTokens   the default output bound of rows without their own (1024 when null)
 * @param rpm         requests per minute for the run's limiter keys, or null for the limiter's default
 * @param tpm         tokens per minute, or null
 * @param budgetUsd   the run's cap, or null for none
 * @param baseUrl     where to send, or null for the embedded simulator / the profile
 * @param summaryJson where to write the JSON summary, or null
 * @param dialect     the dialect the command named ({@code --dialect}), or null for the profile's (else guessed)
 * @param stream      false when the command asked for whole answers ({@code --no-stream})
 * @param headers     the headers the command added ({@code --header}), in order; a header named like a credential
 *                    ({@link #isSecretHeader}) has a null value: its value is never stored, a resume asks for it again
 */
public record BatchSettings(String model, boolean route, Integer maxTokens, int concurrency, Integer rpm, Long tpm,
                            BigDecimal budgetUsd, Priority priority, String baseUrl, String apiKeyEnv,
                            String profile, String summaryJson, dev.llmworkbench.domain.Dialect dialect,
                            boolean stream, java.util.Map<String, String> headers) {

    /** Settings that stream, with the profile's dialect and no added headers. */
    public BatchSettings(String model, boolean route, Integer maxTokens, int concurrency, Integer rpm, Long tpm,
                         BigDecimal budgetUsd, Priority priority, String baseUrl, String apiKeyEnv, String profile,
                         String summaryJson) {
        this(model, route, maxTokens, concurrency, rpm, tpm, budgetUsd, priority, baseUrl, apiKeyEnv, profile,
                summaryJson, null, true, java.util.Map.of());
    }

    public static final int DEFAULT_MAX_TOKENS = 1024;
    public static final String DEFAULT_MODEL = "qwen3-235b-a22b";

    /** These settings with another budget (null: none), e.g. raised before continuing a run the budget stopped. */
    public BatchSettings withBudgetUsd(BigDecimal budget) {
        return new BatchSettings(model, route, maxTokens, concurrency, rpm, tpm, budget, priority, baseUrl, apiKeyEnv,
                profile, summaryJson, dialect, stream, headers);
    }

    public BatchSettings {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1, was " + maxTokens);
        }
        if (rpm != null && rpm < 1) {
            throw new IllegalArgumentException("rpm must be at least 1, was " + rpm);
        }
        if (tpm != null && tpm < 1) {
            throw new IllegalArgumentException("tpm must be at least 1, was " + tpm);
        }
        if (budgetUsd != null && budgetUsd.signum() < 0) {
            throw new IllegalArgumentException("the budget must not be negative, was " + budgetUsd);
        }
        priority = priority == null ? Priority.BATCH : priority;
        java.util.Map<String, String> kept = new java.util.LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> kept.put(k, isSecretHeader(k) ? null : v));
        }
        headers = java.util.Collections.unmodifiableMap(kept);
    }

    /**
     * Whether a header's value may be a credential, never stored: a name with {@code key}, {@code token},
     * {@code secret}, {@code auth}, {@code password}, {@code cookie} or {@code signature} in it
     * ({@code Authorization}, {@code x-portkey-api-key}, {@code X-Auth-Token}, ...).
     */
    public static boolean isSecretHeader(String name) {
        String n = name == null ? "" : name.toLowerCase(java.util.Locale.ROOT);
        for (String part : new String[] {"key", "token", "secret", "auth", "password", "cookie", "signature"}) {
            if (n.contains(part)) {
                return true;
            }
        }
        return false;
    }

    public int effectiveMaxTokens() {
        return maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        o.addProperty("route", route);
        o.addProperty("max_tokens", maxTokens);
        o.addProperty("concurrency", concurrency);
        o.addProperty("rpm", rpm);
        o.addProperty("tpm", tpm);
        o.addProperty("budget_usd", budgetUsd == null ? null : budgetUsd.toPlainString());
        o.addProperty("priority", priority.wireName());
        o.addProperty("base_url", baseUrl);
        o.addProperty("api_key_env", apiKeyEnv);
        o.addProperty("profile", profile);
        o.addProperty("summary_json", summaryJson);
        o.addProperty("dialect", dialect == null ? null : dialect.wireName());
        o.addProperty("stream", stream);
        // a credential's value is null here already; its name goes in a list of its own (the store strips every
        // field named like a credential from what it keeps, so a resume would not know to ask for it)
        JsonObject h = new JsonObject();
        com.google.gson.JsonArray secret = new com.google.gson.JsonArray();
        headers.forEach((k, v) -> {
            if (v == null) {
                secret.add(k);
            } else {
                h.addProperty(k, v);
            }
        });
        o.add("headers", h);
        o.add("secret_headers", secret);
        return new com.google.gson.GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(o);
    }

    public static BatchSettings fromJson(String json) {
        JsonObject o = BatchRow.GSON.fromJson(json, JsonObject.class);
        return new BatchSettings(str(o, "model"), o.has("route") && o.get("route").getAsBoolean(),
                has(o, "max_tokens") ? o.get("max_tokens").getAsInt() : null,
                has(o, "concurrency") ? o.get("concurrency").getAsInt() : 4,
                has(o, "rpm") ? o.get("rpm").getAsInt() : null, has(o, "tpm") ? o.get("tpm").getAsLong() : null,
                has(o, "budget_usd") ? new BigDecimal(o.get("budget_usd").getAsString()) : null,
                has(o, "priority") ? Priority.parse(o.get("priority").getAsString()) : null,
                str(o, "base_url"), str(o, "api_key_env"), str(o, "profile"), str(o, "summary_json"),
                has(o, "dialect") ? dev.llmworkbench.domain.Dialect.parse(o.get("dialect").getAsString()) : null,
                !has(o, "stream") || o.get("stream").getAsBoolean(), headers(o));
    }

    private static java.util.Map<String, String> headers(JsonObject o) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        if (has(o, "headers") && o.get("headers").isJsonObject()) {
            o.getAsJsonObject("headers").entrySet().forEach(e -> h.put(e.getKey(),
                    e.getValue().isJsonNull() ? null : e.getValue().getAsString()));
        }
        if (has(o, "secret_headers") && o.get("secret_headers").isJsonArray()) {
            o.getAsJsonArray("secret_headers").forEach(e -> h.put(e.getAsString(), null));
        }
        return h;
    }

    private static boolean has(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull();
    }

    private static String str(JsonObject o, String k) {
        return has(o, k) ? o.get(k).getAsString() : null;
    }
}
