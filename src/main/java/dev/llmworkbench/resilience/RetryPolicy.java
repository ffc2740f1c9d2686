package dev.llmworkbench.resilience;

import dev.llmworkbench.domain.ApiError;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed request again, and after how long.
 *
 * <p><b>What is retried:</b> 429 / RATE_LIMITED, 5xx / SERVER, NETWORK errors (refused, reset, a stream
 * cut before its {@code finish_reason}) and 408 / TIMEOUT (first-byte and idle timeouts); after part of an
 * answer was shown only with {@code retryAfterPartialOutput} (a batch, whose partial text is kept apart).
 * Never BAD_REQUEST,
 * AUTH, NOT_FOUND, CANCELLED, MALFORMED, nor HTTP 400, 401, 403, 404 whatever the kind; never an
 * error the client marked {@code retryable == false} (e.g. a 429 that means "quota exhausted"); never
 * after part of an answer was shown unless {@code retryAfterPartialOutput}; never once
 * {@code maxAttempts} attempts were made.
 *
 * <p><b>How long:</b> full jitter: {@code random() × min(cap, base × 2^(attempt−1))}. When the server
 * sent Retry-After (or Retry-After-Ms, which wins, in {@link ApiError#retryAfter()}), the wait is what it
 * asked plus {@code random() × min(retryAfter / 5, 1 s)}: never earlier, and not much later (a provider
 * that says "retry in 300 ms" is not made to wait seconds of backoff). If the server asks for more
 * than {@code maxRetryAfter}, the request is NOT retried (waiting that long is not worth it, and
 * retrying earlier would only earn another 429); the reason says so.
 *
 * @param maxAttempts             total attempts including the first (1 = never retry)
 * @param base                    backoff of the first retry before jitter
 * @param cap                     the backoff never exceeds this before jitter
 * @param maxRetryAfter           the longest server-requested wait that is honoured
 * @param retryAfterPartialOutput retry even when part of an answer was already shown
 * @param random                  uniform numbers in [0, 1) (inject a fixed one in tests)
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap, Duration maxRetryAfter,
                          boolean retryAfterPartialOutput, DoubleSupplier random) {

    /** The outcome for one failed attempt; {@code delay} is zero when not retrying. */
    public record Decision(boolean retry, Duration delay, String reason) {
        public long waitMillis() {
            return delay.toMillis();
        }
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be ≥ 1: " + maxAttempts);
        }
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(random, "random");
        if (base.isNegative() || cap.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("durations must be ≥ 0");
        }
    }

    /** This policy, retrying even when part of an answer was already shown (itself when it does already). */
    public RetryPolicy retryingAfterPartialOutput() {
        return retryAfterPartialOutput ? this
                : new RetryPolicy(maxAttempts, base, cap, maxRetryAfter, true, random);
    }

    /**
     * 8 attempts, base 500 ms, cap 30 s, Retry-After honoured up to 60 s, no retry after output. Eight
     * attempts: a provider answering a quarter of all requests with a random 429 fails a row only with
     * probability 0.25^8 (1.5e-5), where four attempts lost one row in 256.
     */
    public static RetryPolicy defaults(DoubleSupplier random) {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60),
                false, random);
    }

    /**
     * @param attemptNumber the attempt that just failed, from 1
     * @param error         how it failed
     * @param outputShown   whether part of the answer had already been shown
     */
    public Decision decide(int attemptNumber, ApiError error, boolean outputShown) {
        Objects.requireNonNull(error, "error");
        if (attemptNumber < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attemptNumber);
        }
        String what = describe(error);
        Integer status = error.status();
        if (status != null && (status == 400 || status == 401 || status == 403 || status == 404)) {
            return no(what + ": not retried (the same request would fail again)");
        }
        switch (error.kind()) {
            case BAD_REQUEST, AUTH, NOT_FOUND, MALFORMED:
                return no(what + ": not retried (the same request would fail again)");
            case CANCELLED:
                return no(what + ": cancelled, not retried");
            default:
                break;
        }
        boolean timeout = error.kind() == ApiError.Kind.TIMEOUT || (status != null && status == 408);
        boolean retryableKind = timeout || error.kind() == ApiError.Kind.RATE_LIMITED
                || error.kind() == ApiError.Kind.SERVER || error.kind() == ApiError.Kind.NETWORK
                || (status != null && (status == 429 || status >= 500));
        if (!retryableKind) {
            return no(what + ": not retried");
        }
        if (!error.retryable()) {
            return no(what + ": not retried (marked not retryable)");
        }
        if (outputShown && timeout && !retryAfterPartialOutput) {
            return no(what + ": not retried (the timeout came after output was shown)");
        }
        if (outputShown && !retryAfterPartialOutput) {
            return no(what + ": not retried (part of the answer was already shown)");
        }
        if (attemptNumber >= maxAttempts) {
            return no(what + ": giving up after " + attemptNumber + " attempt" + (attemptNumber == 1 ? "" : "s"));
        }
        Duration retryAfter = error.retryAfter();
        if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
            return no(what + ": the server asked to wait " + seconds(retryAfter) + ", more than the "
                    + seconds(maxRetryAfter) + " allowed; not retried");
        }
        Duration wait;
        String why;
        if (retryAfter != null) {
            // the server said when: then, spread by up to a fifth of it (at most 1 s) so retries do not bunch
            long spread = Math.min(retryAfter.toNanos() / 5, 1_000_000_000L);
            wait = retryAfter.plusNanos((long) (unit() * spread));
            why = "as the server asked (Retry-After " + seconds(retryAfter) + ")";
        } else {
            wait = jitter(attemptNumber);
            why = "backoff";
        }
        return new Decision(true, wait, what + ": retry " + attemptNumber + " of " + (maxAttempts - 1)
                + " in " + seconds(wait) + ", " + why);
    }

    /** The full-jitter backoff after attempt {@code attemptNumber}: uniform in [0, min(cap, base·2^(n−1))]. */
    public Duration jitter(int attemptNumber) {
        int shift = Math.min(Math.max(attemptNumber - 1, 0), 62);
        long baseNanos = base.toNanos();
        long ceiling = shift >= 62 || baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
        ceiling = Math.min(ceiling, cap.toNanos());
        return Duration.ofNanos((long) (unit() * ceiling));
    }

    private double unit() {
        double r = random.getAsDouble();
        return r >= 0 ? Math.min(r, 1.0) : 0;
    }

    private static Decision no(String reason) {
        return new Decision(false, Duration.ZERO, reason);
    }

    private static String describe(ApiError e) {
        return e.status() != null ? e.kind().wireName() + " (HTTP " + e.status() + ")" : e.kind().wireName();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
    }
}
