package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import dev.llmworkbench.ui.charts.ChartsView;
import dev.llmworkbench.ui.charts.ChartsViewModel;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.StatusBar;
import dev.llmworkbench.ui.compare.CompareView;
import dev.llmworkbench.ui.compare.CompareViewModel;
import dev.llmworkbench.ui.estimate.EstimateView;
import dev.llmworkbench.ui.estimate.EstimateViewModel;
import dev.llmworkbench.ui.history.HistoryView;
import dev.llmworkbench.ui.history.HistoryViewModel;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import dev.llmworkbench.ui.settings.SettingsView;
import dev.llmworkbench.ui.settings.SettingsViewModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import javafx.util.Duration;

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
    static final String PREF_LAST_PROMPT = "playground.lastPrompt";
    /** The provider profile the Playground used last: it is chosen again at the next start. */
    static final String PREF_LAST_PROFILE = "playground.profile";

    /** The views in sidebar order (Ctrl+1 .. Ctrl+7 the first seven; later views are appended). */
    public static final List<String> VIEWS =
            List.of("Playground", "Compare", "Batch", "Charts", "Estimate", "History", "Settings", "Evaluate",
                    "Benchmark");

    private final Supplier<UiPreferences> preferencesFactory;
    private final Supplier<AppServices> servicesFactory;
    private MainWindow window;
    private UiPreferences preferences;
    /** Where the preferences file is written (one named daemon thread; its last write is awaited on exit). */
    private ExecutorService preferencesWriter;
    private AppServices services;
    private Timeline statusRefresh;
    private BatchViewModel batchViewModel;
    private dev.llmworkbench.ui.bench.BenchViewModel benchViewModel;

    /** The app as launched: preferences in the user's data folder, written on a thread of their own. */
    public WorkbenchApp() {
        this((Supplier<UiPreferences>) null, EarlyServices::take);
    }

    /** The app with the given preferences and services in a fresh temporary data folder (tests). */
    public WorkbenchApp(UiPreferences preferences) {
        this(preferences, WorkbenchApp::temporaryServices);
    }

    /** The app with the given preferences and services (tests). */
    public WorkbenchApp(UiPreferences preferences, Supplier<AppServices> services) {
        this(() -> preferences, services);
        Objects.requireNonNull(preferences, "preferences");
    }

    private WorkbenchApp(Supplier<UiPreferences> preferencesFactory, Supplier<AppServices> servicesFactory) {
        this.preferencesFactory = preferencesFactory;
        this.servicesFactory = servicesFactory;
    }

    private static AppServices temporaryServices() {
        try {
            return new AppServices(DataDirs.at(Files.createTempDirectory("llm-workbench-")), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /**
     * Opens the preferences and the services (the database, its migrations, the simulator, the interrupted jobs):
     * JavaFX calls this on the launcher thread, before {@link #start(Stage)}, so that none of it blocks the
     * window's thread. Tests that call {@code start} themselves call this first, off the FX thread.
     */
    @Override
    public void init() {
        if (services == null) {
            if (preferencesFactory != null) {
                preferences = preferencesFactory.get();
            } else {
                preferencesWriter = Executors.newSingleThreadExecutor(DaemonThreads.factory("workbench-preferences"));
                preferences = JsonFileUiPreferences.atDefaultLocation(preferencesWriter);
            }
            services = servicesFactory.get();
        }
    }

    @Override
    public void start(Stage stage) {
        if (services == null) {
            throw new IllegalStateException("init() opens the services, off the FX thread: call it before start()");
        }
        UiPreferences preferences = this.preferences;
        Navigation navigation = new Navigation();
        window = new MainWindow(stage, preferences, navigation);
        // nothing that escapes on the window's thread goes unseen: it is logged and said in the notice line
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
            java.util.logging.Logger.getLogger(WorkbenchApp.class.getName())
                    .log(java.util.logging.Level.SEVERE, "unexpected error on the window's thread", e);
            window.showNotice("Something went wrong.", dev.llmworkbench.ui.common.Tasks.message(e)
                    + " (the details are in the log)");
        });
        stage.addEventHandler(WindowEvent.WINDOW_HIDDEN, e -> closeServices());

        // the Playground's debounce and the batch panel's poll are scheduled, each on its own threads; the other
        // views' work (a connection test can take 15 s) runs on the background pool, so that no view waits behind
        // another's
        ScheduledExecutorService playgroundWork = services.threads().scheduled("playground-ui", 2);
        ScheduledExecutorService batchWork = services.threads().scheduled("batch-ui", 2);
        java.util.concurrent.Executor background = services.background();
        FxExecutor fx = FxExecutor.platform();
        PlaygroundViewModel playground = new PlaygroundViewModel(services.playground(), services.prices(),
                services.prompts(), playgroundWork, fx);
        playground.userPromptProperty().set(preferences.get(PREF_LAST_PROMPT, ""));
        String lastProfile = preferences.get(PREF_LAST_PROFILE, "");
        playground.profiles().stream().filter(p -> p.name().equals(lastProfile)).findFirst()
                .ifPresent(p -> playground.profileProperty().set(p));
        playground.profileProperty().addListener((o, a, b) -> {
            if (b != null && !b.name().equals(preferences.get(PREF_LAST_PROFILE, ""))) {
                preferences.put(PREF_LAST_PROFILE, b.name());
            }
        });
        // the preferences file is rewritten (temp file + move) on a save: once typing pauses, not per keystroke
        javafx.animation.PauseTransition savePrompt = new javafx.animation.PauseTransition(javafx.util.Duration.millis(600));
        Runnable saveLastPrompt = () -> {
            String text = playground.userPromptProperty().get();
            if (text != null && !text.isBlank() && !text.equals(preferences.get(PREF_LAST_PROMPT, ""))) {
                preferences.put(PREF_LAST_PROMPT, text);
            }
        };
        savePrompt.setOnFinished(e -> saveLastPrompt.run());
        playground.userPromptProperty().addListener((o, a, b) -> savePrompt.playFromStart());
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> {
            savePrompt.stop();
            saveLastPrompt.run();
        });
        Runnable openSettings = () -> window.showView("Settings");
        navigation.register("Playground",
                () -> new PlaygroundView(playground, window.acceleratorsFor("Playground"), openSettings));
        CompareViewModel compare = new CompareViewModel(services.playground(), services.prices(), services::evals, background,
                fx);
        navigation.register("Compare", () -> new CompareView(compare, window.acceleratorsFor("Compare")));
        // a provider batch job is watched on a thread of its own: it waits between polls for its whole run
        BatchViewModel batch = new BatchViewModel(services.batches(), services.remoteJobs(),
                services.threads().cached("remote-batch-watch"), services.prices().models(),
                services.providers().savedProfiles().stream().map(ProviderProfile::name).toList(), batchWork, fx);
        batch.offerInterrupted(services.interruptedBatchesAtStart());
        batch.remote().offer(services.remoteJobsAtStart());
        batchViewModel = batch;
        batch.interrupted().addListener((javafx.collections.ListChangeListener<BatchService.JobInfo>) c -> updateNotice());
        batch.remote().offered().addListener((javafx.collections.ListChangeListener<BatchService.JobInfo>) c -> updateNotice());
        navigation.register("Batch", () -> new BatchView(batch));
        ChartsViewModel charts = new ChartsViewModel(services.charts(), background, fx, java.time.Clock.systemDefaultZone());
        navigation.register("Charts", () -> new ChartsView(charts));
        EstimateViewModel estimate = new EstimateViewModel(services.estimatesWithHistory(), services.prices().models(),
                background, fx);
        navigation.register("Estimate", () -> new EstimateView(estimate));
        HistoryViewModel history = new HistoryViewModel(services.history(), background, fx, request -> {
            playground.reopen(request);
            window.showView("Playground");
        }, java.time.ZoneId.systemDefault());
        navigation.register("History", () -> new HistoryView(history));
        SettingsViewModel settings = new SettingsViewModel(services.providers(), services.prices(),
                services.limits(), background, fx);
        dev.llmworkbench.ui.eval.EvalViewModel eval = new dev.llmworkbench.ui.eval.EvalViewModel(services::evals,
                services::recentGrids, services.prompts(), services.providers(), services.prices().models(),
                background, fx);
        settings.setOnProfilesChanged(() -> {
            playground.reloadProfiles();
            compare.reloadProfiles();
            if (benchViewModel != null) {
                benchViewModel.reloadProfiles();
            }
            batch.profiles().setAll(services.providers().savedProfiles().stream().map(ProviderProfile::name)
                    .toList());
            eval.builder().reload();
            updateNotice();
        });
        navigation.register("Settings", () -> new SettingsView(settings));
        navigation.register("Evaluate", () -> new dev.llmworkbench.ui.eval.EvalView(eval));
        // a benchmark blocks one thread of the background pool while it runs; its live figures are folded on a
        // thread of its own, a few times a second
        benchViewModel = new dev.llmworkbench.ui.bench.BenchViewModel(services::bench, services.history(),
                services.providers(), services.prices(), services.background(),
                services.threads().scheduled("bench-ui", 1), fx);
        dev.llmworkbench.ui.bench.BenchViewModel bench = benchViewModel;
        navigation.register("Benchmark", () -> new dev.llmworkbench.ui.bench.BenchView(bench));

        StatusBar bar = window.statusBar();
        Runnable refresh = () -> {
            ProviderProfile p = playground.profileProperty().get();
            String model = playground.modelProperty().get();
            bar.providerModelProperty().set((p == null ? "" : p.name()) + " · " + model);
            bar.spendProperty().set(services.playground().spendText());
            PlaygroundService.LimiterStatus ls = services.playground().limiterStatus(p == null ? "" : p.name(), model);
            bar.limiterProperty().set(ls.text());
            bar.limiterPausedProperty().set(ls.paused());
        };
        playground.profileProperty().addListener((o, a, b) -> refresh.run());
        playground.modelProperty().addListener((o, a, b) -> refresh.run());
        playground.stateProperty().addListener((o, a, b) -> refresh.run());
        refresh.run();
        statusRefresh = new Timeline(new KeyFrame(Duration.millis(500), e -> refresh.run()));
        statusRefresh.setCycleCount(Animation.INDEFINITE);
        statusRefresh.play();
        updateNotice();

        String forced = System.getProperty(THEME_PROPERTY);
        if (forced != null) {
            window.setTheme(Theme.fromId(forced, window.getTheme()));
        }
        window.show();
        if (SmokeTest.requested(getParameters())) {
            SmokeTest.start(window);
        }
    }

    private void updateNotice() {
        List<BatchService.JobInfo> interrupted = batchViewModel == null ? List.of() : List.copyOf(batchViewModel.interrupted());
        if (!interrupted.isEmpty()) {
            BatchService.JobInfo j = interrupted.get(0);
            String file = j.inputPath() == null ? "" : " (" + java.nio.file.Path.of(j.inputPath()).getFileName() + ")";
            window.showNotice(interrupted.size() == 1 ? "A batch was interrupted." : interrupted.size()
                    + " batches were interrupted.", "Job " + j.jobId() + file
                    + " stopped when the app closed; what was done is kept, and the rest can be resumed.",
                    "Resume in Batch", "Batch");
            return;
        }
        List<BatchService.JobInfo> remote = batchViewModel == null ? List.of() : List.copyOf(batchViewModel.remote().offered());
        if (!remote.isEmpty()) {
            BatchService.JobInfo j = remote.get(0);
            String file = j.inputPath() == null ? "" : " (" + java.nio.file.Path.of(j.inputPath()).getFileName() + ")";
            window.showNotice(remote.size() == 1 ? "A provider batch job is still running." : remote.size()
                    + " provider batch jobs are still running.", "Provider batch job " + j.jobId() + file
                    + " was still running at the provider when the app closed; watching it collects its results.",
                    "Watch in Batch", "Batch");
            return;
        }
        if (services.providers().anySaved()) {
            window.noticeVisibleProperty().set(false);
        } else {
            window.showNotice("Running on the built-in simulator.",
                    "No provider is set up, so answers come from the embedded simulator: no key needed.");
        }
    }

    private void closeServices() {
        if (preferencesWriter != null) {
            // the last change of the window (its size, the prompt) is written before the app ends
            preferencesWriter.shutdown();
            try {
                preferencesWriter.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (statusRefresh != null) {
            statusRefresh.stop();
        }
        if (batchViewModel != null) {
            batchViewModel.dispose();
        }
        if (benchViewModel != null) {
            benchViewModel.dispose();
        }
        if (services != null) {
            services.close();
            services = null;
        }
    }

    @Override
    public void stop() {
        closeServices();
    }

    /** The services (tests). */
    public AppServices services() {
        return services;
    }

    private static void registerPlaceholder(Navigation navigation, String name, String purpose) {
        Supplier<Node> view = () -> PlaceholderView.create(name, purpose);
        navigation.register(name, view);
    }

    /** The batch panel's view model (tests). */
    public BatchViewModel batchViewModel() {
        return batchViewModel;
    }

    /** The main window, once {@link #start(Stage)} ran. */
    public MainWindow window() {
        return window;
    }
}
