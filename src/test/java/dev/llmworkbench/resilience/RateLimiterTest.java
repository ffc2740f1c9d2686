package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.QuotaHeaders;
import dev.llmworkbench.resilience.RateLimiter.Permit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** 1 request per second, 100 tokens per second; bursts of 60 requests and 6,000 tokens. */
    private static final RateLimitTier TIER = new RateLimitTier("test", 60, 6_000);
    private static final LimiterKey KEY = RateLimiter.key("dashscope", "qwen3-32b");
    private static final LimiterKey OTHER = RateLimiter.key("dashscope", "qwen-plus");

    private final FakeTime time = new FakeTime();
    private RateLimiter limiter = limiter(RateLimiter.Config.defaults().withDefaultTier(TIER));

    private RateLimiter limiter(RateLimiter.Config config) {
        return new RateLimiter(time, time, time.clock(), config);
    }

    private void drainRequests(LimiterKey key) {
        for (int i = 0; i < 60; i++) {
            assertThat(limiter.acquire(key, Priority.NORMAL, 0)).isCompleted();
        }
    }

    @Test
    void defaultTiersAreTheDocumentedOnes() {
        assertThat(RateLimitTier.defaults()).containsExactly(
                new RateLimitTier("high", 300, 500_000),
                new RateLimitTier("medium", 100, 200_000),
                new RateLimitTier("low", 30, 50_000));
        RateLimiter fresh = limiter(RateLimiter.Config.defaults());
        assertThat(fresh.state(RateLimiter.key("p", "m")).effectiveRpm()).isEqualTo(100.0);
        assertThat(fresh.state(RateLimiter.key("p", "m")).effectiveTpm()).isEqualTo(200_000.0);
    }

    @Test
    void grantsOneMinuteBurstThenPacesRequestsAtTheRate() {
        drainRequests(KEY);
        CompletableFuture<Permit> next = limiter.acquire(KEY, Priority.NORMAL, 0);
        assertThat(next).isNotDone();
        assertThat(limiter.state(KEY).waiting()).isEqualTo(1);
        time.advance(Duration.ofMillis(999));
        assertThat(next).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(next).isCompleted();
        assertThat(next.join().queueTime()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.state(KEY).waiting()).isZero();
    }

    @Test
    void tokensBucketPacesLargeRequests() {
        assertThat(limiter.acquire(KEY, Priority.NORMAL, 6_000)).isCompleted();
        CompletableFuture<Permit> next = limiter.acquire(KEY, Priority.NORMAL, 250);
        time.advance(Duration.ofMillis(2_499));
        assertThat(next).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(next).isCompleted();
    }

    @Test
    void aRequestLargerThanTheBucketWaitsForAFullBucketThenGoesIntoDebt() {
        assertThat(limiter.acquire(KEY, Priority.NORMAL, 100)).isCompleted();
        CompletableFuture<Permit> huge = limiter.acquire(KEY, Priority.NORMAL, 9_000);
        assertThat(huge).isNotDone();
        time.advance(Duration.ofSeconds(1));
        assertThat(huge).isCompleted();
        assertThat(limiter.state(KEY).availableTokens()).isCloseTo(-3_000.0, within(1e-6));
    }

    @Test
    void concurrentCallersGetExactlyTheBurstWhenTimeStandsStill() throws Exception {
        AtomicInteger granted = new AtomicInteger();
        List<CompletableFuture<Permit>> all = Collections.synchronizedList(new ArrayList<>());
        TokenBucketTest.runConcurrently(16, () -> {
            for (int i = 0; i < 50; i++) {
                CompletableFuture<Permit> f = limiter.acquire(KEY, Priority.NORMAL, 10);
                all.add(f);
                if (f.isDone()) {
                    granted.incrementAndGet();
                }
            }
        });
        assertThat(granted.get()).isEqualTo(60);
        assertThat(limiter.state(KEY).waiting()).isEqualTo(16 * 50 - 60);
        time.advance(Duration.ofSeconds(10));
        assertThat(all.stream().filter(CompletableFuture::isDone).count()).isEqualTo(70);
    }

    @Test
    void waitingRequestsAreServedHighestPriorityFirst() {
        drainRequests(KEY);
        List<Priority> order = new ArrayList<>();
        for (Priority p : new Priority[] {Priority.FILLER, Priority.BATCH, Priority.NORMAL, Priority.CRITICAL,
                Priority.BATCH}) {
            limiter.acquire(KEY, p, 1).thenAccept(permit -> order.add(permit.priority()));
        }
        time.advance(Duration.ofSeconds(5));
        assertThat(order).containsExactly(Priority.CRITICAL, Priority.NORMAL, Priority.BATCH, Priority.BATCH,
                Priority.FILLER);
    }

    @Test
    void agingLetsAWaitingFillerRequestThroughAStreamOfCriticalOnes() {
        CompletableFuture<Permit> filler = starveFiller(Duration.ofSeconds(10));
        assertThat(filler).isCompleted();
        // FILLER rises a level per 10 s: after 30 s it competes as CRITICAL and is the oldest
        assertThat(filler.join().queueTime()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
    }

    @Test
    void withoutAgingTheFillerRequestStarves() {
        CompletableFuture<Permit> filler = starveFiller(null);
        assertThat(filler).isNotDone();
    }

    private CompletableFuture<Permit> starveFiller(Duration aging) {
        limiter = limiter(RateLimiter.Config.defaults().withDefaultTier(TIER).withAgingStep(aging));
        drainRequests(KEY);
        CompletableFuture<Permit> filler = limiter.acquire(KEY, Priority.FILLER, 1);
        for (int s = 0; s < 90; s++) {
            limiter.acquire(KEY, Priority.CRITICAL, 1);
            limiter.acquire(KEY, Priority.CRITICAL, 1);
            time.advance(Duration.ofSeconds(1));
        }
        return filler;
    }

    @Test
    void settleGivesBackOrChargesTheDifferenceOnce() {
        Permit a = limiter.acquire(KEY, Priority.NORMAL, 1_000).join();
        Permit b = limiter.acquire(KEY, Priority.NORMAL, 1_000).join();
        assertThat(limiter.state(KEY).availableTokens()).isEqualTo(4_000.0);
        a.settle(400);
        assertThat(limiter.state(KEY).availableTokens()).isEqualTo(4_600.0);
        a.settle(0); // second settle does nothing
        assertThat(limiter.state(KEY).availableTokens()).isEqualTo(4_600.0);
        b.settle(1_500);
        assertThat(limiter.state(KEY).availableTokens()).isEqualTo(4_100.0);
    }

    @Test
    void settlingBelowTheEstimateLetsAWaiterGoAtOnce() {
        Permit big = limiter.acquire(KEY, Priority.NORMAL, 6_000).join();
        CompletableFuture<Permit> waiter = limiter.acquire(KEY, Priority.NORMAL, 3_000);
        assertThat(waiter).isNotDone();
        big.settle(2_000);
        assertThat(waiter).isCompleted();
    }

    @Test
    void releaseRefundsTokensButNotTheRequestByDefault() {
        Permit p = limiter.acquire(KEY, Priority.NORMAL, 1_000).join();
        p.release();
        RateLimiter.State s = limiter.state(KEY);
        assertThat(s.availableTokens()).isEqualTo(6_000.0);
        assertThat(s.availableRequests()).isEqualTo(59.0);

        limiter = limiter(RateLimiter.Config.defaults().withDefaultTier(TIER).withRefundOnRelease(false, true));
        Permit q = limiter.acquire(KEY, Priority.NORMAL, 1_000).join();
        q.release();
        q.release();
        assertThat(limiter.state(KEY).availableTokens()).isEqualTo(5_000.0);
        assertThat(limiter.state(KEY).availableRequests()).isEqualTo(60.0);
    }

    @Test
    void cancellingAWaitingRequestRemovesItAndLetsTheNextGo() {
        drainRequests(KEY);
        CompletableFuture<Permit> first = limiter.acquire(KEY, Priority.CRITICAL, 1);
        CompletableFuture<Permit> second = limiter.acquire(KEY, Priority.NORMAL, 1);
        assertThat(limiter.state(KEY).waiting()).isEqualTo(2);
        first.cancel(false);
        assertThat(limiter.state(KEY).waiting()).isEqualTo(1);
        time.advance(Duration.ofSeconds(1));
        assertThat(second).isCompleted();
        assertThat(first).isCancelled();
        assertThat(limiter.state(KEY).availableRequests()).isCloseTo(0.0, within(1e-9));
    }

    /** Replies at {@code perSecond}, the pattern's characters in turn: 'x' a 429, '.' any other reply. */
    private void replies(String pattern, int perSecond) {
        for (char c : pattern.toCharArray()) {
            limiter.onResponse(KEY, c == 'x', QuotaHeaders.NONE);
            time.advance(Duration.ofNanos(1_000_000_000L / perSecond));
        }
    }

    @Test
    void aLone429ChangesNothingItsRetryAfterIsTheRetrysBusiness() {
        limiter.onResponse(KEY, true, QuotaHeaders.NONE);
        RateLimiter.State s = limiter.state(KEY);
        assertThat(s.rateFraction()).isEqualTo(1.0);
        assertThat(s.effectiveRpm()).isEqualTo(60.0);
        assertThat(s.pausedUntil()).isNull();
        assertThat(s.rateLimited()).isEqualTo(1);
        assertThat(s.describe()).isEqualTo("ready (60/min)");
        assertThat(limiter.acquire(KEY, Priority.NORMAL, 10)).isCompleted();
    }

    /** A table of 429 patterns (without rate-limit headers) and the rate each leaves, 10 replies a second. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            // a random quarter of 429s, for 10 s: a hiccup, never a decrease
            "'...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x...x', 1.0",
            // every other reply a 429 for 10 s: under the 60% share, no decrease
            "'.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x', 1.0",
            // three 429s in a row: fewer than four, no decrease
            "'.....xxx', 1.0",
            // a quota: every reply a 429 for 0.4 s: halved once
            "'xxxx', 0.5",
            // 0.8 s of 429s: the evidence is counted afresh at the new rate and at most once a second
            "'xxxxxxxx', 0.5",
            // 1.2 s of 429s: still once (a second decrease waits a second after the first)
            "'xxxxxxxxxxxx', 0.5",
            // 1.5 s of 429s: halved twice, and no recovery while they keep coming
            "'xxxxxxxxxxxxxxx', 0.25",
            // three of four replies 429 (75%): a quota
            "'x.xxx.xx', 0.5",
            // 3 s of 429s never goes below the 5% floor... halved three times here
            "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 0.125",
    })
    void patternsOf429sAndTheRateTheyLeave(String pattern, double fraction) {
        replies(pattern, 10);
        assertThat(limiter.state(KEY).rateFraction()).isEqualTo(fraction);
        assertThat(limiter.state(OTHER).rateFraction()).isEqualTo(1.0);
    }

    @Test
    void aDecreaseRecoversAdditivelyWithinSeconds() {
        replies("xxxx", 10); // halved at the 4th 429, 0.1 s ago
        RateLimiter.State s = limiter.state(KEY);
        assertThat(s.rateFraction()).isEqualTo(0.5);
        assertThat(s.effectiveRpm()).isEqualTo(30.0);
        assertThat(s.effectiveTpm()).isEqualTo(3_000.0);
        assertThat(s.decreases()).isEqualTo(1);
        assertThat(s.describe()).isEqualTo("slowed by repeated 429s: 30/min of 60/min");
        time.advance(Duration.ofMillis(899));
        assertThat(limiter.state(KEY).rateFraction()).isEqualTo(0.5);
        time.advance(Duration.ofMillis(1));
        assertThat(limiter.state(KEY).rateFraction()).isEqualTo(0.75);
        time.advance(Duration.ofSeconds(1));
        assertThat(limiter.state(KEY).rateFraction()).isEqualTo(1.0); // back to the configured rate in 2 s
        time.advance(Duration.ofMinutes(10));
        assertThat(limiter.state(KEY).effectiveRpm()).isEqualTo(60.0); // never above the configured rate
    }

    @Test
    void afterADecreaseRequestsArePacedAtTheLowerRate() {
        drainRequests(KEY);
        replies("xxxx", 1_000_000_000); // at once
        CompletableFuture<Permit> next = limiter.acquire(KEY, Priority.NORMAL, 0);
        // half a token a second for the first second, then three quarters (the first recovery step)
        time.advance(Duration.ofMillis(1_600));
        assertThat(next).isNotDone();
        time.advance(Duration.ofMillis(100));
        assertThat(next).isCompleted();
    }

    @Test
    void theProvidersHeadersSetTheRateTheBurstAndAPauseUntilTheReset() {
        limiter = limiter(RateLimiter.Config.defaults().withDefaultTier(new RateLimitTier("run", 600, 1_000_000)));
        limiter.onResponse(KEY, false, new QuotaHeaders(240L, 3L, Duration.ofMillis(750), null, null, null));
        RateLimiter.State s = limiter.state(KEY);
        assertThat(s.effectiveRpm()).isEqualTo(240.0); // the quota, under the tier's 600
        assertThat(s.providerRpm()).isEqualTo(240L);
        assertThat(s.availableRequests()).isEqualTo(3.0); // what the provider says remains
        assertThat(s.describe()).isEqualTo("limited by provider: 240/min, remaining 3, resets in 0.8 s");

        // remaining 0, reset 0.8 s: within refilling the burst of 4 at 4/s, a token bucket's "until full":
        // one request's worth (250 ms) is back sooner, and the bucket paces the rest
        limiter.onResponse(KEY, false, new QuotaHeaders(240L, 0L, Duration.ofMillis(800), null, null, null));
        s = limiter.state(KEY);
        assertThat(s.pausedUntil()).isEqualTo(time.instant().plusMillis(250));
        assertThat(s.describe()).isEqualTo("limited by provider: 240/min, remaining 0, resets in 0.8 s");
        CompletableFuture<Permit> a = limiter.acquire(KEY, Priority.CRITICAL, 10);
        CompletableFuture<Permit> other = limiter.acquire(OTHER, Priority.FILLER, 10);
        assertThat(other).isCompleted(); // other keys are not paused
        time.advance(Duration.ofMillis(249));
        assertThat(a).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(a).isCompleted();
        // remaining 0 with a reset far beyond the burst's refill: a window that ends then; pause until it
        limiter.onResponse(KEY, false, new QuotaHeaders(240L, 0L, Duration.ofSeconds(30), null, null, null));
        assertThat(limiter.state(KEY).pausedUntil()).isEqualTo(time.instant().plusSeconds(30));
        CompletableFuture<Permit> b = limiter.acquire(KEY, Priority.CRITICAL, 10);
        time.advance(Duration.ofMillis(29_999));
        assertThat(b).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(b).isCompleted();
        // the burst is what the provider showed: at most 4 (3 remaining + the one just counted)
        time.advance(Duration.ofSeconds(10));
        assertThat(limiter.state(KEY).availableRequests()).isEqualTo(4.0);
        // and 429s never push the rate under the quota the headers state
        for (int i = 0; i < 20; i++) {
            limiter.onResponse(KEY, true, new QuotaHeaders(240L, 1L, Duration.ofMillis(250), null, null, null));
            time.advance(Duration.ofMillis(50));
        }
        assertThat(limiter.state(KEY).effectiveRpm()).isEqualTo(240.0);
    }

    @Test
    void aTierUnderTheQuotaStaysTheCeiling() {
        limiter.onResponse(KEY, false, new QuotaHeaders(240L, 200L, Duration.ofSeconds(1), 100_000L, 90_000L, null));
        assertThat(limiter.state(KEY).effectiveRpm()).isEqualTo(60.0);
        assertThat(limiter.state(KEY).effectiveTpm()).isEqualTo(6_000.0);
        // a quota above the tier's own rate does not hold the key back, and the status says so
        assertThat(limiter.state(KEY).limited()).isFalse();
        assertThat(limiter.state(KEY).describe())
                .isEqualTo("provider quota (not reached): 240/min, 100000 tokens/min, remaining 200, resets in 1.0 s");
    }

    @Test
    void tokensRemainingZeroPausesUntilTheTokensReset() {
        limiter.onResponse(KEY, false, new QuotaHeaders(null, null, null, 6_000L, 0L, Duration.ofSeconds(2)));
        assertThat(limiter.state(KEY).pausedUntil()).isEqualTo(time.instant().plusSeconds(2));
        assertThat(limiter.state(KEY).pauses()).isEqualTo(1);
    }

    @Test
    void tiersAreSetPerKeyAndByDefault() {
        limiter.setTier(KEY, RateLimitTier.LOW);
        assertThat(limiter.state(KEY).tier()).isEqualTo("low");
        assertThat(limiter.state(KEY).effectiveRpm()).isEqualTo(30.0);
        assertThat(limiter.state(KEY).availableRequests()).isEqualTo(30.0);
        limiter.setDefaultTier(RateLimitTier.HIGH);
        assertThat(limiter.tier(OTHER)).isEqualTo(RateLimitTier.HIGH);
        assertThat(limiter.tier(KEY)).isEqualTo(RateLimitTier.LOW);
        assertThat(limiter.state(OTHER).effectiveTpm()).isEqualTo(500_000.0);
    }
}
