package dev.llmworkbench.ui.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The desktop application: the one composition root of the UI. */
public class WorkbenchApp extends Application {
    public static final String TITLE = "LLM Workbench";

    @Override
    public void start(Stage stage) {
        Label placeholder = new Label(TITLE + ": the desktop app is being built.");
        stage.setTitle(TITLE);
        stage.setScene(new Scene(new StackPane(placeholder), 1000, 700));
        stage.show();
    }
}
