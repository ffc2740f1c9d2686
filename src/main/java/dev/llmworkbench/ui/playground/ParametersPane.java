package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.ui.common.Fields;
import dev.llmworkbench.ui.common.ProfileNames;
import dev.llmworkbench.ui.common.ThinkingHints;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;

/** The Parameters tab: provider, model, sampling, thinking, streaming, priority, response format and tools. */
final class ParametersPane extends ScrollPane {
    ParametersPane(PlaygroundViewModel vm) {
        ComboBox<ProviderProfile> provider = new ComboBox<>(vm.profiles());
        provider.setId("provider");
        provider.setAccessibleText("Provider");
        provider.valueProperty().bindBidirectional(vm.profileProperty());
        provider.setConverter(new ProfileNames(vm.profiles()));
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("model");
        model.setEditable(true);
        model.setAccessibleText("Model");
        model.valueProperty().bindBidirectional(vm.modelProperty());
        CheckBox thinking = new CheckBox("Thinking");
        thinking.setId("thinking");
        thinking.selectedProperty().bindBidirectional(vm.thinkingProperty());
        Tooltip thinkingTip = new Tooltip();
        thinkingTip.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> ThinkingHints.modeHint(vm.thinkingModeProperty().get())
                        + thinkingHint(vm.profileProperty().get()),
                vm.profileProperty(), vm.thinkingModeProperty()));
        thinking.setTooltip(thinkingTip);
        // a model that never thinks, or always does, takes no switch: shown as what it does, not offered
        thinking.disableProperty().bind(vm.thinkingOfferedProperty().not());
        thinking.textProperty().bind(vm.thinkingLabelProperty());
        CheckBox stream = new CheckBox("Stream");
        stream.setId("stream");
        stream.selectedProperty().bindBidirectional(vm.streamProperty());
        ComboBox<Priority> priority = new ComboBox<>(FXCollections.observableArrayList(Priority.values()));
        priority.setAccessibleText("Priority");
        priority.valueProperty().bindBidirectional(vm.priorityProperty());
        ComboBox<ResponseFormat.Type> format = new ComboBox<>(FXCollections.observableArrayList(ResponseFormat.Type.values()));
        format.setId("response-format");
        format.setAccessibleText("Response format");
        format.valueProperty().bindBidirectional(vm.responseFormatProperty());
        TextArea schema = new TextArea();
        schema.setId("schema");
        schema.setPromptText("{\"type\": \"object\", \"required\": [...], \"properties\": {...}}");
        schema.setPrefRowCount(4);
        schema.textProperty().bindBidirectional(vm.schemaJsonProperty());
        schema.disableProperty().bind(vm.responseFormatProperty().isNotEqualTo(ResponseFormat.Type.JSON_SCHEMA));
        TextArea tools = new TextArea();
        tools.setId("tools");
        tools.setPromptText("[{\"name\": \"get_weather\", \"description\": \"...\", \"parameters\": {...}}]");
        tools.setPrefRowCount(4);
        tools.textProperty().bindBidirectional(vm.toolsJsonProperty());

        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        g.setPadding(new Insets(10));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(javafx.scene.layout.Priority.ALWAYS);
        g.getColumnConstraints().addAll(labels, fields);
        int r = 0;
        g.addRow(r++, new Label("Provider"), provider);
        g.addRow(r++, new Label("Model"), model);
        g.addRow(r++, new Label("Temperature"), Fields.bound("temperature", vm.temperatureProperty(), "0 – 2"));
        g.addRow(r++, new Label("top_p"), Fields.bound("top-p", vm.topPProperty(), "0 – 1"));
        g.addRow(r++, new Label("max_tokens"), Fields.bound("max-tokens", vm.maxTokensProperty(), "no limit"));
        g.addRow(r++, thinking, Fields.bound("thinking-budget", vm.thinkingBudgetProperty(), "thinking budget (tokens)"));
        g.addRow(r++, new Label("Seed"), Fields.bound("seed", vm.seedProperty(), "random"));
        g.addRow(r++, stream, new Label(""));
        g.addRow(r++, new Label("Priority"), priority);
        g.addRow(r++, new Label("Response format"), format);
        g.addRow(r++, new Label("JSON schema"), schema);
        g.addRow(r++, new Label("Tools"), tools);
        setContent(g);
        setFitToWidth(true);
    }

    /** What the thinking switch sends to this provider, in its dialect. */
    static String thinkingHint(dev.llmworkbench.domain.ProviderProfile p) {
        if (p == null) {
            return "Thinking";
        }
        dev.llmworkbench.domain.Dialect d = p.dialect();
        return "Sent as " + d.thinkingSwitch() + " (dialect " + d.wireName() + ")"
                + (d.thinkingNeedsStreaming() ? "; streaming is turned on for it" : "");
    }
}
