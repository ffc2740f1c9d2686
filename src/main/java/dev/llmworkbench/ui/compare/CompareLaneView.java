package dev.llmworkbench.ui.compare;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.ui.common.ProfileNames;
import dev.llmworkbench.ui.common.StreamingTextBuffer;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * One lane: its provider, model and parameters, its figures and marks, its reasoning (shown when it has some) and its
 * answer. Streamed text goes through a per-frame buffer each for the answer and the reasoning; at the end the
 * recorded text replaces what streamed (a retry's text supersedes the failed attempt's).
 */
final class CompareLaneView extends VBox {
    private final TextArea answer = new TextArea();

    CompareLaneView(CompareLane lane, int n, ObservableList<ProviderProfile> profiles, ObservableList<String> models) {
        super(4);
        getStyleClass().add("compare-lane");
        setId("compare-lane-" + n);
        setMinWidth(200);
        ComboBox<ProviderProfile> provider = new ComboBox<>(profiles);
        provider.setId("compare-provider-" + n);
        provider.setAccessibleText("Provider of lane " + n);
        provider.valueProperty().bindBidirectional(lane.profileProperty());
        provider.setConverter(new ProfileNames(profiles));
        provider.setMaxWidth(Double.MAX_VALUE);
        ComboBox<String> model = new ComboBox<>(models);
        model.setId("compare-model-" + n);
        model.setEditable(true);
        model.setAccessibleText("Model of lane " + n);
        model.valueProperty().bindBidirectional(lane.modelProperty());
        model.setMaxWidth(Double.MAX_VALUE);

        CheckBox thinking = new CheckBox("Thinking");
        thinking.setId("compare-thinking-" + n);
        thinking.setMinWidth(Region.USE_PREF_SIZE);
        thinking.setAccessibleText("Thinking in lane " + n);
        thinking.selectedProperty().bindBidirectional(lane.thinkingProperty());
        // a model that never thinks, or always does, takes no switch (the catalogue's word)
        thinking.disableProperty().bind(lane.thinkingOfferedProperty().not());
        thinking.textProperty().bind(lane.thinkingLabelProperty());
        TextField budget = field("compare-budget-" + n, lane.thinkingBudgetProperty(), "budget",
                "Thinking budget in tokens (empty: the model's default)");
        budget.disableProperty().bind(lane.thinkingProperty().not());
        HBox think = new HBox(6, thinking, budget);
        think.setAlignment(Pos.CENTER_LEFT);
        FlowPane params = new FlowPane(10, 4,
                param("Temperature", field("compare-temperature-" + n, lane.temperatureProperty(), "default",
                        "Temperature, 0 to 2 (empty: the server's default)")),
                param("top_p", field("compare-top-p-" + n, lane.topPProperty(), "default",
                        "top_p, above 0 up to 1 (empty: the server's default)")),
                param("Max tokens", field("compare-max-tokens-" + n, lane.maxTokensProperty(), "default",
                        "The most tokens to generate (empty: the server's default)")),
                think);

        Label figures = new Label();
        figures.setId("compare-figures-" + n);
        figures.getStyleClass().add("compare-figures");
        figures.setWrapText(true);
        figures.textProperty().bind(lane.figuresProperty());
        figures.managedProperty().bind(figures.textProperty().isNotEmpty());
        figures.visibleProperty().bind(figures.managedProperty());
        Label marks = new Label();
        marks.setId("compare-marks-" + n);
        marks.getStyleClass().add("compare-marks");
        marks.setWrapText(true);
        marks.textProperty().bind(lane.marksProperty());
        marks.managedProperty().bind(marks.textProperty().isNotEmpty());
        marks.visibleProperty().bind(marks.managedProperty());
        Label error = new Label();
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);
        error.textProperty().bind(lane.errorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        error.visibleProperty().bind(error.managedProperty());

        TextArea reasoning = new TextArea();
        reasoning.setId("compare-reasoning-" + n);
        reasoning.setAccessibleText("Reasoning of lane " + n);
        reasoning.setEditable(false);
        reasoning.setWrapText(true);
        reasoning.setPrefRowCount(3);
        reasoning.setMinHeight(40);
        reasoning.getStyleClass().addAll("output-text", "compare-reasoning");
        reasoning.managedProperty().bind(lane.hasReasoningProperty());
        reasoning.visibleProperty().bind(lane.hasReasoningProperty());
        answer.setId("compare-output-" + n);
        answer.setAccessibleText("Answer of lane " + n);
        answer.setEditable(false);
        answer.setWrapText(true);
        answer.setPrefRowCount(6);
        answer.setMinHeight(40);
        answer.getStyleClass().add("output-text");
        VBox.setVgrow(answer, Priority.ALWAYS);

        StreamingTextBuffer answerBuffer = new StreamingTextBuffer(answer::appendText);
        StreamingTextBuffer reasoningBuffer = new StreamingTextBuffer(reasoning::appendText);
        lane.setSink(new CompareLane.Sink() {
            @Override
            public void reset() {
                answerBuffer.discardPending();
                reasoningBuffer.discardPending();
                answer.clear();
                reasoning.clear();
                answerBuffer.start();
                reasoningBuffer.start();
            }

            @Override
            public void text(String delta) {
                answerBuffer.append(delta);
            }

            @Override
            public void reasoning(String delta) {
                reasoningBuffer.append(delta);
            }

            @Override
            public void end() {
                answerBuffer.flushNow();
                reasoningBuffer.flushNow();
                answerBuffer.stop();
                reasoningBuffer.stop();
            }
        });
        // what was recorded is what stays shown
        replaceWhenRecorded(lane.textProperty(), answer);
        replaceWhenRecorded(lane.reasoningProperty(), reasoning);
        HBox.setHgrow(provider, Priority.ALWAYS);
        HBox.setHgrow(model, Priority.ALWAYS);
        provider.setPrefWidth(150);
        model.setPrefWidth(200);
        provider.setMinWidth(60);
        model.setMinWidth(80);
        HBox which = new HBox(6, provider, model);
        getChildren().addAll(which, params, figures, marks, error, reasoning, answer);
    }

    TextArea answer() {
        return answer;
    }

    private static void replaceWhenRecorded(StringProperty recorded, TextArea area) {
        recorded.addListener((o, a, b) -> {
            if (b != null && !b.isEmpty() && !b.equals(area.getText())) {
                area.setText(b);
            }
        });
    }

    private static TextField field(String id, StringProperty p, String prompt, String help) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefColumnCount(4);
        f.setAccessibleText(help);
        f.setTooltip(new Tooltip(help));
        f.textProperty().bindBidirectional(p);
        return f;
    }

    private static HBox param(String caption, TextField f) {
        Label l = new Label(caption);
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.setLabelFor(f);
        HBox box = new HBox(4, l, f);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }
}
