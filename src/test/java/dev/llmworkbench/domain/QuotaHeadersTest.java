package dev.llmworkbench.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaHeadersTest {
    @Test
    void readsOpenAiStyleHeaders() {
        QuotaHeaders q = QuotaHeaders.from(Map.of("x-ratelimit-limit-requests", "240",
                "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "250ms",
                "x-ratelimit-limit-tokens", "150000", "x-ratelimit-remaining-tokens", "149000",
                "x-ratelimit-reset-tokens", "6m0s", "content-type", "text/event-stream"));
        assertThat(q).isEqualTo(new QuotaHeaders(240L, 0L, Duration.ofMillis(250), 150_000L, 149_000L,
                Duration.ofMinutes(6)));
    }

    @Test
    void noHeadersOrUnreadableOnesAreNone() {
        assertThat(QuotaHeaders.from(Map.of())).isSameAs(QuotaHeaders.NONE);
        assertThat(QuotaHeaders.from(null)).isSameAs(QuotaHeaders.NONE);
        assertThat(QuotaHeaders.from(Map.of("retry-after", "1"))).isSameAs(QuotaHeaders.NONE);
        assertThat(QuotaHeaders.from(Map.of("x-ratelimit-limit-requests", "lots"))).isSameAs(QuotaHeaders.NONE);
        QuotaHeaders partial = QuotaHeaders.from(Map.of("x-ratelimit-remaining-requests", "7",
                "x-ratelimit-reset-requests", "soon"));
        assertThat(partial.remainingRequests()).isEqualTo(7L);
        assertThat(partial.resetRequests()).isNull();
        assertThat(partial.limitRequests()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"1s, 1000", "250ms, 250", "6m0s, 360000", "1h2m3.5s, 3723500", "0.8, 800", "1.5s, 1500",
            "'2, 3', 2000", "20ms, 20"})
    void durationsInEveryShape(String text, long millis) {
        assertThat(QuotaHeaders.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"'', ", "s, ", "1x, ", "-1, ", "1s2, "})
    void unreadableDurationsAreNull(String text, String none) {
        assertThat(QuotaHeaders.duration(text)).isNull();
    }
}
