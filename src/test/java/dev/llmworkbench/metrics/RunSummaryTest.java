package dev.llmworkbench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    private static final RequestSample A = new RequestSample("qwen-plus", 100.0, 120.0, 10.0, 1000.0, 91, false, 0);
    private static final RequestSample B = new RequestSample("qwen-plus", 300.0, 350.0, 20.0, 2000.0, 86, false, 500);
    private static final RequestSample C = new RequestSample("qwen-turbo", 150.0, 150.0, null, 200.0, 1, false, 1000);
    private static final RequestSample D = RequestSample.failed("qwen-turbo", 1500);
    private static final List<RequestSample> RUN = List.of(A, B, C, D);
    private static final Slo SLO = new Slo(200.0, 15.0, 1500.0);

    @Test
    void summarisesARun() {
        RunSummary s = RunSummary.of(RUN, SLO);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.errorRate()).isEqualTo(0.25);
        assertThat(s.ttft().count()).isEqualTo(3);
        assertThat(s.ttft().mean()).isCloseTo(550.0 / 3, within(1e-9));
        assertThat(s.ttft().min()).isEqualTo(100.0);
        assertThat(s.ttft().max()).isEqualTo(300.0);
        assertThat(s.ttft().p50()).isEqualTo(150.0);
        // numpy: np.percentile([100, 150, 300], 95) = 285.0
        assertThat(s.ttft().p95()).isCloseTo(285.0, within(1e-9));
        assertThat(s.tpot().count()).isEqualTo(2);
        assertThat(s.ttfo().max()).isEqualTo(350.0);
        assertThat(s.e2e().p50()).isEqualTo(1000.0);
        assertThat(s.totalOutputTokens()).isEqualTo(178);
        // wall time from 0 to 2500 ms (B ends at 500 + 2000)
        assertThat(s.outputTokensPerSecond()).isCloseTo(71.2, within(1e-9));
        // mean of 91/1.0, 86/2.0, 1/0.2 tokens/s
        assertThat(s.meanTokensPerSecondPerRequest()).isCloseTo((91 + 43 + 5) / 3.0, within(1e-9));
    }

    @Test
    void goodputIsTheShareMeetingEverySloGiven() {
        // A meets all; B misses TTFT; C meets (no TPOT with one token); D failed
        assertThat(RunSummary.of(RUN, SLO).goodput()).isEqualTo(0.5);
        assertThat(RunSummary.of(RUN, Slo.NONE).goodput()).as("only errors fail").isEqualTo(0.75);
        assertThat(RunSummary.of(RUN, new Slo(null, 15.0, null)).goodput()).as("B misses TPOT").isEqualTo(0.5);
        assertThat(RunSummary.of(RUN, new Slo(null, null, 1000.0)).goodput()).as("e2e edge is inclusive").isEqualTo(0.5);
        assertThat(RunSummary.of(RUN, new Slo(null, null, 999.0)).goodput()).isEqualTo(0.25);
        assertThat(RunSummary.of(RUN, null).goodput()).isEqualTo(0.75);
        assertThat(SLO.isMetBy(new RequestSample("m", null, null, null, 10.0, 5, false, 0)))
                .as("a TTFT limit needs a TTFT").isFalse();
    }

    @Test
    void perModelSummariesInOrderOfAppearance() {
        Map<String, RunSummary> byModel = RunSummary.byModel(RUN, SLO);
        assertThat(byModel.keySet()).containsExactly("qwen-plus", "qwen-turbo");
        assertThat(byModel.get("qwen-plus").count()).isEqualTo(2);
        assertThat(byModel.get("qwen-plus").goodput()).isEqualTo(0.5);
        assertThat(byModel.get("qwen-turbo").errorRate()).isEqualTo(0.5);
        assertThat(byModel.get("qwen-turbo").goodput()).isEqualTo(0.5);
        // qwen-plus: 177 tokens from 0 to 2500 ms
        assertThat(byModel.get("qwen-plus").outputTokensPerSecond()).isCloseTo(70.8, within(1e-9));
    }

    @Test
    void emptyRun() {
        RunSummary s = RunSummary.of(List.of(), SLO);
        assertThat(s.count()).isZero();
        assertThat(s.errorRate()).isNaN();
        assertThat(s.goodput()).isNull();
        assertThat(s.outputTokensPerSecond()).isNull();
        assertThat(s.ttft().isEmpty()).isTrue();
        assertThat(s.ttft().p99()).isNaN();
    }
}
