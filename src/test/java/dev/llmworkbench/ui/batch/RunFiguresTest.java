package dev.llmworkbench.ui.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.service.batch.BatchProgress;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 11: the limiter's state is on the batch panel and on the command line's progress line. */
class RunFiguresTest {
    private static BatchProgress progress(String limiter) {
        return new BatchProgress(120, 80, 8, 30, 0, 0, 2, 4, 100, 900, new BigDecimal("0.0123"), Duration.ofSeconds(9),
                Duration.ofSeconds(27), false, limiter);
    }

    @Test
    void theLimitersStateIsShownAsTheRunReportsIt() {
        RunFigures f = new RunFigures();
        f.apply(progress("limited by provider: 240/min, remaining 0, resets in 0.8 s"));
        assertThat(f.limiterProperty().get()).isEqualTo("limiter: limited by provider: 240/min, remaining 0, resets in 0.8 s");
        assertThat(f.countsProperty().get()).startsWith("30/118 done");
        // the bar is the run's figure: the valid rows that ended, as the service counts them
        assertThat(f.progressProperty().get()).isEqualTo(progress(null).ended()).isEqualTo(30.0 / 118);
        f.apply(progress(null));
        assertThat(f.limiterProperty().get()).isEmpty();
    }

    @Test
    void theProgressLineSaysWhatHoldsTheRunBackAndNothingWhenTheLimiterIsReady() {
        assertThat(progress("limited by provider: 240/min, remaining 0, resets in 0.8 s").describe())
                .endsWith("; limiter: limited by provider: 240/min, remaining 0, resets in 0.8 s");
        assertThat(progress("ready (100/min)").describe()).doesNotContain("limiter");
    }

    @Test
    void aPausedRunSaysPausedAndShowsNoGrowingEta() {
        RunFigures f = new RunFigures();
        f.apply(progress(null));
        assertThat(f.etaProperty().get()).isEqualTo("ETA 27 s");
        f.apply(new BatchProgress(120, 80, 0, 30, 1, 0, 2, 4, 100, 900, new BigDecimal("0.0123"), Duration.ofSeconds(60),
                Duration.ofSeconds(90), true, null));
        assertThat(f.countsProperty().get()).startsWith("Paused · 30/118 done · 1 failed");
        assertThat(f.etaProperty().get()).isEqualTo("ETA – (paused)");
        assertThat(f.failedProperty().get()).isEqualTo(1);
    }

    @Test
    void aSmallSpendIsNotShownAsNothingAndReadsTheSameOnTheCommandLine() {
        BatchProgress p = new BatchProgress(3, 0, 0, 3, 0, 0, 0, 0, 30, 12, new BigDecimal("0.0000123"),
                Duration.ofSeconds(1), null, false, null);
        RunFigures f = new RunFigures();
        f.apply(p);
        // three cheap rows: "$0.0000" would say nothing was spent
        assertThat(f.spendProperty().get()).isEqualTo("$0.0000123 spent");
        assertThat(p.describe()).contains(", $0.0000123 spent,");
        f.apply(new BatchProgress(3, 0, 0, 3, 0, 0, 0, 0, 30, 12, new BigDecimal("12.3456"), Duration.ofSeconds(1),
                null, false, null));
        assertThat(f.spendProperty().get()).isEqualTo("$12.35 spent");
    }
}
