package dev.llmworkbench.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What the simulator accepts from a client before it refuses or hangs up, so that it can be left running for
 * other clients (see {@link Simulator}).
 *
 * @param maxBodyBytes  the largest request body read; a larger one gets 413 without being buffered past the limit;
 *                      the bodies buffered at once are at most twice this ({@link #maxBufferedBodyBytes()})
 * @param headerTimeout from the first byte of a request to the end of its headers; past it the connection is
 *                      closed (no handler was given to it yet)
 * @param bodyTimeout   from the end of the headers to the end of the body; past it the client gets 408 and the
 *                      connection is closed (a {@code Content-Length} larger than the body sent ends here)
 * @param maxHandlers   requests handled at once (reading their body, waiting out their latency, streaming);
 *                      one more gets 503 with {@code Retry-After}
 */
public record ServerLimits(long maxBodyBytes, Duration headerTimeout, Duration bodyTimeout, int maxHandlers) {
    /** 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_HANDLERS = 256;

    public ServerLimits {
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the body limit must be 1 to " + (Integer.MAX_VALUE - 16)
                    + " bytes, was " + maxBodyBytes);
        }
        requirePositive(headerTimeout, "header timeout");
        requirePositive(bodyTimeout, "body timeout");
        if (maxHandlers < 1) {
            throw new IllegalArgumentException("the number of handlers must be at least 1, was " + maxHandlers);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the " + name + " must be positive, was " + d.toMillis() + " ms");
        }
    }

    /**
     * The request bodies buffered at once by the requests being handled, twice the body limit (32 MiB by default);
     * one more gets 503 with {@code Retry-After}. A body costs about four times its size while it is parsed and
     * answered, so this keeps the simulator within a 256 MB heap with the default limit.
     */
    public long maxBufferedBodyBytes() {
        return 2 * maxBodyBytes;
    }

    /** 16 MiB bodies, 10 s for the headers and 10 s for the body, 256 handlers. */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_MAX_HANDLERS);
    }

    public ServerLimits withMaxBodyBytes(long n) {
        return new ServerLimits(n, headerTimeout, bodyTimeout, maxHandlers);
    }

    /** The same timeout for the headers and for the body. */
    public ServerLimits withTimeouts(Duration t) {
        return new ServerLimits(maxBodyBytes, t, t, maxHandlers);
    }

    public ServerLimits withHeaderTimeout(Duration t) {
        return new ServerLimits(maxBodyBytes, t, bodyTimeout, maxHandlers);
    }

    public ServerLimits withBodyTimeout(Duration t) {
        return new ServerLimits(maxBodyBytes, headerTimeout, t, maxHandlers);
    }

    public ServerLimits withMaxHandlers(int n) {
        return new ServerLimits(maxBodyBytes, headerTimeout, bodyTimeout, n);
    }
}
