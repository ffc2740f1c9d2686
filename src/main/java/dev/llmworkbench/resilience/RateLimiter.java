package dev.llmworkbench.resilience;

import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.QuotaHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client-side rate limiting per key ({@link LimiterKey}: provider + model): a requests/minute bucket
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
 * <p><b>What the provider says.</b> Every reply is reported with {@link #onResponse}. A 429 on its own is
 * a hiccup: its Retry-After is honoured by the retry of that request alone (see {@code RetryPolicy}),
 * and nothing else slows down. The rate is lowered only on evidence of a quota:
 * <ul>
 *   <li>the provider's rate-limit headers ({@link QuotaHeaders}): the effective rate becomes the
 *       lower of the tier's and the header's limit per minute, never less; the bucket's burst becomes
 *       the largest {@code remaining} seen + 1; the level is cut to what the provider says remains;
 *       and {@code remaining: 0} pauses the key until the header's reset (a reset no longer than
 *       refilling that whole burst at that rate is a token bucket's "until full": the pause then lasts
 *       one request's worth, and the bucket paces the rest);</li>
 *   <li>without headers, 429s that keep coming at the current rate: when at least
 *       {@link #EVIDENCE_MIN_429} of the last {@link #EVIDENCE_SAMPLES} replies (within
 *       {@link #EVIDENCE_WINDOW}) were 429s and they are at least {@link #EVIDENCE_SHARE} of them, the
 *       rate is multiplied by {@link Config#slowdownFactor} (never below {@link Config#minRateFraction}),
 *       at most once per {@link Config#recoveryInterval}; the evidence is then counted afresh at the new
 *       rate. It recovers additively by {@link Config#recoveryStep} of the configured rate per
 *       {@link Config#recoveryInterval} without that evidence, up to the configured rate.</li>
 * </ul>
 * The tier's limits stay the ceiling. Other keys are never affected. Bucket capacities scale with the
 * effective rate.
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

        /**
         * MEDIUM tier, one minute burst, aging 10 s, halve on evidence of a quota (floor 5%), +25% of
         * the configured rate per second without a decrease (back to full within 4 s), refund tokens.
         */
        public static Config defaults() {
            return new Config(RateLimitTier.MEDIUM, 1.0, Duration.ofSeconds(10), 0.5, 0.05, 0.25,
                    Duration.ofSeconds(1), true, false);
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

    /** Replies that count as evidence of a quota: at most this many of the newest... */
    public static final int EVIDENCE_SAMPLES = 20;
    /** ... within this long ... */
    public static final Duration EVIDENCE_WINDOW = Duration.ofSeconds(10);
    /** ... of which at least this many 429s ... */
    public static final int EVIDENCE_MIN_429 = 4;
    /** ... making at least this share of them. */
    public static final double EVIDENCE_SHARE = 0.6;

    /**
     * A key's state for the status bar, the batch panel, progress lines and summaries.
     *
     * @param pausedUntil       end of a pause the provider asked for ({@code remaining: 0} until a
     *                          reset), or null when not paused
     * @param rateFraction      effective / configured rate without headers (1.0 unless slowed down by
     *                          repeated 429s)
     * @param availableRequests level of the requests bucket (may be negative: debt)
     * @param availableTokens   level of the tokens bucket (may be negative: debt)
     * @param providerRpm       the provider's requests per minute from its headers, or null
     * @param providerTpm       the provider's tokens per minute from its headers, or null
     * @param remainingRequests what the provider's newest headers say remains, or null
     * @param remainingTokens   likewise for tokens, or null
     * @param resetsIn          time until the provider's window resets (newest headers), or null
     * @param rateLimited       429s seen for this key
     * @param decreases         times the rate was lowered on evidence of a quota
     * @param pauses            times the provider's {@code remaining: 0} paused the key
     */
    public record State(LimiterKey key, String tier, int waiting, Instant pausedUntil, double rateFraction,
                        double effectiveRpm, double effectiveTpm, double availableRequests,
                        double availableTokens, Long providerRpm, Long providerTpm, Long remainingRequests,
                        Long remainingTokens, Duration resetsIn, long rateLimited, long decreases, long pauses) {

        /** How much this key holds its callers back: paused 4, limited 2, requests waiting 1, added up. */
        public int severity() {
            return (pausedUntil != null ? 4 : 0) + (limited() ? 2 : 0) + (waiting > 0 ? 1 : 0);
        }

        /** True when the provider's headers or repeated 429s are holding the rate down. */
        public boolean limited() {
            return pausedUntil != null || providerBinds() || rateFraction < 1.0;
        }

        /** The provider's quota is what paces this key (not above the tier's own rate). */
        private boolean providerBinds() {
            return (providerRpm != null && providerRpm <= effectiveRpm)
                    || (providerTpm != null && providerTpm <= effectiveTpm);
        }

        /**
         * One line: {@code limited by provider: 240/min, remaining 0, resets in 0.8 s},
         * {@code slowed by repeated 429s: 50/min of 100/min}, {@code waiting: 3 queued (100/min)} or
         * {@code ready (100/min)}.
         */
        public String describe() {
            String rate = perMinute(effectiveRpm) + "/min";
            if (providerRpm != null || providerTpm != null || pausedUntil != null) {
                StringBuilder sb = new StringBuilder(pausedUntil != null || providerBinds() ? "limited by provider: "
                        : "provider quota (not reached): ");
                sb.append(providerRpm != null ? providerRpm + "/min" : rate);
                if (providerTpm != null) {
                    sb.append(", ").append(providerTpm).append(" tokens/min");
                }
                if (remainingRequests != null) {
                    sb.append(", remaining ").append(remainingRequests);
                } else if (remainingTokens != null) {
                    sb.append(", remaining ").append(remainingTokens).append(" tokens");
                }
                if (resetsIn != null && !resetsIn.isZero()) {
                    sb.append(", resets in ").append(String.format(Locale.ROOT, "%.1f s", resetsIn.toNanos() / 1e9));
                }
                if (waiting > 0) {
                    sb.append(", ").append(waiting).append(" waiting");
                }
                return sb.toString();
            }
            if (rateFraction < 1.0) {
                return "slowed by repeated 429s: " + rate + " of " + perMinute(effectiveRpm / rateFraction) + "/min"
                        + (waiting > 0 ? ", " + waiting + " waiting" : "");
            }
            if (waiting > 0) {
                return "waiting: " + waiting + " queued (" + rate + ")";
            }
            return "ready (" + rate + ")";
        }

        private static String perMinute(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
        }
    }

    private final Object lock = new Object();
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Map<LimiterKey, KeyState> keys = new HashMap<>();
    private Config config;
    private long seq;

    public RateLimiter(Ticker ticker, Scheduler scheduler, Clock clock, Config config) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The limiter key of a provider and model. */
    public static LimiterKey key(String provider, String model) {
        return LimiterKey.of(provider, model);
    }

    /**
     * Asks to send a request of {@code estimatedTokens} (input estimate + max_tokens) under {@code key}.
     * The future completes with a permit when the request may go; cancel it to stop waiting.
     */
    public CompletableFuture<Permit> acquire(LimiterKey key, Priority priority, long estimatedTokens) {
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
     * A reply for {@code key} arrived: {@code rateLimited} when it was a 429, {@code quota} what its
     * rate-limit headers say ({@link QuotaHeaders#NONE} when none). See the class comment for what
     * changes: a lone 429 changes nothing here (its Retry-After is the retry's business).
     */
    public void onResponse(LimiterKey key, boolean rateLimited, QuotaHeaders quota) {
        List<Grant> grants = new ArrayList<>();
        synchronized (lock) {
            KeyState ks = state(key, true);
            long now = ticker.nanos();
            recover(ks, now);
            if (rateLimited) {
                ks.rateLimited++;
            }
            boolean headers = quota != null && !quota.isEmpty();
            if (headers) {
                followHeaders(ks, quota, now);
            } else {
                weighEvidence(ks, rateLimited, now);
            }
            pump(ks, grants);
        }
        complete(grants);
    }

    private void followHeaders(KeyState ks, QuotaHeaders q, long now) {
        boolean changed = false;
        if (q.limitRequests() != null && q.limitRequests() > 0 && !q.limitRequests().equals(ks.providerRpm)) {
            ks.providerRpm = q.limitRequests();
            changed = true;
        }
        if (q.limitTokens() != null && q.limitTokens() > 0 && !q.limitTokens().equals(ks.providerTpm)) {
            ks.providerTpm = q.limitTokens();
            changed = true;
        }
        if (q.remainingRequests() != null && q.remainingRequests() + 1 > ks.burstRequests) {
            ks.burstRequests = q.remainingRequests() + 1;
            changed = true;
        }
        if (q.remainingTokens() != null && q.remainingTokens() > ks.burstTokens) {
            ks.burstTokens = q.remainingTokens();
            changed = true;
        }
        if (changed) {
            applyRate(ks);
        }
        ks.remainingRequests = q.remainingRequests();
        ks.remainingTokens = q.remainingTokens();
        Duration reset = q.resetRequests();
        if (q.resetTokens() != null && (reset == null || q.resetTokens().compareTo(reset) > 0)) {
            reset = q.resetTokens();
        }
        ks.resetAt = reset == null ? null : now + reset.toNanos();
        if (q.remainingRequests() != null) {
            ks.requests.limitTo(q.remainingRequests());
        }
        if (q.remainingTokens() != null) {
            ks.tokens.limitTo(q.remainingTokens());
        }
        long pauseNanos = 0;
        if (q.remainingRequests() != null && q.remainingRequests() == 0) {
            long oneRequest = ks.providerRpm != null ? 60_000_000_000L / ks.providerRpm : 1_000_000_000L;
            pauseNanos = q.resetRequests() != null ? q.resetRequests().toNanos() : oneRequest;
            if (ks.providerRpm != null && ks.burstRequests > 0 && pauseNanos > oneRequest
                    && pauseNanos <= oneRequest * ks.burstRequests * 21 / 20) {
                // a reset no longer than refilling the whole burst at the quota's rate is a token bucket's
                // "until full": one request's worth is back sooner, and the bucket paces the rest
                pauseNanos = oneRequest;
            }
        }
        if (q.remainingTokens() != null && q.remainingTokens() == 0) {
            pauseNanos = Math.max(pauseNanos, q.resetTokens() != null ? q.resetTokens().toNanos() : 1_000_000_000L);
        }
        if (pauseNanos > 0) {
            long until = now + pauseNanos;
            if (!ks.paused || until - ks.pausedUntil > 0) {
                if (!ks.paused) {
                    ks.pauses++;
                }
                ks.pausedUntil = until;
            }
            ks.paused = true;
        }
    }

    private void weighEvidence(KeyState ks, boolean rateLimited, long now) {
        ks.samples.addLast(new long[] {now, rateLimited ? 1 : 0});
        while (ks.samples.size() > EVIDENCE_SAMPLES
                || (!ks.samples.isEmpty() && now - ks.samples.peekFirst()[0] > EVIDENCE_WINDOW.toNanos())) {
            ks.samples.removeFirst();
        }
        if (!rateLimited) {
            return;
        }
        int n429 = 0;
        for (long[] sample : ks.samples) {
            n429 += (int) sample[1];
        }
        boolean evidence = n429 >= EVIDENCE_MIN_429 && n429 >= EVIDENCE_SHARE * ks.samples.size();
        boolean cooled = ks.decreases == 0 || now - ks.lastDecrease >= config.recoveryInterval().toNanos();
        if (evidence && !cooled && ks.fraction < 1.0) {
            ks.lastChange = now; // 429s keep coming: no recovery step is earned meanwhile
        }
        if (evidence && cooled && ks.fraction > config.minRateFraction()) {
            ks.fraction = Math.max(config.minRateFraction(), ks.fraction * config.slowdownFactor());
            ks.lastChange = now;
            ks.lastDecrease = now;
            ks.decreases++;
            ks.samples.clear();
            applyRate(ks);
        }
    }

    /** The key's state now (a key never used reports its tier with full buckets). */
    public State state(LimiterKey key) {
        synchronized (lock) {
            KeyState ks = state(key, true);
            long now = ticker.nanos();
            recover(ks, now);
            Instant pausedUntil = null;
            if (ks.paused && ks.pausedUntil - now > 0) {
                pausedUntil = clock.instant().plusNanos(ks.pausedUntil - now);
            }
            Duration resetsIn = ks.resetAt == null || ks.resetAt - now <= 0 ? null
                    : Duration.ofNanos(ks.resetAt - now);
            Long remaining = ks.remainingRequests;
            if (remaining != null && resetsIn == null && ks.resetAt != null) {
                remaining = null; // the provider's window has reset since it said so
            }
            return new State(key, ks.tier.name(), ks.waiting.size(), pausedUntil, ks.fraction, rpm(ks), tpm(ks),
                    ks.requests.available(), ks.tokens.available(), ks.providerRpm, ks.providerTpm, remaining,
                    ks.remainingTokens, resetsIn, ks.rateLimited, ks.decreases, ks.pauses);
        }
    }

    /** The state of the key that holds its callers back most (see {@link State#severity()}), or null when none does. */
    public State mostLimited() {
        List<LimiterKey> names;
        synchronized (lock) {
            names = new ArrayList<>(keys.keySet());
        }
        State best = null;
        for (LimiterKey k : names) {
            State st = state(k);
            if (st.severity() > 0 && (best == null || st.severity() > best.severity())) {
                best = st;
            }
        }
        return best;
    }

    /** Sets the tier of one key (takes effect at once; waiting requests are re-timed). */
    public void setTier(LimiterKey key, RateLimitTier tier) {
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

    public RateLimitTier tier(LimiterKey key) {
        synchronized (lock) {
            KeyState ks = keys.get(key);
            return ks == null ? config.defaultTier() : ks.tier;
        }
    }

    // ---- internals (call with lock held unless said otherwise) ----

    private KeyState state(LimiterKey key, boolean create) {
        KeyState ks = keys.get(key);
        if (ks == null && create) {
            ks = new KeyState(key, config.defaultTier());
            keys.put(key, ks);
        }
        return ks;
    }

    /** Requests per minute now: the provider's limit when its headers gave one (tier as ceiling), else the tier's × fraction. */
    private static double rpm(KeyState ks) {
        return ks.providerRpm != null ? Math.min(ks.tier.requestsPerMinute(), ks.providerRpm)
                : ks.tier.requestsPerMinute() * ks.fraction;
    }

    private static double tpm(KeyState ks) {
        return ks.providerTpm != null ? Math.min(ks.tier.tokensPerMinute(), ks.providerTpm)
                : ks.tier.tokensPerMinute() * ks.fraction;
    }

    private void applyRate(KeyState ks) {
        double rpm = rpm(ks);
        double tpm = tpm(ks);
        long requestCap = Math.max(1, Math.round(rpm * config.burstMinutes()));
        if (ks.burstRequests > 0) {
            requestCap = Math.min(requestCap, ks.burstRequests);
        }
        long tokenCap = Math.max(1, Math.round(tpm * config.burstMinutes()));
        if (ks.burstTokens > 0) {
            tokenCap = Math.min(tokenCap, ks.burstTokens);
        }
        ks.requests.reconfigure(requestCap, rpm / 60.0);
        ks.tokens.reconfigure(tokenCap, tpm / 60.0);
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
        final LimiterKey key;
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
        Long providerRpm;
        Long providerTpm;
        long burstRequests;
        long burstTokens;
        Long remainingRequests;
        Long remainingTokens;
        Long resetAt;
        long rateLimited;
        long decreases;
        long lastDecrease;
        long pauses;
        final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

        KeyState(LimiterKey key, RateLimitTier tier) {
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

        public LimiterKey key() {
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
