package dev.llmworkbench.ui.playground;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.service.chat.ErrorAdvice;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** An error in place: its title, what to do, and the one button that does it (Settings, or streaming on). */
final class ErrorBox extends VBox {
    ErrorBox(PlaygroundViewModel vm, Runnable openSettings) {
        super(4);
        setId("error-box");
        getStyleClass().add("error-box");
        Label errTitle = new Label();
        errTitle.getStyleClass().addAll(Styles.TEXT_BOLD, Styles.DANGER);
        errTitle.textProperty().bind(vm.errorTitleProperty());
        Label errText = new Label();
        errText.setId("error-text");
        errText.setWrapText(true);
        errText.textProperty().bind(vm.errorTextProperty());
        Button action = new Button();
        action.setId("error-action");
        action.getStyleClass().add(Styles.SMALL);
        vm.errorActionProperty().addListener((o, a, n) -> {
            action.setVisible(n == ErrorAdvice.Action.OPEN_SETTINGS || n == ErrorAdvice.Action.TURN_STREAMING_ON
                    || n == ErrorAdvice.Action.RAISE_BUDGET);
            action.setText(n == ErrorAdvice.Action.TURN_STREAMING_ON ? "Turn streaming on" : "Open Settings");
        });
        action.setVisible(false);
        action.managedProperty().bind(action.visibleProperty());
        action.setOnAction(e -> {
            if (vm.errorActionProperty().get() == ErrorAdvice.Action.TURN_STREAMING_ON) {
                vm.turnStreamingOn();
            } else {
                openSettings.run();
            }
        });
        // a run refused for unfilled {{variables}}: sending them empty is one click, when that is what is meant
        Button anyway = new Button("Send anyway");
        anyway.setId("send-anyway");
        anyway.getStyleClass().add(Styles.SMALL);
        anyway.visibleProperty().bind(vm.unfilledProperty().isNotEmpty());
        anyway.managedProperty().bind(anyway.visibleProperty());
        anyway.setOnAction(e -> vm.runAnyway());
        getChildren().addAll(errTitle, errText, action, anyway);
        visibleProperty().bind(vm.errorTitleProperty().isNotEmpty());
        managedProperty().bind(visibleProperty());
    }
}
