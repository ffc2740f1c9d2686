package dev.llmworkbench.ui.playground;

import dev.llmworkbench.ui.common.MetricTile;
import javafx.beans.value.ObservableValue;
import javafx.scene.layout.FlowPane;

/** The live metrics strip of a run: TTFT, TTFO, tokens/s, end-to-end, tokens, cost and attempts. */
final class MetricsRow extends FlowPane {
    MetricsRow(PlaygroundViewModel vm) {
        super(14, 6);
        setId("metrics");
        getStyleClass().add("metrics-strip");
        getChildren().addAll(
                tile("TTFT", "Time to the first token (reasoning included)", vm.ttftProperty(), "metric-ttft"),
                tile("TTFO", "Time to the first answer token", vm.ttfoProperty(), "metric-ttfo"),
                tile("tokens/s", "Decode speed: 1 / time per output token", vm.tokensPerSecondProperty(), "metric-tps"),
                tile("end-to-end", "Request start to the last chunk", vm.e2eProperty(), "metric-e2e"),
                tile("tokens in", "Prompt tokens", vm.tokensInProperty(), "metric-in"),
                tile("tokens out", "Completion tokens (reasoning included)", vm.tokensOutProperty(), "metric-out"),
                tile("reasoning", "Of the tokens out, the reasoning ones (billed at the thinking price)",
                        vm.reasoningTokensProperty(), "metric-reasoning"),
                tile("cost USD", "Cost of this request in USD", vm.costUsdProperty(), "metric-usd"),
                tile("cost CNY", "Cost of this request in CNY", vm.costCnyProperty(), "metric-cny"),
                tile("attempts", "HTTP attempts (retries included)", vm.attemptsTextProperty(), "metric-attempts"));
    }

    private static MetricTile tile(String caption, String help, ObservableValue<String> value, String id) {
        MetricTile t = new MetricTile(caption, help);
        t.setId(id);
        t.setValue(value.getValue());
        value.addListener((o, a, b) -> t.setValue(b));
        return t;
    }
}
