package dev.llmworkbench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What meeting an SLO means for one request (the benchmark's goodput counts the requests that do). */
class SloTest {
    private static final RequestSample A = new RequestSample("qwen-plus", 100.0, 120.0, 10.0, 1000.0, 91, false, 0);
    private static final RequestSample B = new RequestSample("qwen-plus", 300.0, 350.0, 20.0, 2000.0, 86, false, 500);
    private static final RequestSample C = new RequestSample("qwen-turbo", 150.0, 150.0, null, 200.0, 1, false, 1000);
    private static final RequestSample D = RequestSample.failed("qwen-turbo", 1500);
    private static final Slo SLO = new Slo(200.0, 15.0, 1500.0);

    @Test
    void aRequestMeetsAnSloWhenItMeetsEveryLimitGiven() {
        assertThat(SLO.isMetBy(A)).isTrue();
        assertThat(SLO.isMetBy(B)).as("TTFT over").isFalse();
        assertThat(SLO.isMetBy(C)).as("no TPOT with one token: nothing to miss").isTrue();
        assertThat(SLO.isMetBy(D)).as("a failed request misses every SLO").isFalse();
        assertThat(Slo.NONE.isMetBy(B)).as("only errors fail").isTrue();
        assertThat(Slo.NONE.isMetBy(D)).isFalse();
        assertThat(new Slo(null, 15.0, null).isMetBy(B)).as("TPOT over").isFalse();
        assertThat(new Slo(null, null, 1000.0).isMetBy(A)).as("the e2e edge is inclusive").isTrue();
        assertThat(new Slo(null, null, 999.0).isMetBy(A)).isFalse();
        assertThat(SLO.isMetBy(new RequestSample("m", null, null, null, 10.0, 5, false, 0)))
                .as("a TTFT limit needs a TTFT").isFalse();
    }
}
