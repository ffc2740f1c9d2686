package dev.llmworkbench.ui.compare;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.ui.common.AcceleratorRegistry;
import dev.llmworkbench.ui.common.Shortcuts;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Side-by-side comparison: a shared system prompt, conversation and prompt (with its variables), 2 to 4 lanes each
 * with its provider, model and parameters, streaming with its reasoning, scrolled together; under them the metrics
 * table and the word diff of two answers.
 */
public final class CompareView extends BorderPane {
    private final CompareViewModel vm;
    private final HBox lanesBox = new HBox(10);
    private final Map<CompareLane, CompareLaneView> laneViews = new IdentityHashMap<>();
    private final ScrollSync scrollSync;
    private final VBox turnsBox = new VBox(4);
    private final FlowPane variablesBox = new FlowPane(10, 4);

    public CompareView(CompareViewModel vm, AcceleratorRegistry accelerators) {
        this.vm = vm;
        this.scrollSync = new ScrollSync(vm.syncScrollProperty());
        setId("view-compare");
        setAccessibleText("Compare view");
        var css = CompareView.class.getResource("/dev/llmworkbench/ui/compare/compare.css");
        if (css != null) {
            getStylesheets().add(css.toExternalForm());
        }
        TextArea system = new TextArea();
        system.setId("compare-system");
        system.setPromptText("System prompt (optional), the same for every lane");
        system.setAccessibleText("System prompt for every lane");
        system.setPrefRowCount(2);
        system.setWrapText(true);
        system.textProperty().bindBidirectional(vm.systemPromptProperty());
        TextArea prompt = new TextArea();
        prompt.setId("compare-prompt");
        prompt.setPromptText("The prompt every lane gets ({{name}} for a variable)");
        prompt.setAccessibleText("Prompt for every lane");
        prompt.setPrefRowCount(2);
        prompt.setWrapText(true);
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        HBox.setHgrow(system, Priority.ALWAYS);
        HBox.setHgrow(prompt, Priority.ALWAYS);
        system.setPrefWidth(300);
        prompt.setPrefWidth(400);
        HBox texts = new HBox(8, system, prompt);

        Button run = new Button("Run all");
        run.setId("compare-run");
        run.getStyleClass().add(Styles.ACCENT);
        run.disableProperty().bind(vm.runningProperty());
        run.setOnAction(e -> vm.run());
        Button stop = new Button("Stop");
        stop.setId("compare-stop");
        stop.disableProperty().bind(vm.runningProperty().not());
        stop.setOnAction(e -> vm.stop());
        Button add = new Button("Add lane");
        add.setId("compare-add-lane");
        add.setOnAction(e -> vm.addLane());
        Button remove = new Button("Remove lane");
        remove.setId("compare-remove-lane");
        remove.setOnAction(e -> vm.removeLane());
        Button save = new Button("Save as evaluation");
        save.setId("compare-save-eval");
        save.setTooltip(new javafx.scene.control.Tooltip("An evaluation grid: one row of this prompt and its"
                + " variables, one column per lane (open it in the Evaluation view to run it)"));
        save.disableProperty().bind(vm.runningProperty().or(vm.savingProperty()));
        save.setOnAction(e -> vm.saveAsEvaluation());
        CheckBox sync = new CheckBox("Scroll together");
        sync.setId("compare-sync-scroll");
        sync.setAccessibleText("Scroll the answers together");
        sync.selectedProperty().bindBidirectional(vm.syncScrollProperty());
        for (var n : List.of(run, stop, add, remove, save, sync)) {
            ((Region) n).setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox buttons = new HBox(8, run, stop, add, remove, save, sync);
        buttons.setAlignment(Pos.CENTER_LEFT);
        Label summary = label("compare-summary", vm.summaryProperty().isEmpty());
        summary.textProperty().bind(vm.summaryProperty());
        summary.getStyleClass().add(Styles.TEXT_BOLD);
        Label saved = label("compare-save-message", vm.saveMessageProperty().isEmpty());
        saved.textProperty().bind(vm.saveMessageProperty());
        VBox top = new VBox(6, texts, conversation(), variablesBox, buttons, summary, saved);
        top.setPadding(new Insets(8));
        setTop(top);

        variablesBox.setId("compare-variables");
        variablesBox.managedProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(vm.variables()));
        variablesBox.visibleProperty().bind(variablesBox.managedProperty());
        rebuildVariables();
        vm.variables().addListener((ListChangeListener<CompareViewModel.Variable>) c -> rebuildVariables());

        lanesBox.setPadding(new Insets(0, 8, 8, 8));
        lanesBox.setFillHeight(true);
        lanesBox.setId("compare-lanes");
        VBox.setVgrow(lanesBox, Priority.ALWAYS);
        // the lanes take what the results leave (a plain box: the lanes are in the scene graph at once)
        CompareResultsPane results = new CompareResultsPane(vm);
        results.setPrefHeight(170);
        results.setMinHeight(110);
        VBox center = new VBox(0, lanesBox, results);
        center.setPadding(new Insets(0, 0, 4, 0));
        setCenter(center);
        rebuild();
        vm.lanes().addListener((ListChangeListener<CompareLane>) c -> rebuild());
        accelerators.register(Shortcuts.RUN, vm::run);
        accelerators.register(Shortcuts.STOP, vm::stop);
        accelerators.register(Shortcuts.FOCUS_PROMPT, prompt::requestFocus);
    }

    /** The view model (for tests). */
    public CompareViewModel viewModel() {
        return vm;
    }

    private static Label label(String id, javafx.beans.binding.BooleanBinding empty) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.managedProperty().bind(empty.not());
        l.visibleProperty().bind(l.managedProperty());
        return l;
    }

    /** The shared conversation: earlier turns sent before the prompt, folded away until wanted. */
    private TitledPane conversation() {
        Button user = new Button("Add a user turn");
        user.setId("compare-add-user-turn");
        user.setOnAction(e -> vm.addTurn(Role.USER));
        Button assistant = new Button("Add an assistant turn");
        assistant.setId("compare-add-assistant-turn");
        assistant.setOnAction(e -> vm.addTurn(Role.ASSISTANT));
        HBox buttons = new HBox(8, user, assistant);
        VBox content = new VBox(6, turnsBox, buttons);
        TitledPane pane = new TitledPane("", content);
        pane.setId("compare-conversation");
        pane.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.conversation().isEmpty()
                ? "Conversation: none before the prompt" : "Conversation: " + vm.conversation().size()
                + (vm.conversation().size() == 1 ? " turn" : " turns") + " before the prompt", vm.conversation()));
        pane.setExpanded(false);
        rebuildTurns();
        vm.conversation().addListener((ListChangeListener<CompareViewModel.Turn>) c -> {
            while (c.next()) {
                if (c.wasAdded() || c.wasRemoved()) {
                    rebuildTurns();
                    return;
                }
            }
        });
        return pane;
    }

    private void rebuildTurns() {
        turnsBox.getChildren().clear();
        int i = 1;
        for (CompareViewModel.Turn t : vm.conversation()) {
            Label role = new Label(t.roleProperty().get() == Role.USER ? "User" : "Assistant");
            role.setMinWidth(Region.USE_PREF_SIZE);
            role.setPrefWidth(70);
            TextField text = new TextField();
            text.setId("compare-turn-" + i);
            text.setAccessibleText(role.getText() + " turn " + i);
            text.textProperty().bindBidirectional(t.textProperty());
            HBox.setHgrow(text, Priority.ALWAYS);
            Button remove = new Button("Remove");
            remove.setMinWidth(Region.USE_PREF_SIZE);
            remove.setOnAction(e -> vm.removeTurn(t));
            HBox row = new HBox(6, role, text, remove);
            row.setAlignment(Pos.CENTER_LEFT);
            turnsBox.getChildren().add(row);
            i++;
        }
    }

    private void rebuildVariables() {
        variablesBox.getChildren().clear();
        for (CompareViewModel.Variable v : vm.variables()) {
            Label name = new Label("{{" + v.name() + "}}");
            name.setMinWidth(Region.USE_PREF_SIZE);
            TextField value = new TextField();
            value.setId("compare-var-" + v.name());
            value.setAccessibleText("Value of " + v.name());
            value.setPrefColumnCount(12);
            value.textProperty().bindBidirectional(v.valueProperty());
            name.setLabelFor(value);
            HBox box = new HBox(4, name, value);
            box.setAlignment(Pos.CENTER_LEFT);
            variablesBox.getChildren().add(box);
        }
    }

    private void rebuild() {
        laneViews.keySet().retainAll(new ArrayList<>(vm.lanes()));
        lanesBox.getChildren().clear();
        List<TextArea> answers = new ArrayList<>();
        int i = 1;
        for (CompareLane lane : vm.lanes()) {
            int n = i++;
            CompareLaneView box = laneViews.computeIfAbsent(lane, l -> new CompareLaneView(l, n, vm.profiles(),
                    vm.models()));
            HBox.setHgrow(box, Priority.ALWAYS);
            box.setMaxWidth(Double.MAX_VALUE);
            lanesBox.getChildren().add(box);
            answers.add(box.answer());
            scrollSync.add(box.answer());
        }
        scrollSync.retain(answers);
    }
}
