package dev.llmworkbench.sim;

import java.util.function.LongSupplier;

/**
 * The server's own quota ({@code rpm}/{@code tpm}): two token buckets, one of requests and one of
 * tokens, each refilled continuously at its limit per 60 seconds up to its capacity ({@code burst},
 * {@code burst-tokens}) and full at the first request. A request needs one request and its tokens
 * (prompt + completion); one that does not fit is refused and not counted. A request of more tokens
 * than the token bucket holds is admitted once the bucket is full and leaves it in debt, so that the
 * long-run rate stays the limit.
 *
 * <p>The limits are passed with every request (a request's {@code X-Sim-Faults} may change them); a
 * smaller capacity than before caps the level at once. Time comes from the injected nanosecond clock,
 * so tests drive it by hand.
 */
final class Quota {
    private static final double WINDOW_NANOS = 60e9;
    /** Tolerance for the floating-point levels: a hair below a whole request counts as the request. */
    private static final double EPS = 1e-9;

    /** What the {@code x-ratelimit-*-requests} or {@code -tokens} headers show of one bucket. */
    record State(long limit, long remaining, long resetMs) {
    }

    /**
     * The outcome of one request.
     *
     * @param admitted     true when the request was counted
     * @param retryAfterMs when refused, the milliseconds until the request fits (at least 1); else 0
     * @param byTokens     when refused, true when the token bucket is what it waits for longest
     * @param requests     the request bucket after this request, null without {@code rpm}
     * @param tokens       the token bucket after this request, null without {@code tpm}
     */
    record Decision(boolean admitted, long retryAfterMs, boolean byTokens, State requests, State tokens) {
    }

    private final LongSupplier nanoTime;
    private final Bucket requests = new Bucket();
    private final Bucket tokens = new Bucket();

    Quota(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one request of {@code requestTokens} tokens if both buckets allow it.
     *
     * @param rpm         requests per minute, 0 = no request limit
     * @param burst       the request bucket's capacity (used when {@code rpm > 0})
     * @param tpm         tokens per minute, 0 = no token limit
     * @param burstTokens the token bucket's capacity (used when {@code tpm > 0})
     * @return null when neither limit is set
     */
    synchronized Decision tryAcquire(long rpm, long burst, long tpm, long burstTokens, long requestTokens) {
        if (rpm <= 0 && tpm <= 0) {
            return null;
        }
        long now = nanoTime.getAsLong();
        double waitRequests = 0;
        double waitTokens = 0;
        if (rpm > 0) {
            requests.refill(rpm, burst, now);
            waitRequests = requests.nanosUntil(1, rpm);
        }
        if (tpm > 0) {
            tokens.refill(tpm, burstTokens, now);
            waitTokens = tokens.nanosUntil(Math.min(requestTokens, burstTokens), tpm);
        }
        double wait = Math.max(waitRequests, waitTokens);
        boolean admitted = wait <= 0;
        if (admitted) {
            if (rpm > 0) {
                requests.level -= 1;
            }
            if (tpm > 0) {
                tokens.level -= requestTokens;
            }
        }
        return new Decision(admitted, admitted ? 0 : Math.max(1, ceilMs(wait)), !admitted && waitTokens > waitRequests,
                rpm > 0 ? requests.state(rpm, burst) : null, tpm > 0 ? tokens.state(tpm, burstTokens) : null);
    }

    private static long ceilMs(double nanos) {
        return (long) Math.ceil(nanos / 1e6 - EPS);
    }

    private static final class Bucket {
        private double level;
        private long last;
        private boolean started;

        void refill(long perMinute, long capacity, long now) {
            if (!started) {
                started = true;
                level = capacity;
                last = now;
                return;
            }
            long dt = now - last;
            if (dt > 0) {
                // multiply before dividing: 250 ms at 240/min is exactly 1.0
                level += (double) dt * perMinute / WINDOW_NANOS;
                last = now;
            }
            level = Math.min(level, capacity);
        }

        /** Nanoseconds until the bucket holds {@code need}; 0 when it does now. */
        double nanosUntil(double need, long perMinute) {
            double missing = need - level;
            return missing <= EPS ? 0 : missing * WINDOW_NANOS / perMinute;
        }

        State state(long perMinute, long capacity) {
            long remaining = (long) Math.max(0, Math.floor(level + EPS));
            double toFull = Math.max(0, capacity - level);
            long resetMs = toFull <= EPS ? 0 : ceilMs(toFull * WINDOW_NANOS / perMinute);
            return new State(perMinute, remaining, resetMs);
        }
    }

    /**
     * A duration as OpenAI's headers write it (Go's format at millisecond resolution): {@code 0s},
     * {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3.25s}.
     */
    static String duration(long ms) {
        if (ms <= 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder b = new StringBuilder();
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        long frac = ms % 1000;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            b.append(m).append('m');
        }
        b.append(s);
        if (frac > 0) {
            String f = String.format(java.util.Locale.ROOT, "%03d", frac);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            b.append('.').append(f, 0, end);
        }
        return b.append('s').toString();
    }
}
