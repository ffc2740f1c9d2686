package dev.llmworkbench.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket: holds at most {@code capacity} tokens (the burst) and refills continuously at
 * {@code refillPerSecond}, measured on an injected {@link Ticker}. Starts full. All operations are
 * atomic (one lock), so concurrent callers are never granted more than the capacity plus what was
 * refilled. {@link #forceAcquire(long)} may take the level below zero (a debt, e.g. when the real
 * usage turned out larger than the estimate); the debt is paid back by the refill before anything
 * else is granted.
 *
 * <p>A single request for more than {@code capacity} can never be granted by {@link #tryAcquire} or
 * {@link #acquire}; the latter throws {@link IllegalArgumentException} for it.
 */
public final class TokenBucket {

    /** How a blocking {@link #acquire} waits; injectable so tests can advance fake time instead. */
    @FunctionalInterface
    public interface Waiter {
        void await(long nanos) throws InterruptedException;

        /** Parks the thread for real ({@link LockSupport#parkNanos}); honours interrupts. */
        static Waiter parking() {
            return nanos -> {
                LockSupport.parkNanos(nanos);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            };
        }
    }

    private final Ticker ticker;
    private final Waiter waiter;
    private long capacity;
    private double refillPerNano;
    private double tokens;
    private long last;

    public TokenBucket(long capacity, double refillPerSecond, Ticker ticker) {
        this(capacity, refillPerSecond, ticker, Waiter.parking());
    }

    public TokenBucket(long capacity, double refillPerSecond, Ticker ticker, Waiter waiter) {
        check(capacity, refillPerSecond);
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1e9;
        this.tokens = capacity;
        this.last = ticker.nanos();
    }

    private static void check(long capacity, double refillPerSecond) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (!(refillPerSecond >= 0) || Double.isInfinite(refillPerSecond)) {
            throw new IllegalArgumentException("refill per second must be ≥ 0 and finite: " + refillPerSecond);
        }
    }

    private void refill() {
        long now = ticker.nanos();
        long elapsed = now - last;
        if (elapsed > 0) {
            last = now;
            if (tokens < capacity) {
                tokens = Math.min(capacity, tokens + elapsed * refillPerNano);
                // keep the level on whole tokens when rounding left it a hair below one
                double r = Math.rint(tokens);
                if (r != tokens && Math.abs(r - tokens) < 1e-9) {
                    tokens = r;
                }
            }
        }
    }

    /** Takes {@code n} tokens if they are there now. */
    public synchronized boolean tryAcquire(long n) {
        requireNonNegative(n);
        refill();
        if (tokens >= n) {
            tokens -= n;
            return true;
        }
        return false;
    }

    /**
     * Takes {@code n} tokens, waiting up to {@code timeout} for them.
     *
     * @return false when the timeout passed without the tokens (nothing taken)
     * @throws IllegalArgumentException when {@code n} exceeds the capacity (it could never succeed)
     */
    public boolean acquire(long n, Duration timeout) throws InterruptedException {
        requireNonNegative(n);
        long deadline = ticker.nanos() + Math.max(0, timeout.toNanos());
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long wait;
            synchronized (this) {
                if (n > capacity) {
                    throw new IllegalArgumentException(
                            "asked for " + n + " tokens; the bucket holds at most " + capacity);
                }
                refill();
                if (tokens >= n) {
                    tokens -= n;
                    return true;
                }
                long left = deadline - ticker.nanos();
                if (left <= 0) {
                    return false;
                }
                wait = Math.min(left, nanosUntilLocked(n));
            }
            waiter.await(wait);
        }
    }

    /** Takes {@code n} tokens unconditionally; the level may go negative (debt). */
    public synchronized void forceAcquire(long n) {
        requireNonNegative(n);
        refill();
        tokens -= n;
    }

    /** Gives {@code n} tokens back (never above the capacity). */
    public synchronized void refund(long n) {
        requireNonNegative(n);
        refill();
        tokens = Math.min(capacity, tokens + n);
    }

    /** Lowers the level to at most {@code max} (a provider said that is all that is left); never raises it. */
    public synchronized void limitTo(double max) {
        refill();
        tokens = Math.min(tokens, max);
    }

    /** The current level (negative while in debt). */
    public synchronized double available() {
        refill();
        return tokens;
    }

    /**
     * Nanoseconds until {@code n} tokens will be there (0 if they are now), assuming nobody else takes
     * any; {@link Long#MAX_VALUE} if never (more than the capacity, or no refill).
     */
    public synchronized long nanosUntil(long n) {
        requireNonNegative(n);
        refill();
        return nanosUntilLocked(n);
    }

    private long nanosUntilLocked(long n) {
        if (tokens >= n) {
            return 0;
        }
        if (n > capacity || refillPerNano <= 0) {
            return Long.MAX_VALUE;
        }
        double ns = Math.ceil((n - tokens) / refillPerNano);
        return ns >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) ns);
    }

    public synchronized long capacity() {
        return capacity;
    }

    public synchronized double refillPerSecond() {
        return refillPerNano * 1e9;
    }

    /**
     * Changes the capacity and rate from now on (tokens refilled so far are kept at the old rate; the
     * level is cut to the new capacity).
     */
    public synchronized void reconfigure(long newCapacity, double newRefillPerSecond) {
        check(newCapacity, newRefillPerSecond);
        refill();
        capacity = newCapacity;
        refillPerNano = newRefillPerSecond / 1e9;
        tokens = Math.min(tokens, capacity);
    }

    private static void requireNonNegative(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("token count must be ≥ 0: " + n);
        }
    }

    @Override
    public synchronized String toString() {
        return "TokenBucket[" + tokens + "/" + capacity + ", " + refillPerNano * 1e9 + "/s]";
    }
}
