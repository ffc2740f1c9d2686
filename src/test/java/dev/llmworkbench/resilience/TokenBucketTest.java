package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeTime time = new FakeTime();

    @Test
    void startsFullAndGrantsTheBurstAtOnce() {
        TokenBucket b = new TokenBucket(10, 1.0, time);
        assertThat(b.available()).isEqualTo(10.0);
        assertThat(b.tryAcquire(7)).isTrue();
        assertThat(b.tryAcquire(3)).isTrue();
        assertThat(b.tryAcquire(1)).isFalse();
        assertThat(b.available()).isEqualTo(0.0);
    }

    @Test
    void refillsAtTheRateUpToTheCapacity() {
        TokenBucket b = new TokenBucket(10, 2.0, time);
        b.tryAcquire(10);
        time.advance(Duration.ofMillis(1_500));
        assertThat(b.available()).isCloseTo(3.0, within(1e-9));
        assertThat(b.tryAcquire(4)).isFalse();
        assertThat(b.tryAcquire(3)).isTrue();
        time.advance(Duration.ofMinutes(10));
        assertThat(b.available()).isEqualTo(10.0);
    }

    @Test
    void nanosUntilIsExact() {
        TokenBucket b = new TokenBucket(10, 4.0, time); // one token per 250 ms
        b.tryAcquire(10);
        assertThat(b.nanosUntil(0)).isZero();
        assertThat(b.nanosUntil(1)).isEqualTo(250_000_000L);
        assertThat(b.nanosUntil(3)).isEqualTo(750_000_000L);
        assertThat(b.nanosUntil(11)).isEqualTo(Long.MAX_VALUE);
        time.advanceNanos(250_000_000L - 1);
        assertThat(b.tryAcquire(1)).isFalse();
        time.advanceNanos(1);
        assertThat(b.tryAcquire(1)).isTrue();
    }

    @Test
    void forceAcquireMakesDebtThatTheRefillPaysFirst() {
        TokenBucket b = new TokenBucket(10, 1.0, time);
        b.forceAcquire(15);
        assertThat(b.available()).isEqualTo(-5.0);
        assertThat(b.nanosUntil(1)).isEqualTo(6_000_000_000L);
        b.refund(3);
        assertThat(b.available()).isEqualTo(-2.0);
        b.refund(100);
        assertThat(b.available()).isEqualTo(10.0); // never above capacity
    }

    @Test
    void reconfigureKeepsTheLevelWithinTheNewCapacity() {
        TokenBucket b = new TokenBucket(10, 1.0, time);
        b.reconfigure(4, 0.5);
        assertThat(b.available()).isEqualTo(4.0);
        b.tryAcquire(4);
        assertThat(b.nanosUntil(1)).isEqualTo(2_000_000_000L);
    }

    @Test
    void blockingAcquireTimesOutAfterWaitingTheTimeout() throws InterruptedException {
        List<Long> waits = new ArrayList<>();
        TokenBucket b = new TokenBucket(10, 1.0, time, nanos -> {
            waits.add(nanos);
            time.advanceNanos(nanos);
        });
        b.tryAcquire(10);
        long start = time.nanos();

        assertThat(b.acquire(1, Duration.ofMillis(500))).isFalse();
        assertThat(time.nanos() - start).isEqualTo(500_000_000L);
        assertThat(b.available()).isCloseTo(0.5, within(1e-9)); // nothing taken

        assertThat(b.acquire(1, Duration.ofSeconds(2))).isTrue();
        assertThat(time.nanos() - start).isEqualTo(1_000_000_000L);
        assertThat(waits).containsExactly(500_000_000L, 500_000_000L);
        assertThat(b.available()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void blockingAcquireWaitsWhileAnotherThreadAdvancesTime() throws Exception {
        // the waiter blocks until the test thread has moved the fake time on
        java.util.concurrent.SynchronousQueue<Long> asked = new java.util.concurrent.SynchronousQueue<>();
        java.util.concurrent.Semaphore moved = new java.util.concurrent.Semaphore(0);
        TokenBucket b = new TokenBucket(5, 1.0, time, nanos -> {
            asked.put(nanos);
            moved.acquire();
        });
        b.tryAcquire(5);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> got = ex.submit(() -> b.acquire(2, Duration.ofSeconds(10)));
            long wait = asked.poll(5, TimeUnit.SECONDS);
            assertThat(wait).isEqualTo(2_000_000_000L);
            assertThat(got.isDone()).isFalse();
            time.advanceNanos(wait);
            moved.release();
            assertThat(got.get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void blockingAcquireHonoursInterruptsAndRejectsImpossibleRequests() {
        TokenBucket b = new TokenBucket(3, 1.0, time, nanos -> time.advanceNanos(nanos));
        assertThatThrownBy(() -> b.acquire(4, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        b.tryAcquire(3);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> b.acquire(1, Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void neverGrantsMoreThanTheCapacityWhenTimeStandsStill() throws Exception {
        TokenBucket b = new TokenBucket(1_000, 50.0, time);
        AtomicLong granted = new AtomicLong();
        runConcurrently(32, () -> {
            for (int i = 0; i < 2_000; i++) {
                if (b.tryAcquire(1)) {
                    granted.incrementAndGet();
                }
            }
        });
        assertThat(granted.get()).isEqualTo(1_000);
    }

    @Test
    void neverGrantsMoreThanCapacityPlusRefillUnderConcurrency() throws Exception {
        AtomicLong clock = new AtomicLong();
        TokenBucket b = new TokenBucket(100, 10_000.0, clock::get); // 1 token per 100 µs
        AtomicLong granted = new AtomicLong();
        runConcurrently(16, () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
                if (i % 10 == 0) {
                    clock.addAndGet(1_000); // 1 µs
                }
                long n = 1 + r.nextInt(5);
                if (b.tryAcquire(n)) {
                    granted.addAndGet(n);
                }
            }
        });
        double supplied = 100 + 10_000.0 * clock.get() / 1e9;
        assertThat((double) granted.get()).isLessThanOrEqualTo(supplied);
        // conservation: what was granted plus what is left is what was supplied (minus overflow)
        assertThat(granted.get() + b.available()).isLessThanOrEqualTo(supplied + 1e-6);
        assertThat((double) granted.get()).isGreaterThan(supplied - 100 - 5); // demand exceeded supply
    }

    static void runConcurrently(int threads, Runnable body) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                fs.add(ex.submit(() -> {
                    start.await();
                    body.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            ex.shutdownNow();
        }
    }
}
