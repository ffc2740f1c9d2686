package dev.llmworkbench.ui.app;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.SettingsStore;
import dev.llmworkbench.ui.common.Tasks;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;

/**
 * {@code --smoke-test}: proves an installed app works end to end. With the main window open, it
 * starts the embedded simulator, runs one prompt through the {@link ChatService}, shows the answer in
 * the window, records the run in the user's data folder (the database's settings: the run count and
 * the last run) and exits 0. Any failure, or no answer within {@value #TIMEOUT_SECONDS} s, exits 1
 * with the reason logged (java.util.logging writes to stderr).
 *
 * <p>Self-contained: it builds its own service layer (this package is the UI's composition root).
 */
public final class SmokeTest {
    /** The command-line flag. */
    public static final String FLAG = "--smoke-test";
    public static final long TIMEOUT_SECONDS = 60;
    /** Settings keys written to the database in the data folder. */
    public static final String RUNS_KEY = "smoke-test.runs";
    public static final String LAST_KEY = "smoke-test.last";
    /** How long the answer stays on screen before the app exits (ms; for screenshots). */
    public static final String LINGER_PROPERTY = "llmworkbench.smoke.linger.ms";

    private static final Logger LOG = Logger.getLogger(SmokeTest.class.getName());
    private static final String PROMPT = "Say hello to the smoke test in one short sentence.";

    private SmokeTest() {
    }

    /** True when the command line asks for the smoke test (null when the app was not launched). */
    public static boolean requested(Application.Parameters parameters) {
        return parameters != null && parameters.getRaw().contains(FLAG);
    }

    /** Starts the smoke test; call on the FX thread after the main window is shown. */
    public static void start(MainWindow window) {
        Objects.requireNonNull(window, "window");
        long t0 = System.nanoTime();
        DaemonThreads threads = new DaemonThreads();
        ExecutorService worker = threads.fixed("smoke-test", 1);
        LOG.info("smoke test: window open, running one prompt on the embedded simulator");
        CompletableFuture.supplyAsync(() -> runPrompt(threads, SimConfig.defaults(), DataDirs.fromSystem()), worker)
                .orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenComplete((answer, error) -> {
                    if (error != null) {
                        Throwable cause = Tasks.cause(error);
                        String reason = cause instanceof TimeoutException
                                ? "no answer within " + TIMEOUT_SECONDS + " s" : Tasks.message(cause);
                        LOG.log(Level.SEVERE, "smoke test FAILED: " + reason, cause);
                        threads.close();
                        System.exit(1);
                        return;
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    Platform.runLater(() -> {
                        window.showNotice("Smoke test passed", answer);
                        // the window saved as a PNG, as a chart is: the installed runtime has no AWT, so this shows
                        // that the PNG writer works without it
                        java.nio.file.Path png = DataDirs.fromSystem().root().resolve("smoke-window.png");
                        try {
                            java.nio.file.Files.createDirectories(png.getParent());
                            dev.llmworkbench.ui.charts.ChartsView.writePng(window.stage().getScene().getRoot(), png);
                        } catch (java.io.IOException | RuntimeException e) {
                            LOG.log(Level.SEVERE, "smoke test FAILED: the window could not be saved as PNG", e);
                            threads.close();
                            System.exit(1);
                            return;
                        }
                        LOG.info(() -> "smoke test passed in " + ms + " ms: " + answer.length()
                                + " characters of answer shown in the window");
                        PauseTransition linger = new PauseTransition(javafx.util.Duration.millis(lingerMillis()));
                        linger.setOnFinished(e -> {
                            threads.close();
                            System.exit(0);
                        });
                        linger.play();
                    });
                });
    }

    private static long lingerMillis() {
        try {
            return Math.max(0, Long.parseLong(System.getProperty(LINGER_PROPERTY, "500")));
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    /**
     * On a worker thread: simulator → service → one streamed prompt → the answer, recorded in the
     * database of {@code dirs}. Throws with the reason when anything fails.
     */
    static String runPrompt(DaemonThreads threads, SimConfig config, DataDirs dirs) {
        try (Simulator sim = Simulator.start(config.withPort(0)); ClientPool clients = ClientPool.create()) {
            ChatService chat = chatService(threads, clients);
            ProviderProfile profile = new ProviderProfile("simulator", sim.baseUrl(), null, null, Map.of(), Map.of(),
                    null, null);
            ChatRequest request = ChatRequest.builder(config.defaultModel()).user(PROMPT).maxTokens(64).build();
            StringBuilder streamed = new StringBuilder();
            ChatObserver observer = new ChatObserver() {
                @Override
                public void onContent(String delta) {
                    synchronized (streamed) {
                        streamed.append(delta);
                    }
                }
            };
            ChatOutcome outcome = chat.start(ChatJob.of(profile, null, request), observer).result()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!outcome.ok()) {
                throw new IllegalStateException("the prompt failed: " + outcome.completion().error());
            }
            String answer = outcome.completion().text();
            if (answer == null || answer.isBlank()) {
                throw new IllegalStateException("the answer was empty");
            }
            synchronized (streamed) {
                if (streamed.length() == 0) {
                    throw new IllegalStateException("the answer was not streamed");
                }
            }
            record(dirs, answer);
            return answer;
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e);
        }
    }

    private static ChatService chatService(DaemonThreads threads, ClientPool clients) {
        Scheduler scheduler = Scheduler.of(threads.scheduled("smoke-test-scheduler", 1));
        Clock clock = Clock.systemDefaultZone();
        Ticker ticker = Ticker.system();
        RateLimiter limiter = new RateLimiter(ticker, scheduler, clock, RateLimiter.Config.defaults());
        Random random = new SecureRandom();
        RetryPolicy retry = RetryPolicy.defaults(random::nextDouble);
        BudgetLedger ledger = new BudgetLedger(clock, ZoneId.systemDefault());
        CostCalculator costs = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
        return new ChatService(clients, limiter, retry, ledger, costs, new TokenEstimator(), scheduler, ticker, clock);
    }

    /** Counts the run in the database in the user's data folder (never inside the installation). */
    private static void record(DataDirs dirs, String answer) {
        try (Database db = Database.open(dirs.defaultDatabase())) {
            SettingsStore settings = new SettingsStore(db);
            long runs = settings.getLong(RUNS_KEY, 0) + 1;
            settings.put(RUNS_KEY, runs);
            settings.put(LAST_KEY, Map.of("at", Instant.now().toString(), "answerChars", answer.length(),
                    "version", String.valueOf(SmokeTest.class.getPackage().getImplementationVersion())));
            LOG.info(() -> "smoke test run " + runs + " recorded in " + db.file());
        }
    }
}
