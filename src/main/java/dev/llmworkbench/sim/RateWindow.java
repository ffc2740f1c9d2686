package dev.llmworkbench.sim;

/**
 * The server's own requests-per-minute and tokens-per-minute limits over fixed one-minute windows.
 * Rejected requests are not counted.
 */
final class RateWindow {
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private long windowStart = Long.MIN_VALUE;
    private long requests;
    private long tokens;

    /**
     * Counts one request of {@code requestTokens} tokens if both limits allow it.
     *
     * @return -1 when admitted, else the milliseconds until the window resets
     */
    synchronized long tryAcquire(long rpm, long tpm, long requestTokens, long nowNanos) {
        if (rpm <= 0 && tpm <= 0) {
            return -1;
        }
        if (windowStart == Long.MIN_VALUE || nowNanos - windowStart >= WINDOW_NANOS) {
            windowStart = nowNanos;
            requests = 0;
            tokens = 0;
        }
        boolean overRequests = rpm > 0 && requests + 1 > rpm;
        boolean overTokens = tpm > 0 && tokens > 0 && tokens + requestTokens > tpm;
        if (overRequests || overTokens) {
            long remaining = WINDOW_NANOS - (nowNanos - windowStart);
            return Math.max(1, (remaining + 999_999) / 1_000_000);
        }
        requests++;
        tokens += requestTokens;
        return -1;
    }
}
