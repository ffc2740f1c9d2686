package dev.llmworkbench.ui.bench;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.ui.common.ProfileNames;
import dev.llmworkbench.ui.common.ThinkingHints;
import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** The benchmark's options as a form, one row per option of {@code bench}, bound to {@link BenchOptions}. */
final class BenchForm extends GridPane {
    private int row;

    BenchForm(BenchViewModel vm) {
        BenchOptions o = vm.options();
        setId("bench-form");
        setHgap(8);
        setVgap(6);
        setPadding(new Insets(0, 8, 0, 0));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        getColumnConstraints().setAll(labels, fields);

        ComboBox<ProviderProfile> profile = new ComboBox<>(vm.profiles());
        profile.setId("bench-profile");
        profile.setConverter(new ProfileNames(vm.profiles()));
        profile.valueProperty().bindBidirectional(o.profileProperty());
        profile.setMaxWidth(Double.MAX_VALUE);
        add("Provider", profile, "a saved provider profile, or the built-in simulator");
        add("Headers", field("bench-headers", o.headersProperty(), "K=V; K2=V2"),
                "HTTP headers added to the profile's (--header), e.g. X-Sim-Faults=ttft-ms=50,tps=200");
        CheckBox stream = new CheckBox("stream");
        stream.setId("bench-stream");
        stream.selectedProperty().bindBidirectional(o.streamProperty());
        add("", stream, "ask for a stream; off (--no-stream): end-to-end timings only");
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("bench-model");
        model.setEditable(true);
        model.valueProperty().bindBidirectional(o.modelProperty());
        model.setMaxWidth(Double.MAX_VALUE);
        add("Model", model, "--model");
        add("Prompt", field("bench-prompt", o.promptProperty(), "the prompt (unless input tokens)"), "--prompt");
        ComboBox<BenchOptions.LoadKind> kind = new ComboBox<>();
        kind.setId("bench-load-kind");
        kind.getItems().setAll(BenchOptions.LoadKind.values());
        kind.valueProperty().bindBidirectional(o.loadKindProperty());
        kind.setMaxWidth(Double.MAX_VALUE);
        add("Levels of", kind, "closed loop (--concurrency) or open loop (--rate)");
        add("Levels", field("bench-levels", o.levelsProperty(), "1,2,4,8 or 5,10,20"),
                "concurrencies or rates separated by commas; with find-max, the one to start from (optional)");
        add("Arrival", field("bench-arrival", o.arrivalProperty(), "constant, poisson, gamma:B"),
                "--arrival (open loop): constant, poisson or gamma:B");
        add("Max in flight", field("bench-max-concurrency", o.maxConcurrencyProperty(), "no cap"),
                "--max-concurrency (open loop)");
        add("Seed", field("bench-seed", o.seedProperty(), "0"), "--seed: the schedule's and synthetic inputs' seed");
        add("Requests", field("bench-requests", o.requestsProperty(), "per level"),
                "--requests: measured requests per level (or a duration)");
        add("Duration s", field("bench-duration", o.durationSProperty(), "instead of requests"), "--duration-s");
        add("Warm-up", field("bench-warmup", o.warmupProperty(), "the level's concurrency"), "--warmup");
        add("Input tokens", field("bench-input-tokens", o.inputTokensProperty(), "N[:SD]"), "--input-tokens");
        add("Output tokens", field("bench-output-tokens", o.outputTokensProperty(), "N[:SD]"), "--output-tokens");
        ComboBox<String> thinking = new ComboBox<>();
        thinking.setId("bench-thinking");
        thinking.getItems().setAll(BenchOptions.THINKING);
        thinking.valueProperty().bindBidirectional(o.thinkingProperty());
        thinking.setMaxWidth(Double.MAX_VALUE);
        add("Thinking", thinking, "");
        // a model that never thinks, or always does, takes no switch (the catalogue's word): not offered, nothing sent
        thinking.disableProperty().bind(o.thinkingOfferedProperty().not());
        // ... and says why on itself, as the Playground's switch does (no tooltip shows on a disabled control)
        thinking.setButtonCell(new javafx.scene.control.ListCell<>() {
            {
                textProperty().bind(Bindings.createStringBinding(() -> !o.thinkingOfferedProperty().get()
                        ? o.thinkingLabelProperty().get() : isEmpty() || getItem() == null ? "" : getItem(),
                        itemProperty(), emptyProperty(), o.thinkingLabelProperty(), o.thinkingOfferedProperty()));
            }
        });
        thinking.getTooltip().textProperty().bind(Bindings.createStringBinding(
                () -> ThinkingHints.modeHint(o.thinkingModeProperty().get()) + (o.thinkingOfferedProperty().get()
                        ? "Turn the model's thinking on or off, in the provider's dialect"
                        : "Nothing is sent: the provider's default"),
                o.thinkingModeProperty(), o.thinkingOfferedProperty()));
        add("Max tokens", field("bench-max-tokens", o.maxTokensProperty(), "256"), "--max-tokens");
        add("SLO TTFT ms", field("bench-slo-ttft", o.sloTtftMsProperty(), "none"), "--slo-ttft-ms");
        add("SLO TPOT ms", field("bench-slo-tpot", o.sloTpotMsProperty(), "none"), "--slo-tpot-ms");
        add("SLO e2e ms", field("bench-slo-e2e", o.sloE2eMsProperty(), "none"), "--slo-e2e-ms");
        add("Goodput min", field("bench-goodput-min", o.goodputMinProperty(), "0.95"), "--goodput-min");
        ComboBox<String> find = new ComboBox<>();
        find.setId("bench-find-max");
        find.getItems().setAll(BenchOptions.FIND_MAX);
        find.valueProperty().bindBidirectional(o.findMaxProperty());
        find.setMaxWidth(Double.MAX_VALUE);
        add("Find max", find, "--find-max: search the highest load whose goodput meets the minimum");
        disableProperty().bind(vm.stateProperty().isEqualTo(BenchViewModel.State.RUNNING));
    }

    private void add(String label, Node field, String tip) {
        Label l = new Label(label);
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.setLabelFor(field);
        if (field instanceof javafx.scene.control.Control c) {
            c.setTooltip(new Tooltip(tip));
        }
        GridPane.setHalignment(l, javafx.geometry.HPos.RIGHT);
        GridPane.setValignment(l, javafx.geometry.VPos.CENTER);
        addRow(row++, l, field);
        setAlignment(Pos.TOP_LEFT);
    }

    private static TextField field(String id, StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefColumnCount(12);
        f.setAccessibleText(id.replace('-', ' '));
        f.textProperty().bindBidirectional(p);
        return f;
    }
}
