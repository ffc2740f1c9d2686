package dev.llmworkbench.ui.compare;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.ui.common.ProfileNames;
import dev.llmworkbench.ui.common.AcceleratorRegistry;
import dev.llmworkbench.ui.common.MetricTile;
import dev.llmworkbench.ui.common.Shortcuts;
import dev.llmworkbench.ui.common.StreamingTextBuffer;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Side-by-side comparison: one prompt, 2 to 4 lanes, each streaming with its own metrics strip. */
public final class CompareView extends BorderPane {
    private final CompareViewModel vm;
    private final HBox lanesBox = new HBox(10);

    public CompareView(CompareViewModel vm, AcceleratorRegistry accelerators) {
        this.vm = vm;
        setId("view-compare");
        setAccessibleText("Compare view");
        TextArea prompt = new TextArea();
        prompt.setId("compare-prompt");
        prompt.setPromptText("The prompt every lane gets");
        prompt.setAccessibleText("Prompt for every lane");
        prompt.setPrefRowCount(3);
        prompt.setWrapText(true);
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        Button run = new Button("Run all");
        run.setId("compare-run");
        run.getStyleClass().add(Styles.ACCENT);
        run.disableProperty().bind(vm.runningProperty());
        run.setOnAction(e -> vm.run());
        Button stop = new Button("Stop");
        stop.disableProperty().bind(vm.runningProperty().not());
        stop.setOnAction(e -> vm.stop());
        Button add = new Button("Add lane");
        add.setOnAction(e -> vm.addLane());
        Button remove = new Button("Remove lane");
        remove.setOnAction(e -> vm.removeLane());
        CheckBox thinking = new CheckBox("Thinking");
        thinking.selectedProperty().bindBidirectional(vm.thinkingProperty());
        Label summary = new Label();
        summary.setId("compare-summary");
        summary.getStyleClass().add(Styles.TEXT_BOLD);
        summary.setWrapText(true);
        summary.textProperty().bind(vm.summaryProperty());
        HBox buttons = new HBox(8, run, stop, add, remove, thinking);
        buttons.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(8, prompt, buttons, summary);
        top.setPadding(new Insets(8));
        setTop(top);
        lanesBox.setPadding(new Insets(0, 8, 8, 8));
        setCenter(lanesBox);
        rebuild();
        vm.lanes().addListener((ListChangeListener<CompareViewModel.Lane>) c -> rebuild());
        accelerators.register(Shortcuts.RUN, vm::run);
        accelerators.register(Shortcuts.STOP, vm::stop);
        accelerators.register(Shortcuts.FOCUS_PROMPT, prompt::requestFocus);
    }

    private void rebuild() {
        lanesBox.getChildren().clear();
        int i = 1;
        for (CompareViewModel.Lane lane : vm.lanes()) {
            VBox box = lane(lane, i++);
            HBox.setHgrow(box, Priority.ALWAYS);
            lanesBox.getChildren().add(box);
        }
    }

    private VBox lane(CompareViewModel.Lane lane, int n) {
        ComboBox<ProviderProfile> provider = new ComboBox<>(vm.profiles());
        provider.setAccessibleText("Provider of lane " + n);
        provider.valueProperty().bindBidirectional(lane.profileProperty());
        provider.setConverter(new ProfileNames(vm.profiles()));
        provider.setMaxWidth(Double.MAX_VALUE);
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("compare-model-" + n);
        model.setEditable(true);
        model.setAccessibleText("Model of lane " + n);
        model.valueProperty().bindBidirectional(lane.modelProperty());
        model.setMaxWidth(Double.MAX_VALUE);
        TextArea out = new TextArea();
        out.setId("compare-output-" + n);
        out.setEditable(false);
        out.setWrapText(true);
        out.getStyleClass().add("output-text");
        VBox.setVgrow(out, Priority.ALWAYS);
        StreamingTextBuffer buffer = new StreamingTextBuffer(out::appendText);
        lane.setSink(new CompareViewModel.LaneSink() {
            @Override
            public void reset() {
                buffer.discardPending();
                out.clear();
                buffer.start();
            }

            @Override
            public void text(String delta) {
                buffer.append(delta);
            }

            @Override
            public void end() {
                buffer.flushNow();
                buffer.stop();
            }
        });
        FlowPane metrics = new FlowPane(10, 4, tile("TTFT", lane.ttftProperty()), tile("tokens/s", lane.tpsProperty()),
                tile("end-to-end", lane.e2eProperty()), tile("tokens", lane.tokensProperty()),
                tile("cost", lane.costProperty()));
        metrics.getStyleClass().add("metrics-strip");
        Label error = new Label();
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);
        error.textProperty().bind(lane.errorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        VBox box = new VBox(6, provider, model, metrics, error, out);
        box.getStyleClass().add("compare-lane");
        box.setId("compare-lane-" + n);
        box.setMinWidth(200);
        return box;
    }

    private static MetricTile tile(String caption, ObservableValue<String> value) {
        MetricTile t = new MetricTile(caption);
        t.setValue(value.getValue());
        value.addListener((o, a, b) -> t.setValue(b));
        return t;
    }
}
