package dev.llmworkbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The simulator's rpm/tpm token buckets, on fake time. */
class SimQuotaTest {
    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final Quota quota = new Quota(now::get);

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private Quota.Decision request(long rpm, long burst) {
        return quota.tryAcquire(rpm, burst, 0, 0, 10);
    }

    @Test
    void aBurstOfFourAtTwoHundredFortyPerMinute() {
        for (int i = 0; i < 4; i++) {
            Quota.Decision d = request(240, 4);
            assertThat(d.admitted()).isTrue();
            assertThat(d.requests()).isEqualTo(new Quota.State(240, 3 - i, 250L * (i + 1)));
            assertThat(d.tokens()).isNull();
        }
        Quota.Decision fifth = request(240, 4);
        assertThat(fifth.admitted()).isFalse();
        assertThat(fifth.retryAfterMs()).isEqualTo(250);
        assertThat(fifth.byTokens()).isFalse();
        assertThat(fifth.requests()).isEqualTo(new Quota.State(240, 0, 1000));

        advanceMs(249);
        Quota.Decision early = request(240, 4);
        assertThat(early.admitted()).isFalse();
        assertThat(early.retryAfterMs()).isEqualTo(1);

        advanceMs(1);
        Quota.Decision onTime = request(240, 4);
        assertThat(onTime.admitted()).as("refused requests are not counted").isTrue();
        assertThat(onTime.requests()).isEqualTo(new Quota.State(240, 0, 1000));
        assertThat(request(240, 4).retryAfterMs()).isEqualTo(250);
    }

    @Test
    void refillsContinuouslyUpToTheBurstOnly() {
        for (int i = 0; i < 4; i++) {
            request(240, 4);
        }
        advanceMs(500);
        assertThat(request(240, 4).requests().remaining()).as("two refilled, one taken").isEqualTo(1);
        advanceMs(60_000);
        Quota.Decision rested = request(240, 4);
        assertThat(rested.requests()).as("capped at the burst").isEqualTo(new Quota.State(240, 3, 250));
    }

    @Test
    void theDefaultBurstIsOneMinutesWorth() {
        FaultSpec f = FaultSpec.parse("rpm=2");
        assertThat(f.burst()).isEqualTo(2);
        assertThat(request(f.rpm(), f.burst()).admitted()).isTrue();
        assertThat(request(f.rpm(), f.burst()).admitted()).isTrue();
        Quota.Decision third = request(f.rpm(), f.burst());
        assertThat(third.admitted()).isFalse();
        assertThat(third.retryAfterMs()).isEqualTo(30_000);
        assertThat(third.requests().resetMs()).isEqualTo(60_000);
    }

    @Test
    void tokensAreABucketOfTheirOwn() {
        // 600 tokens a minute = 10 a second
        Quota.Decision first = quota.tryAcquire(0, 0, 600, 600, 500);
        assertThat(first.admitted()).isTrue();
        assertThat(first.requests()).isNull();
        assertThat(first.tokens()).isEqualTo(new Quota.State(600, 100, 50_000));
        Quota.Decision second = quota.tryAcquire(0, 0, 600, 600, 200);
        assertThat(second.admitted()).isFalse();
        assertThat(second.byTokens()).isTrue();
        assertThat(second.retryAfterMs()).isEqualTo(10_000);
        assertThat(second.tokens().remaining()).isEqualTo(100);
        advanceMs(10_000);
        assertThat(quota.tryAcquire(0, 0, 600, 600, 200).admitted()).isTrue();
    }

    @Test
    void bothLimitsMustAdmitAndTheLongerWaitIsTheAnswer() {
        assertThat(quota.tryAcquire(60, 10, 600, 100, 100).admitted()).isTrue();
        Quota.Decision d = quota.tryAcquire(60, 10, 600, 100, 50);
        assertThat(d.admitted()).isFalse();
        assertThat(d.byTokens()).isTrue();
        assertThat(d.retryAfterMs()).isEqualTo(5_000);
        assertThat(d.requests()).isEqualTo(new Quota.State(60, 9, 1000));
        assertThat(d.tokens()).isEqualTo(new Quota.State(600, 0, 10_000));
    }

    @Test
    void aRequestLargerThanTheTokenBucketWaitsForAFullBucketAndLeavesItInDebt() {
        Quota.Decision big = quota.tryAcquire(0, 0, 60, 60, 100);
        assertThat(big.admitted()).isTrue();
        assertThat(big.tokens()).isEqualTo(new Quota.State(60, 0, 100_000));
        Quota.Decision next = quota.tryAcquire(0, 0, 60, 60, 1);
        assertThat(next.admitted()).isFalse();
        assertThat(next.retryAfterMs()).isEqualTo(41_000);
    }

    @Test
    void noLimitsNoDecision() {
        assertThat(quota.tryAcquire(0, 0, 0, 0, 10)).isNull();
    }

    @Test
    void durationsAreWrittenAsOpenAiDoes() {
        assertThat(Quota.duration(0)).isEqualTo("0s");
        assertThat(Quota.duration(1)).isEqualTo("1ms");
        assertThat(Quota.duration(250)).isEqualTo("250ms");
        assertThat(Quota.duration(1000)).isEqualTo("1s");
        assertThat(Quota.duration(1500)).isEqualTo("1.5s");
        assertThat(Quota.duration(17_280)).isEqualTo("17.28s");
        assertThat(Quota.duration(360_000)).isEqualTo("6m0s");
        assertThat(Quota.duration(90_500)).isEqualTo("1m30.5s");
        assertThat(Quota.duration(3_723_250)).isEqualTo("1h2m3.25s");
    }
}
