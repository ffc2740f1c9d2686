package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

class StatusBarAndMetricTileTest {
    private static final PseudoClass PAUSED = PseudoClass.getPseudoClass("paused");

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void theStatusBarShowsItsPropertiesAndMarksAPausedLimiter() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            StatusBar bar = new StatusBar();
            bar.providerModelProperty().set("Simulator (built in) · qwen3-235b-a22b");
            bar.spendProperty().set("today $0.00 of no budget");
            bar.limiterProperty().set("limiter: ready");

            assertThat(bar.providerLabel().getText()).isEqualTo("Simulator (built in) · qwen3-235b-a22b");
            assertThat(bar.spendLabel().getText()).isEqualTo("today $0.00 of no budget");
            assertThat(bar.limiterLabel().getAccessibleText()).isEqualTo("Rate limiter: limiter: ready");
            assertThat(bar.limiterLabel().getPseudoClassStates()).doesNotContain(PAUSED);

            bar.limiterProperty().set("limiter: paused until 14:03:07");
            bar.limiterPausedProperty().set(true);
            assertThat(bar.limiterLabel().getText()).isEqualTo("limiter: paused until 14:03:07");
            assertThat(bar.limiterLabel().getPseudoClassStates()).contains(PAUSED);

            bar.limiterPausedProperty().set(false);
            assertThat(bar.limiterLabel().getPseudoClassStates()).doesNotContain(PAUSED);
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aMetricTileShowsADashUntilItKnowsItsValue() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            MetricTile tile = new MetricTile("TTFT", "Time to the first token");
            assertThat(tile.getValue()).isEqualTo(MetricTile.NO_VALUE);
            assertThat(tile.getAccessibleText()).isEqualTo("TTFT: –");
            tile.setValue("412 ms");
            assertThat(tile.getValue()).isEqualTo("412 ms");
            assertThat(tile.getAccessibleText()).isEqualTo("TTFT: 412 ms");
            tile.setValue("");
            assertThat(tile.getValue()).isEqualTo(MetricTile.NO_VALUE);
            tile.setValue("1.2 s");
            tile.clear();
            assertThat(tile.getValue()).isEqualTo(MetricTile.NO_VALUE);
        }).get(5, TimeUnit.SECONDS);
    }
}
