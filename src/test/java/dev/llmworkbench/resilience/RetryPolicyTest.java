package dev.llmworkbench.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiError.Kind;
import dev.llmworkbench.resilience.RetryPolicy.Decision;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static RetryPolicy policy(double random) {
        return new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30), false,
                () -> random);
    }

    private static ApiError error(Kind kind, Integer status) {
        return ApiError.of(kind, status, "x");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "RATE_LIMITED, 429, true",
            "SERVER, 500, true",
            "SERVER, 502, true",
            "SERVER, 503, true",
            "NETWORK, null, true",
            "TIMEOUT, null, true",
            "TIMEOUT, 408, true",
            "BAD_REQUEST, 400, false",
            "AUTH, 401, false",
            "AUTH, 403, false",
            "NOT_FOUND, 404, false",
            "CANCELLED, null, false",
            "MALFORMED, null, false",
            "SERVER, 400, false",
            "SERVER, 401, false",
            "NETWORK, 404, false",
    })
    void retriesOnlyTheErrorsThatCanPass(Kind kind, Integer status, boolean retry) {
        Decision d = policy(0.5).decide(1, error(kind, status), false);
        assertThat(d.retry()).as(d.reason()).isEqualTo(retry);
        assertThat(d.reason()).contains(kind.wireName());
        if (!retry) {
            assertThat(d.delay()).isZero();
        }
    }

    @Test
    void fullJitterStaysWithinTheExponentialCeilingAndTheCap() {
        long[] ceilingsMs = {100, 200, 400, 800, 1000, 1000, 1000};
        for (int attempt = 1; attempt <= ceilingsMs.length; attempt++) {
            assertThat(policy(0.0).jitter(attempt)).isZero();
            assertThat(policy(0.5).jitter(attempt)).isEqualTo(Duration.ofMillis(ceilingsMs[attempt - 1] / 2));
            Duration top = policy(0.999_999).jitter(attempt);
            assertThat(top).isLessThan(Duration.ofMillis(ceilingsMs[attempt - 1]))
                    .isGreaterThan(Duration.ofMillis(ceilingsMs[attempt - 1] - 1));
        }
        assertThat(policy(0.5).jitter(1_000)).isEqualTo(Duration.ofMillis(500)); // no overflow
    }

    @Test
    void theDecisionUsesTheJitterAndSaysWhichRetryItIs() {
        Decision d = policy(0.25).decide(2, error(Kind.SERVER, 503), false);
        assertThat(d.retry()).isTrue();
        assertThat(d.delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(d.reason()).isEqualTo("server (HTTP 503): retry 2 of 3 in 0.050 s, backoff");
    }

    @Test
    void givesUpAfterMaxAttempts() {
        Decision d = policy(0.5).decide(4, error(Kind.SERVER, 500), false);
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("giving up after 4 attempts");
        assertThat(policy(0.5).decide(3, error(Kind.SERVER, 500), false).retry()).isTrue();
    }

    @Test
    void retryAfterIsHonouredThenSpreadByAtMostAFifth() {
        ApiError e = new ApiError(Kind.RATE_LIMITED, 429, null, "slow down", true, Duration.ofSeconds(3), null);
        Decision d = policy(0.5).decide(1, e, false);
        assertThat(d.retry()).isTrue();
        assertThat(d.delay()).isEqualTo(Duration.ofMillis(3_300)); // + 0.5 × min(3 s / 5, 1 s)
        assertThat(policy(0.0).decide(1, e, false).delay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(d.reason()).contains("Retry-After");

        // a server saying "300 ms" is not made to wait out an exponential backoff at the 3rd attempt
        ApiError small = new ApiError(Kind.RATE_LIMITED, 429, null, "", true, Duration.ofMillis(300), null);
        assertThat(policy(0.5).decide(3, small, false).delay()).isEqualTo(Duration.ofMillis(330));
        assertThat(policy(0.999).decide(3, small, false).delay()).isLessThan(Duration.ofMillis(361));
    }

    @Test
    void retryAfterAboveTheCapIsNotRetried() {
        ApiError e = new ApiError(Kind.RATE_LIMITED, 429, null, "", true, Duration.ofSeconds(31), null);
        Decision d = policy(0.5).decide(1, e, false);
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("31.000 s").contains("30.000 s");
        ApiError atCap = new ApiError(Kind.RATE_LIMITED, 429, null, "", true, Duration.ofSeconds(30), null);
        assertThat(policy(0.5).decide(1, atCap, false).delay()).isEqualTo(Duration.ofMillis(30_500));
    }

    @Test
    void neverRetriesAfterPartOfTheAnswerWasShownUnlessAsked() {
        Decision d = policy(0.5).decide(1, error(Kind.NETWORK, null), true);
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("already shown");

        RetryPolicy eager = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30),
                true, () -> 0.5);
        assertThat(eager.decide(1, error(Kind.NETWORK, null), true).retry()).isTrue();
        assertThat(eager.decide(1, error(Kind.SERVER, 502), true).retry()).isTrue();
        // a stall (idle timeout after the first token) is retried when asked (a batch), never otherwise
        assertThat(eager.decide(1, error(Kind.TIMEOUT, null), true).retry()).isTrue();
        assertThat(eager.decide(1, error(Kind.TIMEOUT, 408), true).retry()).isTrue();
        assertThat(policy(0.5).decide(1, error(Kind.TIMEOUT, null), true).retry()).isFalse();
        assertThat(policy(0.5).decide(1, error(Kind.TIMEOUT, null), false).retry()).isTrue();
    }

    @Test
    void anErrorMarkedNotRetryableIsNotRetried() {
        ApiError quota = new ApiError(Kind.RATE_LIMITED, 429, "insufficient_quota", "quota", false, null, null);
        assertThat(policy(0.5).decide(1, quota, false).retry()).isFalse();
    }
}
