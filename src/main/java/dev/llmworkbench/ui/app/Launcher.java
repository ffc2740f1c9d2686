package dev.llmworkbench.ui.app;

import javafx.application.Application;

/**
 * Starts the desktop app. A separate class with {@code main}, so that JavaFX starts from a plain
 * classpath (a main class that extends {@link Application} fails there).
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Why the desktop cannot open a window here (a Linux or BSD session with no display), or null.
     * Headless test platforms (Monocle) and macOS/Windows always have one.
     */
    public static String whyNoDisplay() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        boolean x11Like = !os.contains("win") && !os.contains("mac");
        if (!x11Like || System.getProperty("glass.platform") != null) {
            return null;
        }
        String display = System.getenv("DISPLAY");
        String wayland = System.getenv("WAYLAND_DISPLAY");
        if ((display == null || display.isBlank()) && (wayland == null || wayland.isBlank())) {
            return "no display to open the desktop app on (DISPLAY is not set); run a command instead "
                    + "(--help lists them), or start it under xvfb-run";
        }
        return null;
    }

    public static void main(String[] args) {
        EarlyServices.begin();
        Application.launch(WorkbenchApp.class, args);
    }
}
