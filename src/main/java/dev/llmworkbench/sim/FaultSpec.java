package dev.llmworkbench.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The simulator's latency overrides and injected faults, parsed from a comma-separated list of
 * {@code name=value} pairs:
 *
 * <pre>
 * ttft-ms=200        time to first token in ms (overrides the model's latency profile)
 * tps=80             tokens per second; 0 = no pacing, as fast as possible
 * jitter=0.1         relative jitter of the TTFT and of every token gap (0..1)
 * rate429=0.1        share of requests answered 429 (with Retry-After and Retry-After-Ms)
 * retry-after-ms=300 the delay those 429s ask for (default 1000)
 * rate5xx=0.05       share of requests answered 500
 * drop=0.02          share of streams cut mid-way (connection closed, no finish_reason, no [DONE])
 * stall=0.01         share of streams that go silent mid-way for 5 minutes
 * error-event=0.01   share of streams with a {"error":{...}} event mid-way
 * rpm=600            the server's own requests-per-minute limit (429 when exceeded)
 * tpm=100000         the server's own tokens-per-minute limit (429 when exceeded)
 * key=VALUE          401 unless "Authorization: Bearer VALUE" is sent
 * </pre>
 *
 * An unknown name, a repeated name or a bad value is an {@link IllegalArgumentException}. Unset
 * values fall back to the model's latency profile or to "no fault". The key is never shown by
 * {@link #toString()}.
 */
public final class FaultSpec {
    /** No overrides and no faults. */
    public static final FaultSpec NONE = new FaultSpec(null, null, null, null, null, null, null, null, null, null,
            null, null);

    /** The default delay a simulated 429 asks for. */
    public static final long DEFAULT_RETRY_AFTER_MS = 1000;

    private static final Set<String> NAMES = Set.of("ttft-ms", "tps", "jitter", "rate429", "retry-after-ms",
            "rate5xx", "drop", "stall", "error-event", "rpm", "tpm", "key");

    private final Long ttftMs;
    private final Double tps;
    private final Double jitter;
    private final Double rate429;
    private final Long retryAfterMs;
    private final Double rate5xx;
    private final Double drop;
    private final Double stall;
    private final Double errorEvent;
    private final Long rpm;
    private final Long tpm;
    private final String key;

    private FaultSpec(Long ttftMs, Double tps, Double jitter, Double rate429, Long retryAfterMs, Double rate5xx,
                      Double drop, Double stall, Double errorEvent, Long rpm, Long tpm, String key) {
        this.ttftMs = ttftMs;
        this.tps = tps;
        this.jitter = jitter;
        this.rate429 = rate429;
        this.retryAfterMs = retryAfterMs;
        this.rate5xx = rate5xx;
        this.drop = drop;
        this.stall = stall;
        this.errorEvent = errorEvent;
        this.rpm = rpm;
        this.tpm = tpm;
        this.key = key;
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
        Long ttftMs = null;
        Double tps = null;
        Double jitter = null;
        Double rate429 = null;
        Long retryAfterMs = null;
        Double rate5xx = null;
        Double drop = null;
        Double stall = null;
        Double errorEvent = null;
        Long rpm = null;
        Long tpm = null;
        String key = null;
        Set<String> seen = new LinkedHashSet<>();
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
            if (!seen.add(name)) {
                throw new IllegalArgumentException("fault spec: '" + name + "' is given twice");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("fault spec: '" + name + "' needs a value");
            }
            switch (name) {
                case "ttft-ms" -> ttftMs = nonNegativeLong(name, value);
                case "tps" -> tps = nonNegativeDouble(name, value);
                case "jitter" -> jitter = probability(name, value);
                case "rate429" -> rate429 = probability(name, value);
                case "retry-after-ms" -> retryAfterMs = nonNegativeLong(name, value);
                case "rate5xx" -> rate5xx = probability(name, value);
                case "drop" -> drop = probability(name, value);
                case "stall" -> stall = probability(name, value);
                case "error-event" -> errorEvent = probability(name, value);
                case "rpm" -> rpm = positiveLong(name, value);
                case "tpm" -> tpm = positiveLong(name, value);
                case "key" -> key = value;
                default -> throw new IllegalStateException(name);
            }
        }
        return new FaultSpec(ttftMs, tps, jitter, rate429, retryAfterMs, rate5xx, drop, stall, errorEvent, rpm, tpm,
                key);
    }

    /** This spec with every value that {@code override} sets replaced by the override's. */
    public FaultSpec merge(FaultSpec override) {
        if (override == null || override == NONE) {
            return this;
        }
        return new FaultSpec(or(override.ttftMs, ttftMs), or(override.tps, tps), or(override.jitter, jitter),
                or(override.rate429, rate429), or(override.retryAfterMs, retryAfterMs), or(override.rate5xx, rate5xx),
                or(override.drop, drop), or(override.stall, stall), or(override.errorEvent, errorEvent),
                or(override.rpm, rpm), or(override.tpm, tpm), or(override.key, key));
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    public OptionalLong ttftMs() {
        return ttftMs == null ? OptionalLong.empty() : OptionalLong.of(ttftMs);
    }

    public OptionalDouble tps() {
        return tps == null ? OptionalDouble.empty() : OptionalDouble.of(tps);
    }

    public OptionalDouble jitter() {
        return jitter == null ? OptionalDouble.empty() : OptionalDouble.of(jitter);
    }

    public double rate429() {
        return rate429 == null ? 0 : rate429;
    }

    public long retryAfterMs() {
        return retryAfterMs == null ? DEFAULT_RETRY_AFTER_MS : retryAfterMs;
    }

    public double rate5xx() {
        return rate5xx == null ? 0 : rate5xx;
    }

    public double drop() {
        return drop == null ? 0 : drop;
    }

    public double stall() {
        return stall == null ? 0 : stall;
    }

    public double errorEvent() {
        return errorEvent == null ? 0 : errorEvent;
    }

    /** Requests per minute the server allows; 0 = unlimited. */
    public long rpm() {
        return rpm == null ? 0 : rpm;
    }

    /** Tokens (prompt + completion) per minute the server allows; 0 = unlimited. */
    public long tpm() {
        return tpm == null ? 0 : tpm;
    }

    /** True when a key is required. */
    public boolean requiresKey() {
        return key != null;
    }

    /** True when no key is required or {@code presented} is exactly the required key (constant time). */
    public boolean acceptsKey(String presented) {
        if (key == null) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The spec in its textual form, the key shown as {@code key=***}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",");
        add(j, "ttft-ms", ttftMs);
        add(j, "tps", tps);
        add(j, "jitter", jitter);
        add(j, "rate429", rate429);
        add(j, "retry-after-ms", retryAfterMs);
        add(j, "rate5xx", rate5xx);
        add(j, "drop", drop);
        add(j, "stall", stall);
        add(j, "error-event", errorEvent);
        add(j, "rpm", rpm);
        add(j, "tpm", tpm);
        if (key != null) {
            j.add("key=***");
        }
        return j.toString();
    }

    private static void add(StringJoiner j, String name, Object v) {
        if (v != null) {
            j.add(name + "=" + v);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultSpec f && Objects.equals(ttftMs, f.ttftMs) && Objects.equals(tps, f.tps)
                && Objects.equals(jitter, f.jitter) && Objects.equals(rate429, f.rate429)
                && Objects.equals(retryAfterMs, f.retryAfterMs) && Objects.equals(rate5xx, f.rate5xx)
                && Objects.equals(drop, f.drop) && Objects.equals(stall, f.stall)
                && Objects.equals(errorEvent, f.errorEvent) && Objects.equals(rpm, f.rpm)
                && Objects.equals(tpm, f.tpm) && Objects.equals(key, f.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttftMs, tps, jitter, rate429, retryAfterMs, rate5xx, drop, stall, errorEvent, rpm, tpm,
                key);
    }

    private static String knownNames() {
        return "ttft-ms, tps, jitter, rate429, retry-after-ms, rate5xx, drop, stall, error-event, rpm, tpm, key";
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
