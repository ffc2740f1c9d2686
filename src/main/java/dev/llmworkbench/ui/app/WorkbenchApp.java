package dev.llmworkbench.ui.app;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.stage.Stage;

/**
 * The desktop application and the one composition root of the UI: it makes the preferences, the
 * views and the main window and wires them together. Views not built yet show a placeholder.
 *
 * <p>The theme can be chosen from the command line with {@code -Dllmworkbench.theme=dark} (or
 * {@code light}); it is then remembered like a choice made in the window.
 */
public class WorkbenchApp extends Application {
    public static final String TITLE = "LLM Workbench";
    /** The system property that forces a theme for one run: "light" or "dark". */
    public static final String THEME_PROPERTY = "llmworkbench.theme";

    /** The views in sidebar order (Ctrl+1 .. Ctrl+7). */
    public static final List<String> VIEWS =
            List.of("Playground", "Compare", "Batch", "Charts", "Estimate", "History", "Settings");

    private final Supplier<UiPreferences> preferencesFactory;
    private MainWindow window;

    /** The app as launched: preferences in the user's data folder. */
    public WorkbenchApp() {
        this(WorkbenchApp::defaultPreferences);
    }

    /** The app with the given preferences (tests). */
    public WorkbenchApp(UiPreferences preferences) {
        this(() -> preferences);
        Objects.requireNonNull(preferences, "preferences");
    }

    private WorkbenchApp(Supplier<UiPreferences> preferencesFactory) {
        this.preferencesFactory = preferencesFactory;
    }

    private static UiPreferences defaultPreferences() {
        return JsonFileUiPreferences.atDefaultLocation();
    }

    @Override
    public void start(Stage stage) {
        UiPreferences preferences = preferencesFactory.get();
        Navigation navigation = new Navigation();
        window = new MainWindow(stage, preferences, navigation);

        registerPlaceholder(navigation, "Playground",
                "Write a prompt, run it and watch the answer stream in, with live metrics and cost.");
        registerPlaceholder(navigation, "Compare",
                "The same prompt on two to four provider and model pairs, side by side.");
        registerPlaceholder(navigation, "Batch",
                "Run a file of prompts under rate limits and a budget, and export the results.");
        registerPlaceholder(navigation, "Charts",
                "Latency, throughput and cost over runs and models.");
        registerPlaceholder(navigation, "Estimate",
                "What a workload will cost before you run it.");
        registerPlaceholder(navigation, "History",
                "Every run, searchable, with its request, answer and metrics.");
        registerPlaceholder(navigation, "Settings",
                "Providers and keys, rate-limit tiers, budgets, prices and currency.");
        window.statusBar().providerModelProperty().set("Simulator (built in) · qwen3-235b-a22b");
        window.statusBar().spendProperty().set("today $0.00 of no budget");
        window.statusBar().limiterProperty().set("limiter: ready");
        window.showNotice("Running on the built-in simulator.",
                "No provider is set up, so answers come from the embedded simulator: no key needed.");

        String forced = System.getProperty(THEME_PROPERTY);
        if (forced != null) {
            window.setTheme(Theme.fromId(forced, window.getTheme()));
        }
        window.show();
        if (SmokeTest.requested(getParameters())) {
            SmokeTest.start(window);
        }
    }

    private static void registerPlaceholder(Navigation navigation, String name, String purpose) {
        Supplier<Node> view = () -> PlaceholderView.create(name, purpose);
        navigation.register(name, view);
    }

    /** The main window, once {@link #start(Stage)} ran. */
    public MainWindow window() {
        return window;
    }
}
