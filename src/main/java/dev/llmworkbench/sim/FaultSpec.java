package dev.llmworkbench.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * The simulator's latency overrides and injected faults, parsed from a comma-separated list of
 * {@code name=value} pairs:
 *
 * <pre>
 * ttft-ms=200          time to first token in ms (overrides the model's latency profile)
 * tps=80               tokens per second; 0 = no pacing, as fast as possible
 * jitter=0.1           relative jitter of the TTFT and of every token gap (0..1)
 * rate429=0.1          share of requests answered 429 (with Retry-After and retry-after-ms, never
 *                      x-ratelimit-* headers: a random hiccup, not a quota; not counted by rpm/tpm)
 * retry-after-ms=300   the delay those random 429s ask for (default 1000)
 * rate5xx=0.05         share of requests answered 500
 * drop=0.02            share of streams cut mid-way (connection closed, no finish_reason, no [DONE])
 * stall=0.01           share of streams that go silent mid-way for 5 minutes
 * error-event=0.01     share of streams with a {"error":{...}} event mid-way
 * rpm=600              the server's own quota of requests per minute: a token bucket refilled
 *                      continuously at rpm per 60 s; a request that does not fit gets 429
 *                      (Retry-After, retry-after-ms = time until it fits) and is not counted
 * burst=4              the request bucket's capacity (default: rpm, one minute's worth)
 * tpm=100000           the server's own quota of tokens (prompt + completion) per minute, a token
 *                      bucket like rpm's
 * burst-tokens=20000   the token bucket's capacity (default: tpm)
 * ratelimit-headers=0  1 (default): with rpm or tpm set, every chat completion (200 streamed or
 *                      not, 5xx, and the quota's 429) carries OpenAI's x-ratelimit-limit-,
 *                      -remaining- and -reset-requests (with rpm) and -tokens (with tpm) headers;
 *                      0: none, the quota shows itself by its 429s only
 * cut-once=1           the first stream of every distinct prompt (the request's messages) is cut
 *                      after about half its answer (at least one chunk of text): no finish_reason,
 *                      no [DONE]; later requests with the same messages complete normally.
 *                      Non-streamed requests are not affected.
 * ignore-max-tokens=1  max_tokens (and max_completion_tokens) is ignored, as Qwen3 thinking does:
 *                      the full answer, finish_reason stop, usage counting every token sent
 * max-concurrency=4    the server's own limit on chat completions in flight: a request beyond it
 *                      waits inside the simulator (first come, first served) until one ends, and its
 *                      time to first token starts only then, as a serving engine's queue does
 * key=VALUE            401 unless "Authorization: Bearer VALUE" is sent
 * batch-ms, batch-line-fail, batch-expire, batch-flavor, batch-max-lines: the Batch API's, see BatchApi
 * </pre>
 *
 * Switches ({@code ratelimit-headers}, {@code cut-once}, {@code ignore-max-tokens}) take {@code 0}
 * or {@code 1} ({@code false}/{@code true} are accepted too). An unknown name, a repeated name or a
 * bad value is an {@link IllegalArgumentException}. Unset values fall back to the model's latency
 * profile or to "no fault". The key is never shown by {@link #toString()}.
 */
public final class FaultSpec {
    /** No overrides and no faults. */
    public static final FaultSpec NONE = new FaultSpec(Map.of());

    /** The default delay a simulated 429 asks for. */
    public static final long DEFAULT_RETRY_AFTER_MS = 1000;

    /** Every name, in the order {@link #toString()} lists them. */
    private static final List<String> NAMES = List.of("ttft-ms", "tps", "jitter", "rate429", "retry-after-ms",
            "rate5xx", "drop", "stall", "error-event", "rpm", "burst", "tpm", "burst-tokens", "ratelimit-headers",
            "cut-once", "ignore-max-tokens", "max-concurrency", "key",
            "batch-ms", "batch-line-fail", "batch-expire", "batch-flavor", "batch-max-lines"); // see BatchApi

    /** Name to value (Long, Double, Boolean or, for the key, String); only the names that were given. */
    private final Map<String, Object> values;

    private FaultSpec(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Parses {@code name=value[,name=value...]}; null or blank gives {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the offending entry when a name is unknown or
     *                                  repeated, or a value is missing or out of range
     */
    public static FaultSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String part : spec.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("fault spec: empty entry in '" + redact(spec) + "'");
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("fault spec: '" + redactEntry(entry)
                        + "' is not name=value (known names: " + knownNames() + ")");
            }
            String name = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = entry.substring(eq + 1).strip();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("fault spec: unknown fault name '" + name + "' (known names: "
                        + knownNames() + ")");
            }
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("fault spec: '" + name + "' is given twice");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("fault spec: '" + name + "' needs a value");
            }
            Object v = switch (name) {
                case "ttft-ms", "retry-after-ms" -> nonNegativeLong(name, value);
                case "tps" -> nonNegativeDouble(name, value);
                case "jitter", "rate429", "rate5xx", "drop", "stall", "error-event" -> probability(name, value);
                case "rpm", "tpm", "burst", "burst-tokens", "max-concurrency" -> positiveLong(name, value);
                case "ratelimit-headers", "cut-once", "ignore-max-tokens" -> flag(name, value);
                case "key" -> value;
                case "batch-ms" -> nonNegativeLong(name, value);
                case "batch-max-lines" -> positiveLong(name, value);
                case "batch-line-fail" -> probability(name, value);
                case "batch-expire" -> flag(name, value);
                case "batch-flavor" -> BatchApi.flavor(value);
                default -> throw new IllegalStateException(name);
            };
            values.put(name, v);
        }
        return new FaultSpec(values);
    }

    /** This spec with every value that {@code override} sets replaced by the override's. */
    public FaultSpec merge(FaultSpec override) {
        if (override == null || override == NONE) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(override.values);
        return new FaultSpec(merged);
    }

    /** The value given for {@code name} (Long, Double, Boolean or String), or null: for {@link BatchApi}. */
    Object value(String name) {
        return values.get(name);
    }

    private Long longValue(String name) {
        return (Long) values.get(name);
    }

    private Double doubleValue(String name) {
        return (Double) values.get(name);
    }

    private double share(String name) {
        Double v = doubleValue(name);
        return v == null ? 0 : v;
    }

    private boolean flagValue(String name, boolean unset) {
        Boolean v = (Boolean) values.get(name);
        return v == null ? unset : v;
    }

    public OptionalLong ttftMs() {
        Long v = longValue("ttft-ms");
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    public OptionalDouble tps() {
        Double v = doubleValue("tps");
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public OptionalDouble jitter() {
        Double v = doubleValue("jitter");
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public double rate429() {
        return share("rate429");
    }

    public long retryAfterMs() {
        Long v = longValue("retry-after-ms");
        return v == null ? DEFAULT_RETRY_AFTER_MS : v;
    }

    public double rate5xx() {
        return share("rate5xx");
    }

    public double drop() {
        return share("drop");
    }

    public double stall() {
        return share("stall");
    }

    public double errorEvent() {
        return share("error-event");
    }

    /** Requests per minute the server allows; 0 = unlimited. */
    public long rpm() {
        Long v = longValue("rpm");
        return v == null ? 0 : v;
    }

    /** The capacity of the request bucket: {@code burst}, else {@link #rpm()} (0 when unlimited). */
    public long burst() {
        Long v = longValue("burst");
        return rpm() == 0 ? 0 : v == null ? rpm() : v;
    }

    /** Tokens (prompt + completion) per minute the server allows; 0 = unlimited. */
    public long tpm() {
        Long v = longValue("tpm");
        return v == null ? 0 : v;
    }

    /** The capacity of the token bucket: {@code burst-tokens}, else {@link #tpm()} (0 when unlimited). */
    public long burstTokens() {
        Long v = longValue("burst-tokens");
        return tpm() == 0 ? 0 : v == null ? tpm() : v;
    }

    /** True (the default) when a quota ({@code rpm}/{@code tpm}) sends OpenAI's {@code x-ratelimit-*} headers. */
    public boolean rateLimitHeaders() {
        return flagValue("ratelimit-headers", true);
    }

    /** True when the first stream of every distinct prompt is cut mid-way. */
    public boolean cutOnce() {
        return flagValue("cut-once", false);
    }

    /** True when {@code max_tokens} is ignored. */
    public boolean ignoreMaxTokens() {
        return flagValue("ignore-max-tokens", false);
    }

    /** Chat completions the server handles at once (the rest wait in its queue); 0 = no limit. */
    public long maxConcurrency() {
        Long v = longValue("max-concurrency");
        return v == null ? 0 : v;
    }

    /** True when a key is required. */
    public boolean requiresKey() {
        return values.containsKey("key");
    }

    /** True when no key is required or {@code presented} is exactly the required key (constant time). */
    public boolean acceptsKey(String presented) {
        String key = (String) values.get("key");
        if (key == null) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The spec in its textual form (switches as 0 or 1), the key shown as {@code key=***}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",");
        for (String name : NAMES) {
            Object v = values.get(name);
            if (v == null) {
                continue;
            }
            if (name.equals("key")) {
                j.add("key=***");
            } else if (v instanceof Boolean b) {
                j.add(name + "=" + (b ? 1 : 0));
            } else {
                j.add(name + "=" + v);
            }
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultSpec f && values.equals(f.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    private static String knownNames() {
        return String.join(", ", NAMES);
    }

    private static String redactEntry(String entry) {
        return entry.toLowerCase(Locale.ROOT).startsWith("key") ? "key..." : entry;
    }

    private static String redact(String spec) {
        return spec.replaceAll("(?i)(key\\s*=)[^,]*", "$1***");
    }

    private static long nonNegativeLong(String name, String value) {
        long v = parseLong(name, value);
        if (v < 0) {
            throw new IllegalArgumentException("fault spec: '" + name + "' must be >= 0, was " + value);
        }
        return v;
    }

    private static long positiveLong(String name, String value) {
        long v = parseLong(name, value);
        if (v < 1) {
            throw new IllegalArgumentException("fault spec: '" + name + "' must be >= 1, was " + value);
        }
        return v;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault spec: '" + name + "' needs a whole number, was '" + value + "'");
        }
    }

    private static double nonNegativeDouble(String name, String value) {
        double v = parseDouble(name, value);
        if (v < 0) {
            throw new IllegalArgumentException("fault spec: '" + name + "' must be >= 0, was " + value);
        }
        return v;
    }

    private static double probability(String name, String value) {
        double v = parseDouble(name, value);
        if (v < 0 || v > 1) {
            throw new IllegalArgumentException("fault spec: '" + name + "' must be between 0 and 1, was " + value);
        }
        return v;
    }

    private static boolean flag(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new IllegalArgumentException("fault spec: '" + name + "' must be 0 or 1, was '" + value
                    + "'");
        };
    }

    private static double parseDouble(String name, String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault spec: '" + name + "' needs a number, was '" + value + "'");
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("fault spec: '" + name + "' needs a finite number, was '" + value + "'");
        }
        return v;
    }
}
