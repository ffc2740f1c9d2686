package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmworkbench.domain.Priority;
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
    private static final String KEY = RateLimiter.key("dashscope", "qwen3-32b");
    private static final String OTHER = RateLimiter.key("dashscope", "qwen-plus");

    private final FakeTime time = new FakeTime();
    private RateLimiter limiter = limiter(RateLimiter.Config.defaults().withDefaultTier(TIER));

    private RateLimiter limiter(RateLimiter.Config config) {
        return new RateLimiter(time, time, time.clock(), config);
    }

    private void drainRequests(String key) {
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
        assertThat(fresh.state("p/m").effectiveRpm()).isEqualTo(100.0);
        assertThat(fresh.state("p/m").effectiveTpm()).isEqualTo(200_000.0);
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

    @Test
    void a429HalvesTheRateThenItRecoversStepByStep() {
        limiter.onRateLimited(KEY, null);
        RateLimiter.State s = limiter.state(KEY);
        assertThat(s.rateFraction()).isEqualTo(0.5);
        assertThat(s.effectiveRpm()).isEqualTo(30.0);
        assertThat(s.effectiveTpm()).isEqualTo(3_000.0);
        assertThat(s.pausedUntil()).isNull();

        time.advance(Duration.ofMillis(9_999));
        assertThat(limiter.state(KEY).rateFraction()).isEqualTo(0.5);
        time.advance(Duration.ofMillis(1));
        assertThat(limiter.state(KEY).effectiveRpm()).isCloseTo(36.0, within(1e-9));
        time.advance(Duration.ofSeconds(20));
        assertThat(limiter.state(KEY).effectiveRpm()).isCloseTo(48.0, within(1e-9));

        limiter.onRateLimited(KEY, null); // a second 429 halves the current rate
        assertThat(limiter.state(KEY).effectiveRpm()).isCloseTo(24.0, within(1e-9));
        time.advance(Duration.ofMinutes(10));
        assertThat(limiter.state(KEY).effectiveRpm()).isEqualTo(60.0); // never above the configured rate
        assertThat(limiter.state(OTHER).effectiveRpm()).isEqualTo(60.0);
    }

    @Test
    void afterA429RequestsArePacedAtHalfTheRate() {
        drainRequests(KEY);
        limiter.onRateLimited(KEY, null);
        CompletableFuture<Permit> next = limiter.acquire(KEY, Priority.NORMAL, 0);
        time.advance(Duration.ofMillis(1_999));
        assertThat(next).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(next).isCompleted();
    }

    @Test
    void retryAfterPausesEveryCallerOfThatKeyOnly() {
        limiter.onRateLimited(KEY, Duration.ofSeconds(5));
        assertThat(limiter.state(KEY).pausedUntil()).isEqualTo(time.instant().plusSeconds(5));

        CompletableFuture<Permit> a = limiter.acquire(KEY, Priority.CRITICAL, 10);
        CompletableFuture<Permit> b = limiter.acquire(KEY, Priority.BATCH, 10);
        CompletableFuture<Permit> other = limiter.acquire(OTHER, Priority.FILLER, 10);
        assertThat(other).isCompleted();
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(limiter.state(KEY).waiting()).isEqualTo(2);

        time.advance(Duration.ofMillis(4_999));
        assertThat(a).isNotDone();
        // a shorter Retry-After does not cut the pause short
        limiter.onRateLimited(KEY, Duration.ofMillis(1));
        time.advance(Duration.ofMillis(1));
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
        assertThat(limiter.state(KEY).pausedUntil()).isNull();
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
