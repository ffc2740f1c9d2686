package dev.llmworkbench.ui.playground;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.util.StringConverter;

/** The prompt library row: save under a name, pick a saved prompt and a version, open it, diff it; the notice. */
final class PromptLibraryBar extends FlowPane {
    PromptLibraryBar(PlaygroundViewModel vm) {
        super(6, 6);
        TextField name = new TextField();
        name.setId("prompt-name");
        name.setPromptText("Prompt name");
        name.setAccessibleText("Name to save the prompt under");
        Button save = new Button("Save");
        save.setId("save-prompt");
        save.setOnAction(e -> vm.savePrompt(name.getText())); // a bad name is said in the notice
        ComboBox<String> names = new ComboBox<>(vm.promptNames());
        names.setPromptText("Library");
        names.setAccessibleText("Saved prompts");
        ComboBox<SavedPrompt> versions = new ComboBox<>(vm.versions());
        versions.setPromptText("Version");
        versions.setAccessibleText("Versions of the saved prompt");
        versions.setConverter(new StringConverter<>() {
            @Override
            public String toString(SavedPrompt p) {
                return p == null ? "" : "v" + p.version() + " · " + p.createdAt().toString().substring(0, 16);
            }

            @Override
            public SavedPrompt fromString(String s) {
                return null;
            }
        });
        names.valueProperty().addListener((o, a, n) -> {
            vm.loadVersions(n);
            name.setText(n == null ? name.getText() : n);
        });
        Button open = new Button("Open");
        open.disableProperty().bind(versions.valueProperty().isNull());
        open.setOnAction(e -> vm.open(versions.getValue()));
        Button diff = new Button("Diff");
        diff.setTooltip(new Tooltip("What changed from the previous version to the one selected"));
        diff.disableProperty().bind(versions.valueProperty().isNull());
        diff.setOnAction(e -> {
            SavedPrompt sel = versions.getValue();
            int i = vm.versions().indexOf(sel);
            SavedPrompt older = i > 0 ? vm.versions().get(i - 1) : sel;
            ViewParts.showText("Diff v" + older.version() + " → v" + sel.version(), vm.diff(older, sel));
        });
        Label notice = new Label();
        notice.getStyleClass().add(Styles.TEXT_MUTED);
        notice.textProperty().bind(vm.noticeProperty());
        getChildren().addAll(name, save, names, versions, open, diff, notice);
        setAlignment(Pos.CENTER_LEFT);
    }
}
