package dev.llmworkbench.ui.app;

import javafx.application.Application;

/**
 * Starts the desktop app. A separate class with {@code main}, so that JavaFX starts from a plain
 * classpath (a main class that extends {@link Application} fails there).
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }
}
