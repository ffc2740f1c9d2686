package dev.llmworkbench.ui.eval;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.eval.GridDraft;
import dev.llmworkbench.service.eval.PromptDiff;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import java.io.File;
import java.util.List;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * Building a grid: the tests file, the prompt versions (two of them side by side, inserted and deleted words
 * highlighted), the models with their parameters and the judge, then Create.
 */
final class GridBuilderPane extends ScrollPane {
    private final GridBuilderViewModel vm;
    private final TextFlow left = new TextFlow();
    private final TextFlow right = new TextFlow();

    GridBuilderPane(GridBuilderViewModel vm) {
        this.vm = vm;
        setId("eval-builder");
        setFitToWidth(true);

        Button open = EvalView.button("eval-tests-open", "Open tests file…", e -> chooseTests());
        Label tests = new Label();
        tests.setId("eval-tests");
        tests.setWrapText(true);
        tests.textProperty().bind(vm.testsSummaryProperty());
        HBox testsRow = new HBox(8, open, tests);
        testsRow.setAlignment(Pos.CENTER_LEFT);

        VBox box = new VBox(10, section("1. Test cases (CSV or JSONL of variables; __expected columns are checks)"),
                testsRow, section("2. Prompt versions from the library"), versions(),
                section("Compare two versions word by word"), diff(),
                section("3. Models: a provider, a model and its parameters per column"), targets(),
                createRow());
        box.setPadding(new Insets(8));
        setContent(box);
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add("text-bold");
        return l;
    }

    private Node versions() {
        ComboBox<String> name = new ComboBox<>(vm.promptNames());
        name.setId("eval-prompt-name");
        name.setPromptText("saved prompt");
        name.valueProperty().addListener((o, a, b) -> vm.loadVersions(b));
        ListView<SavedPrompt> versions = list("eval-versions", vm.versions(), p -> p.label() + " · "
                + p.createdAt().toString().substring(0, 16).replace('T', ' '));
        versions.setPlaceholder(new Label("Choose a saved prompt (save one in the Playground)."));
        Button add = EvalView.button("eval-version-add", "Add →", e -> vm.choose(versions.getSelectionModel()
                .getSelectedItem()));
        add.disableProperty().bind(versions.getSelectionModel().selectedItemProperty().isNull());
        ListView<SavedPrompt> chosen = list("eval-chosen", vm.chosen(), SavedPrompt::label);
        chosen.setPlaceholder(new Label("No version chosen."));
        Button remove = EvalView.button("eval-version-remove", "Remove", e -> vm.unchoose(chosen.getSelectionModel()
                .getSelectedItem()));
        remove.disableProperty().bind(chosen.getSelectionModel().selectedItemProperty().isNull());
        VBox from = new VBox(6, name, versions);
        VBox to = new VBox(6, new Label("In the grid, in column order"), chosen, remove);
        VBox mid = new VBox(add);
        mid.setAlignment(Pos.CENTER);
        HBox row = new HBox(8, from, mid, to);
        HBox.setHgrow(from, Priority.ALWAYS);
        HBox.setHgrow(to, Priority.ALWAYS);
        return row;
    }

    private Node diff() {
        ComboBox<SavedPrompt> a = versionBox("eval-diff-left");
        a.valueProperty().bindBidirectional(vm.diffLeftProperty());
        ComboBox<SavedPrompt> b = versionBox("eval-diff-right");
        b.valueProperty().bindBidirectional(vm.diffRightProperty());
        Label summary = new Label();
        summary.setId("eval-diff-summary");
        summary.setWrapText(true);
        summary.textProperty().bind(Bindings.createStringBinding(() -> {
            PromptDiff.SideBySide d = vm.diffProperty().get();
            return d == null ? "Choose two versions to compare." : d.same() ? "The two versions are the same."
                    : d.deletedWords() + " words deleted, " + d.insertedWords() + " inserted";
        }, vm.diffProperty()));
        left.setId("eval-diff-older");
        right.setId("eval-diff-newer");
        vm.diffProperty().addListener((o, x, d) -> render(d));
        GridPane sides = new GridPane();
        sides.setHgap(12);
        sides.setVgap(4);
        sides.add(a, 0, 0);
        sides.add(b, 1, 0);
        sides.add(frame(left), 0, 1);
        sides.add(frame(right), 1, 1);
        javafx.scene.layout.ColumnConstraints half = new javafx.scene.layout.ColumnConstraints();
        half.setPercentWidth(50);
        sides.getColumnConstraints().setAll(half, half);
        return new VBox(6, summary, sides);
    }

    private static Node frame(TextFlow flow) {
        flow.setPadding(new Insets(6));
        flow.setStyle("-fx-border-color: -color-border-default; -fx-border-radius: 4;");
        flow.setMinHeight(60);
        return flow;
    }

    /** Fills the two sides: deleted words struck out in red on the left, inserted words underlined in green. */
    private void render(PromptDiff.SideBySide d) {
        left.getChildren().clear();
        right.getChildren().clear();
        if (d == null) {
            return;
        }
        for (PromptDiff.Segment s : d.left()) {
            left.getChildren().add(text(s));
        }
        for (PromptDiff.Segment s : d.right()) {
            right.getChildren().add(text(s));
        }
    }

    private static Text text(PromptDiff.Segment s) {
        Text t = new Text(s.text());
        t.getStyleClass().add("diff-" + s.kind().name().toLowerCase(java.util.Locale.ROOT));
        switch (s.kind()) {
            case DELETED -> {
                t.setStyle("-fx-fill: -color-danger-fg; -fx-font-weight: bold;");
                t.setStrikethrough(true);
            }
            case INSERTED -> {
                t.setStyle("-fx-fill: -color-success-fg; -fx-font-weight: bold;");
                t.setUnderline(true);
            }
            default -> t.setStyle("-fx-fill: -color-fg-default;");
        }
        return t;
    }

    private ComboBox<SavedPrompt> versionBox(String id) {
        ComboBox<SavedPrompt> c = new ComboBox<>(vm.chosen());
        c.setId(id);
        c.setPromptText("version");
        c.setConverter(new StringConverter<>() {
            @Override
            public String toString(SavedPrompt p) {
                return p == null ? "" : p.label();
            }

            @Override
            public SavedPrompt fromString(String s) {
                return null;
            }
        });
        return c;
    }

    private Node targets() {
        ComboBox<ProviderProfile> profile = new ComboBox<>(vm.profiles());
        profile.setId("eval-profile");
        profile.valueProperty().bindBidirectional(vm.profileProperty());
        profile.setConverter(new StringConverter<>() {
            @Override
            public String toString(ProviderProfile p) {
                return p == null ? "" : p.name();
            }

            @Override
            public ProviderProfile fromString(String s) {
                return null;
            }
        });
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("eval-model");
        model.setEditable(true);
        model.valueProperty().bindBidirectional(vm.modelProperty());
        TextField temperature = new TextField();
        temperature.setId("eval-temperature");
        temperature.setPrefColumnCount(4);
        temperature.setPromptText("default");
        temperature.textProperty().bindBidirectional(vm.temperatureProperty());
        TextField maxTokens = new TextField();
        maxTokens.setId("eval-max-tokens");
        maxTokens.setPrefColumnCount(5);
        maxTokens.setPromptText("default");
        maxTokens.textProperty().bindBidirectional(vm.maxTokensProperty());
        Button add = EvalView.button("eval-target-add", "Add model", e -> vm.addTarget());
        Button judge = EvalView.button("eval-judge", "Use as judge", e -> vm.useAsJudge());
        judge.setTooltip(new javafx.scene.control.Tooltip("The model that decides llm-similar and llm-rubric checks"
                + " (its cost is counted in the cells)"));
        FlowPane form = new FlowPane(10, 6, EvalView.labelled("Provider", profile), EvalView.labelled("Model", model),
                EvalView.labelled("Temperature", temperature), EvalView.labelled("Max tokens", maxTokens), add, judge);
        form.setAlignment(Pos.CENTER_LEFT);
        ListView<GridDraft.Target> list = list("eval-targets", vm.targets(), GridDraft.Target::describe);
        list.setPlaceholder(new Label("No model added."));
        Button remove = EvalView.button("eval-target-remove", "Remove model", e -> vm.targets().remove(
                list.getSelectionModel().getSelectedItem()));
        remove.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        Label judgeLabel = new Label();
        judgeLabel.setId("eval-judge-label");
        judgeLabel.setWrapText(true);
        judgeLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.judgeProperty().get() == null
                ? "No judge (needed only for llm-similar and llm-rubric checks)."
                : "Judge: " + vm.judgeProperty().get().describe(), vm.judgeProperty()));
        return new VBox(6, form, list, new HBox(8, remove), judgeLabel);
    }

    private Node createRow() {
        Button create = EvalView.button("eval-create", "Create grid", e -> vm.create());
        create.disableProperty().bind(vm.testsProperty().isNull().or(Bindings.isEmpty(vm.chosen()))
                .or(Bindings.isEmpty(vm.targets())));
        Label hint = new Label("Columns: each version × each model. Run sends the cells.");
        hint.setWrapText(true);
        HBox row = new HBox(8, create, hint);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static <T> ListView<T> list(String id, javafx.collections.ObservableList<T> items, Function<T, String> text) {
        ListView<T> l = new ListView<>(items);
        l.setId(id);
        l.setPrefHeight(110);
        l.setCellFactory(x -> new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : text.apply(item));
            }
        });
        return l;
    }

    private void chooseTests() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a tests file");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV, JSONL, JSON or YAML", List.of("*.csv",
                "*.jsonl", "*.json", "*.yaml", "*.yml")));
        File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            vm.loadTests(f.toPath());
        }
    }
}
