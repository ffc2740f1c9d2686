package dev.llmworkbench.ui.playground;

import java.util.Locale;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;

/** "View code": the current request as curl, Python (openai) and Java (OkHttp), the key from an environment variable. */
final class CodeDialog {
    private CodeDialog() { }

    static void show(PlaygroundViewModel vm) {
        String curl;
        String python;
        String java;
        try {
            curl = vm.codeCurl();
            python = vm.codePython();
            java = vm.codeJava();
        } catch (RuntimeException e) {
            ViewParts.showText("View code", "The request is not complete yet: " + e.getMessage());
            return;
        }
        TabPane tabs = new TabPane(codeTab("curl", curl), codeTab("Python (openai)", python), codeTab("Java (OkHttp)", java));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setPrefSize(760, 480);
        Alert a = new Alert(Alert.AlertType.NONE, "", ButtonType.CLOSE);
        a.setTitle("View code");
        a.setHeaderText("The current request; the key is read from an environment variable");
        a.getDialogPane().setContent(tabs);
        a.setResizable(true);
        a.show();
    }

    private static Tab codeTab(String name, String code) {
        TextArea t = ViewParts.readOnly("code-" + name.split(" ")[0].toLowerCase(Locale.ROOT));
        t.setText(code);
        t.getStyleClass().add("code");
        return new Tab(name, t);
    }
}
