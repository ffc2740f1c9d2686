package dev.llmworkbench.domain;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider's rate-limit headers say of its quota, as OpenAI and DashScope send them:
 * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 * {@code x-ratelimit-reset-requests} and the {@code -tokens} ones. The limits are per minute. A field
 * the server did not send (or sent unreadably) is null; {@link #NONE} when it sent none.
 *
 * <p>The reset values come as OpenAI's durations ({@code 1s}, {@code 250ms}, {@code 6m0s},
 * {@code 1h2m3.5s}) or as plain seconds ({@code 0.8}).
 */
public record QuotaHeaders(Long limitRequests, Long remainingRequests, Duration resetRequests,
                           Long limitTokens, Long remainingTokens, Duration resetTokens) {
    public static final QuotaHeaders NONE = new QuotaHeaders(null, null, null, null, null, null);

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    /** Reads the headers (names in lower case, as the client keeps them); {@link #NONE} when absent. */
    public static QuotaHeaders from(Map<String, String> lowerCaseHeaders) {
        if (lowerCaseHeaders == null || lowerCaseHeaders.isEmpty()) {
            return NONE;
        }
        QuotaHeaders q = new QuotaHeaders(count(lowerCaseHeaders.get("x-ratelimit-limit-requests")),
                count(lowerCaseHeaders.get("x-ratelimit-remaining-requests")),
                duration(lowerCaseHeaders.get("x-ratelimit-reset-requests")),
                count(lowerCaseHeaders.get("x-ratelimit-limit-tokens")),
                count(lowerCaseHeaders.get("x-ratelimit-remaining-tokens")),
                duration(lowerCaseHeaders.get("x-ratelimit-reset-tokens")));
        return q.isEmpty() ? NONE : q;
    }

    /** True when no field is known. */
    public boolean isEmpty() {
        return limitRequests == null && remainingRequests == null && resetRequests == null && limitTokens == null
                && remainingTokens == null && resetTokens == null;
    }

    /** A header's whole number (the first of a comma-joined list), or null. */
    static Long count(String v) {
        if (v == null) {
            return null;
        }
        String s = first(v);
        try {
            double d = Double.parseDouble(s);
            return d >= 0 && Double.isFinite(d) ? (long) Math.floor(d) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 1s}, {@code 250ms}, {@code 6m0s}, {@code 1h2m3.5s} or plain seconds; null when unreadable. */
    public static Duration duration(String v) {
        if (v == null) {
            return null;
        }
        String s = first(v).toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return null;
        }
        try {
            double secs = Double.parseDouble(s);
            return secs >= 0 && Double.isFinite(secs) ? Duration.ofNanos(Math.round(secs * 1e9)) : null;
        } catch (NumberFormatException e) {
            // a duration with units
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != at) {
                return null;
            }
            double n = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "h" -> n * 3.6e12;
                case "m" -> n * 6e10;
                case "s" -> n * 1e9;
                default -> n * 1e6;
            };
            at = m.end();
        }
        return at == s.length() && at > 0 ? Duration.ofNanos(Math.round(nanos)) : null;
    }

    private static String first(String v) {
        int comma = v.indexOf(',');
        return (comma >= 0 ? v.substring(0, comma) : v).trim();
    }
}
