package dev.llmworkbench.resilience;

import dev.llmworkbench.domain.Priority;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client-side rate limiting per key (provider + model, see {@link #key}): a requests/minute bucket
 * and a tokens/minute bucket, each holding one minute's worth by default ({@link Config#burstMinutes}).
 *
 * <p><b>Waiting.</b> {@link #acquire} never blocks: it returns a future completed with a
 * {@link Permit} when both buckets allow the request. Waiting requests of a key are served one at a
 * time in priority order (CRITICAL, NORMAL, BATCH, FILLER; FIFO within a level); a request that
 * cannot go yet holds back every request behind it, so small requests never starve a large one.
 * <i>Aging:</i> a waiting request moves up one level per {@link Config#agingStep} waited, so a FILLER
 * request waits at most three aging steps before it competes as CRITICAL (then FIFO). The time when
 * the head request can go is computed from the buckets and a wake-up is scheduled on the injected
 * {@link Scheduler}; futures complete on the thread that calls in (acquire, settle, release) or on
 * the scheduler's thread. Cancelling a waiting future removes the request.
 *
 * <p><b>Reservation.</b> A request reserves its estimate (input estimate + {@code max_tokens}); once
 * {@code usage} is known {@link Permit#settle} gives back or charges the difference. A request larger
 * than the tokens bucket waits for a full bucket and then takes it into debt.
 *
 * <p><b>429.</b> {@link #onRateLimited} multiplies the key's effective rate by
 * {@link Config#slowdownFactor} (0.5: halved; never below {@link Config#minRateFraction}); it then
 * recovers by {@link Config#recoveryStep} of the configured rate per {@link Config#recoveryInterval}
 * without a 429, up to the configured rate. A Retry-After pauses every caller of that key until then
 * (other keys are not affected). Bucket capacities scale with the effective rate.
 *
 * <p>Thread-safe: one lock guards all keys; futures are completed outside it.
 */
public final class RateLimiter {

    /**
     * @param defaultTier         tier of keys without {@link #setTier}
     * @param burstMinutes        bucket capacity in minutes' worth of the rate (1.0 = one minute)
     * @param agingStep           a waiting request rises one priority level per this much waiting
     *                            (null or zero: no aging)
     * @param slowdownFactor      the effective rate is multiplied by this on a 429 (0 &lt; f ≤ 1)
     * @param minRateFraction     the effective rate never drops below this share of the configured one
     * @param recoveryStep        share of the configured rate recovered per recovery interval
     * @param recoveryInterval    time without a 429 per recovery step
     * @param refundTokensOnRelease   {@link Permit#release()} gives the reserved tokens back
     * @param refundRequestOnRelease  {@link Permit#release()} gives the request slot back too
     */
    public record Config(RateLimitTier defaultTier, double burstMinutes, Duration agingStep,
                         double slowdownFactor, double minRateFraction, double recoveryStep,
                         Duration recoveryInterval, boolean refundTokensOnRelease,
                         boolean refundRequestOnRelease) {
        public Config {
            Objects.requireNonNull(defaultTier, "defaultTier");
            Objects.requireNonNull(recoveryInterval, "recoveryInterval");
            if (!(burstMinutes > 0)) {
                throw new IllegalArgumentException("burstMinutes must be > 0");
            }
            if (!(slowdownFactor > 0 && slowdownFactor <= 1)) {
                throw new IllegalArgumentException("slowdownFactor must be in (0, 1]");
            }
            if (!(minRateFraction > 0 && minRateFraction <= 1)) {
                throw new IllegalArgumentException("minRateFraction must be in (0, 1]");
            }
            if (!(recoveryStep > 0) || recoveryInterval.isNegative() || recoveryInterval.isZero()) {
                throw new IllegalArgumentException("recovery step and interval must be positive");
            }
        }

        /** MEDIUM tier, one minute burst, aging 10 s, halve on 429 (floor 5%), +10% per 10 s, refund tokens. */
        public static Config defaults() {
            return new Config(RateLimitTier.MEDIUM, 1.0, Duration.ofSeconds(10), 0.5, 0.05, 0.10,
                    Duration.ofSeconds(10), true, false);
        }

        public Config withDefaultTier(RateLimitTier t) {
            return new Config(t, burstMinutes, agingStep, slowdownFactor, minRateFraction, recoveryStep,
                    recoveryInterval, refundTokensOnRelease, refundRequestOnRelease);
        }

        public Config withBurstMinutes(double b) {
            return new Config(defaultTier, b, agingStep, slowdownFactor, minRateFraction, recoveryStep,
                    recoveryInterval, refundTokensOnRelease, refundRequestOnRelease);
        }

        public Config withAgingStep(Duration a) {
            return new Config(defaultTier, burstMinutes, a, slowdownFactor, minRateFraction, recoveryStep,
                    recoveryInterval, refundTokensOnRelease, refundRequestOnRelease);
        }

        public Config withRecovery(double step, Duration interval) {
            return new Config(defaultTier, burstMinutes, agingStep, slowdownFactor, minRateFraction, step,
                    interval, refundTokensOnRelease, refundRequestOnRelease);
        }

        public Config withRefundOnRelease(boolean tokens, boolean request) {
            return new Config(defaultTier, burstMinutes, agingStep, slowdownFactor, minRateFraction,
                    recoveryStep, recoveryInterval, tokens, request);
        }
    }

    /**
     * A key's state for the status bar.
     *
     * @param pausedUntil       end of a Retry-After pause, or null when not paused
     * @param rateFraction      effective / configured rate (1.0 unless slowed down by 429s)
     * @param availableRequests level of the requests bucket (may be negative: debt)
     * @param availableTokens   level of the tokens bucket (may be negative: debt)
     */
    public record State(String key, String tier, int waiting, Instant pausedUntil, double rateFraction,
                        double effectiveRpm, double effectiveTpm, double availableRequests,
                        double availableTokens) {
    }

    private final Object lock = new Object();
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Map<String, KeyState> keys = new HashMap<>();
    private Config config;
    private long seq;

    public RateLimiter(Ticker ticker, Scheduler scheduler, Clock clock, Config config) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The limiter key of a provider and model. */
    public static String key(String provider, String model) {
        return provider + "/" + model;
    }

    /**
     * Asks to send a request of {@code estimatedTokens} (input estimate + max_tokens) under {@code key}.
     * The future completes with a permit when the request may go; cancel it to stop waiting.
     */
    public CompletableFuture<Permit> acquire(String key, Priority priority, long estimatedTokens) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(priority, "priority");
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimated tokens must be ≥ 0: " + estimatedTokens);
        }
        CompletableFuture<Permit> future = new CompletableFuture<>();
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            KeyState ks = state(key, true);
            Waiting w = new Waiting(priority, estimatedTokens, ticker.nanos(), seq++, future);
            future.whenComplete((p, ex) -> {
                if (ex instanceof CancellationException) {
                    cancelled(ks, w);
                }
            });
            ks.waiting.add(w);
            pump(ks, grants);
        }
        complete(grants);
        return future;
    }

    /**
     * The server answered 429 for {@code key}: slow the key down and, if {@code retryAfter} is given,
     * pause every request of that key until then.
     */
    public void onRateLimited(String key, Duration retryAfter) {
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            KeyState ks = state(key, true);
            long now = ticker.nanos();
            recover(ks, now);
            ks.fraction = Math.max(config.minRateFraction(), ks.fraction * config.slowdownFactor());
            ks.lastChange = now;
            applyRate(ks);
            if (retryAfter != null && retryAfter.compareTo(Duration.ZERO) > 0) {
                long until = now + retryAfter.toNanos();
                if (!ks.paused || until - ks.pausedUntil > 0) {
                    ks.pausedUntil = until;
                }
                ks.paused = true;
            }
            pump(ks, grants);
        }
        complete(grants);
    }

    /** The key's state now (a key never used reports its tier with full buckets). */
    public State state(String key) {
        synchronized (lock) {
            KeyState ks = state(key, true);
            long now = ticker.nanos();
            recover(ks, now);
            Instant pausedUntil = null;
            if (ks.paused && ks.pausedUntil - now > 0) {
                pausedUntil = clock.instant().plusNanos(ks.pausedUntil - now);
            }
            return new State(key, ks.tier.name(), ks.waiting.size(), pausedUntil, ks.fraction,
                    ks.tier.requestsPerMinute() * ks.fraction, ks.tier.tokensPerMinute() * ks.fraction,
                    ks.requests.available(), ks.tokens.available());
        }
    }

    /** Sets the tier of one key (takes effect at once; waiting requests are re-timed). */
    public void setTier(String key, RateLimitTier tier) {
        Objects.requireNonNull(tier, "tier");
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            KeyState ks = state(key, false);
            if (ks == null) {
                ks = new KeyState(key, tier);
                keys.put(key, ks);
            }
            ks.tier = tier;
            ks.explicitTier = true;
            applyRate(ks);
            pump(ks, grants);
        }
        complete(grants);
    }

    /** Sets the tier of every key without its own. */
    public void setDefaultTier(RateLimitTier tier) {
        Objects.requireNonNull(tier, "tier");
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            config = config.withDefaultTier(tier);
            for (KeyState ks : keys.values()) {
                if (!ks.explicitTier) {
                    ks.tier = tier;
                    applyRate(ks);
                    pump(ks, grants);
                }
            }
        }
        complete(grants);
    }

    public RateLimitTier tier(String key) {
        synchronized (lock) {
            KeyState ks = keys.get(key);
            return ks == null ? config.defaultTier() : ks.tier;
        }
    }

    // ---- internals (call with lock held unless said otherwise) ----

    private KeyState state(String key, boolean create) {
        KeyState ks = keys.get(key);
        if (ks == null && create) {
            ks = new KeyState(key, config.defaultTier());
            keys.put(key, ks);
        }
        return ks;
    }

    private void applyRate(KeyState ks) {
        double f = ks.fraction;
        double rpm = ks.tier.requestsPerMinute() * f;
        double tpm = ks.tier.tokensPerMinute() * f;
        ks.requests.reconfigure(Math.max(1, Math.round(rpm * config.burstMinutes())), rpm / 60.0);
        ks.tokens.reconfigure(Math.max(1, Math.round(tpm * config.burstMinutes())), tpm / 60.0);
    }

    private void recover(KeyState ks, long now) {
        if (ks.fraction >= 1.0) {
            return;
        }
        long interval = config.recoveryInterval().toNanos();
        long steps = (now - ks.lastChange) / interval;
        if (steps > 0) {
            ks.fraction = Math.min(1.0, ks.fraction + steps * config.recoveryStep());
            ks.lastChange += steps * interval;
            applyRate(ks);
        }
    }

    private int level(Waiting w, long now) {
        Duration aging = config.agingStep();
        int level = w.priority.ordinal();
        if (aging != null && !aging.isZero() && !aging.isNegative()) {
            long steps = (now - w.enqueued) / aging.toNanos();
            level = (int) Math.max(0, level - Math.min(steps, level));
        }
        return level;
    }

    private Waiting head(KeyState ks, long now) {
        Waiting best = null;
        int bestLevel = Integer.MAX_VALUE;
        for (Waiting w : ks.waiting) {
            int l = level(w, now);
            if (l < bestLevel || (l == bestLevel && w.seq < best.seq)) {
                best = w;
                bestLevel = l;
            }
        }
        return best;
    }

    /** Grants what can go now, in order, and schedules a wake-up for the rest. */
    private void pump(KeyState ks, List<Grant> grants) {
        long now = ticker.nanos();
        recover(ks, now);
        while (!ks.waiting.isEmpty()) {
            if (ks.paused) {
                if (ks.pausedUntil - now > 0) {
                    wakeIn(ks, ks.pausedUntil - now);
                    return;
                }
                ks.paused = false;
            }
            Waiting w = head(ks, now);
            long need = Math.min(w.tokens, ks.tokens.capacity());
            long delay = Math.max(ks.requests.nanosUntil(1), ks.tokens.nanosUntil(need));
            if (delay == 0) {
                ks.requests.forceAcquire(1);
                ks.tokens.forceAcquire(w.tokens);
                ks.waiting.remove(w);
                grants.add(new Grant(w, new Permit(ks, w.priority, w.tokens, now - w.enqueued)));
                continue;
            }
            if (ks.fraction < 1.0) {
                long nextStep = ks.lastChange + config.recoveryInterval().toNanos() - now;
                delay = Math.min(delay, Math.max(1, nextStep));
            }
            wakeIn(ks, delay);
            return;
        }
    }

    private void wakeIn(KeyState ks, long delay) {
        long at = ticker.nanos() + delay;
        if (ks.wake != null && at - ks.wakeAt >= 0) {
            return; // an earlier (or equal) wake-up is already scheduled
        }
        if (ks.wake != null) {
            ks.wake.cancel();
        }
        long generation = ++ks.wakeGeneration;
        ks.wakeAt = at;
        ks.wake = scheduler.schedule(() -> woke(ks, generation), delay);
    }

    private void woke(KeyState ks, long generation) {
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            if (ks.wakeGeneration == generation) {
                ks.wake = null;
            }
            pump(ks, grants);
        }
        complete(grants);
    }

    private void cancelled(KeyState ks, Waiting w) {
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            if (ks.waiting.remove(w)) {
                pump(ks, grants);
            }
        }
        complete(grants);
    }

    /** Outside the lock: hands out permits; a permit whose future was cancelled meanwhile is undone. */
    private void complete(List<Grant> grants) {
        for (Grant g : grants) {
            if (!g.waiting.future.complete(g.permit)) {
                g.permit.undo();
            }
        }
    }

    private final class KeyState {
        final String key;
        RateLimitTier tier;
        boolean explicitTier;
        final TokenBucket requests;
        final TokenBucket tokens;
        double fraction = 1.0;
        long lastChange;
        boolean paused;
        long pausedUntil;
        final List<Waiting> waiting = new ArrayList<>();
        Cancellable wake;
        long wakeAt;
        long wakeGeneration;

        KeyState(String key, RateLimitTier tier) {
            this.key = key;
            this.tier = tier;
            this.requests = new TokenBucket(Math.max(1, Math.round(tier.requestsPerMinute() * config.burstMinutes())),
                    tier.requestsPerMinute() / 60.0, ticker);
            this.tokens = new TokenBucket(Math.max(1, Math.round(tier.tokensPerMinute() * config.burstMinutes())),
                    tier.tokensPerMinute() / 60.0, ticker);
        }
    }

    private record Waiting(Priority priority, long tokens, long enqueued, long seq,
                           CompletableFuture<Permit> future) {
    }

    private record Grant(Waiting waiting, Permit permit) {
    }

    /** Leave to send one request. Settle or release it exactly once (later calls do nothing). */
    public final class Permit {
        private final KeyState ks;
        private final Priority priority;
        private final long estimatedTokens;
        private final long queueNanos;
        private final AtomicBoolean done = new AtomicBoolean();

        private Permit(KeyState ks, Priority priority, long estimatedTokens, long queueNanos) {
            this.ks = ks;
            this.priority = priority;
            this.estimatedTokens = estimatedTokens;
            this.queueNanos = queueNanos;
        }

        public String key() {
            return ks.key;
        }

        public Priority priority() {
            return priority;
        }

        public long estimatedTokens() {
            return estimatedTokens;
        }

        /** How long the request waited in the limiter ({@code queue_ms}). */
        public Duration queueTime() {
            return Duration.ofNanos(queueNanos);
        }

        /** The reply's usage is known: gives back (or charges) the difference to the estimate. */
        public void settle(long actualTokens) {
            if (actualTokens < 0) {
                throw new IllegalArgumentException("actual tokens must be ≥ 0: " + actualTokens);
            }
            if (!done.compareAndSet(false, true)) {
                return;
            }
            List<Grant> grants = new ArrayList<>();
            synchronized (lock) {
                long diff = actualTokens - estimatedTokens;
                if (diff > 0) {
                    ks.tokens.forceAcquire(diff);
                } else {
                    ks.tokens.refund(-diff);
                }
                pump(ks, grants);
            }
            complete(grants);
        }

        /** The request failed without consuming anything: gives back what the configuration says. */
        public void release() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            giveBack(config.refundTokensOnRelease(), config.refundRequestOnRelease());
        }

        private void undo() {
            if (done.compareAndSet(false, true)) {
                giveBack(true, true);
            }
        }

        private void giveBack(boolean tokens, boolean request) {
            List<Grant> grants = new ArrayList<>();
            synchronized (lock) {
                if (tokens) {
                    ks.tokens.refund(estimatedTokens);
                }
                if (request) {
                    ks.requests.refund(1);
                }
                pump(ks, grants);
            }
            complete(grants);
        }

        @Override
        public String toString() {
            return "Permit[" + priority.wireName() + ", " + estimatedTokens + " tokens, queued "
                    + queueNanos / 1_000_000 + " ms]";
        }
    }
}
