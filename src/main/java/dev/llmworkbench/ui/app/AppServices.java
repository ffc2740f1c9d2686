package dev.llmworkbench.ui.app;

import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.Router;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.charts.ChartsService;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.estimate.RoutingService;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.history.RunRecorder;
import dev.llmworkbench.service.playground.PlaygroundService;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.providers.LimitsService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.providers.ProviderPreset;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.BudgetSpendStore;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.FileSecretStore;
import dev.llmworkbench.store.ProfileStore;
import dev.llmworkbench.store.PromptStore;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import dev.llmworkbench.store.SecretStores;
import dev.llmworkbench.store.SettingsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The desktop's composition root below the UI: threads, the database in the data folder, the
 * embedded simulator (always started; the default provider when none is set up), the HTTP client
 * pool, limiter, retry policy, budget ledger (today's spend restored), the chat service and the
 * façades the views use. {@link #close()} shuts all of it down.
 */
public final class AppServices implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AppServices.class.getName());

    private final DaemonThreads threads = new DaemonThreads();
    private final DataDirs dirs;
    private final Database db;
    private final Simulator simulator;
    private final ClientPool clients;
    private final RateLimiter limiter;
    private final RateLimiter benchLimiter;
    private final RetryPolicy retry;
    private final BudgetLedger ledger;
    private final TokenEstimator estimator = new TokenEstimator();
    private final Scheduler scheduler;
    private final Ticker ticker = Ticker.system();
    private final Clock clock = Clock.systemDefaultZone();
    private final PriceService prices;
    private final ProviderService providers;
    private final PromptLibraryService prompts;
    private final PlaygroundService playground;
    private final LimitsService limits;
    private final ExecutorService background;
    private final BudgetSpendStore spendStore;
    private volatile ChatService chat;
    private volatile RunRecorder recorder;
    private final HistoryService history;
    private final BatchStore batchStore;
    private final ExecutorService batchDispatch;
    private final BatchService batchService;
    private final ChartsService chartsService;
    private final EstimateService estimateService;
    private final List<BatchService.JobInfo> interruptedAtStart;
    private final dev.llmworkbench.service.batch.remote.RemoteJobs remoteJobs;
    private final List<BatchService.JobInfo> remoteAtStart;
    private final ExecutorService evalWork;
    private final dev.llmworkbench.store.EvalStore evalStore;
    private final RunStore runStore;
    private volatile dev.llmworkbench.service.eval.EvalService evals;

    /** Services over the default data folder (honours {@code -Dllmworkbench.data.dir}), keys in the OS keyring if any. */
    public static AppServices createDefault() {
        return new AppServices(DataDirs.fromSystem(), true);
    }

    /**
     * @param useKeyring false keeps keys in the owner-only file of the data folder (tests)
     */
    public AppServices(DataDirs dirs, boolean useKeyring) {
        this(dirs, useKeyring, null);
    }

    /**
     * @param useKeyring  false keeps keys in the owner-only file of the data folder (tests)
     * @param retryPolicy the retry policy of every request, or null for {@link RetryPolicy#defaults}
     */
    public AppServices(DataDirs dirs, boolean useKeyring, RetryPolicy retryPolicy) {
        this.dirs = dirs;
        // one writer thread commits every write (group commit): no thread of the network waits on SQLite
        this.db = Database.open(dirs.defaultDatabase(), threads.fixed("store-writer", 1));
        this.background = threads.cached("workbench-ui-work");
        this.scheduler = Scheduler.of(threads.scheduled("workbench-scheduler", 1));
        SettingsStore settings = new SettingsStore(db);
        this.prices = new PriceService(dirs.settingsDir().resolve("price-overrides.json"), settings, estimator);
        try {
            this.simulator = Simulator.start(SimConfig.defaults().withModels(prices.catalogue().modelsAndAliases())
                    .withMoreModels(SimConfig.BUILT_IN_MODELS));
        } catch (IOException e) {
            db.close();
            throw new UncheckedIOException("could not start the embedded simulator: " + e.getMessage(), e);
        }
        this.clients = ClientPool.create();
        this.limiter = new RateLimiter(ticker, scheduler, clock, RateLimiter.Config.defaults());
        this.benchLimiter = new RateLimiter(ticker, scheduler, clock, RateLimiter.Config.defaults());
        Random random = new SecureRandom();
        this.retry = retryPolicy != null ? retryPolicy : RetryPolicy.defaults(random::nextDouble);
        this.ledger = new BudgetLedger(clock, ZoneId.systemDefault());
        this.spendStore = new BudgetSpendStore(db);
        restoreSpend();
        this.limits = new LimitsService(settings, limiter, ledger);
        this.chat = newChatService();
        prices.addListener(() -> chat = newChatService());

        SecretStores.Selection secrets = useKeyring ? SecretStores.chooseDefault(dirs)
                : new SecretStores.Selection(new FileSecretStore(dirs.secretsFile()), "tests keep keys in a file");
        ProviderProfile sim = new ProviderProfile(ProviderPreset.SIMULATOR, simulator.baseUrl(),
                simulator.config().defaultModel(), null, Map.of(), Map.of(), null, null,
                ProviderPreset.find("simulator").orElseThrow().dialect());
        this.providers = new ProviderService(new ProfileStore(db), secrets.store(), secrets.describe(), sim, clients);
        this.prompts = new PromptLibraryService(new PromptStore(db));
        this.batchStore = new BatchStore(db);
        RunStore runStore = new RunStore(db);
        ResultStore resultStore = new ResultStore(db);
        this.history = new HistoryService(runStore, resultStore, batchStore);
        this.batchDispatch = threads.cached("batch-dispatch");
        this.batchService = new BatchService(batchStore, runStore,
                () -> new BatchEngine(chat, batchStore, batchDispatch, ticker, clock), this::batchTarget,
                dirs.root().resolve("batches"));
        List<BatchService.JobInfo> interrupted;
        try {
            batchStore.markInterrupted();
            interrupted = batchService.interrupted();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "interrupted batch jobs could not be read", e);
            interrupted = List.of();
        }
        this.interruptedAtStart = interrupted;
        // provider batch jobs: their shard files beside the database; a cancel cuts the wait between polls short
        dev.llmworkbench.service.batch.remote.Wakeup wakeup = new dev.llmworkbench.service.batch.remote.Wakeup();
        dev.llmworkbench.store.RemoteShardStore shardStore = new dev.llmworkbench.store.RemoteShardStore(db);
        this.remoteJobs = new dev.llmworkbench.service.batch.remote.RemoteJobs(
                () -> new dev.llmworkbench.service.batch.remote.RemoteBatchService(batchService, shardStore, chat,
                        dirs.root().resolve("batch-files"), clock, wakeup), batchService, shardStore,
                this::batchTarget, wakeup::wake);
        List<BatchService.JobInfo> remoteUnfinished;
        try {
            remoteUnfinished = remoteJobs.unfinished();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unfinished provider batch jobs could not be read", e);
            remoteUnfinished = List.of();
        }
        this.remoteAtStart = remoteUnfinished;
        this.runStore = runStore;
        this.evalStore = new dev.llmworkbench.store.EvalStore(db);
        this.evalWork = threads.cached("eval");
        this.evals = newEvalService();
        prices.addListener(() -> evals = newEvalService()); // after the chat service's listener: the new prices
        this.chartsService = new ChartsService(runStore, resultStore, prices, ZoneId.systemDefault());
        this.estimateService = new EstimateService(prices.calculator(), estimator,
                new RoutingService(new Router(), prices.calculator(), estimator, ledger), runStore, resultStore, clock);
        this.recorder = (job, outcome, kind, requestJson, draft) -> history.recordChat(job, outcome,
                clock.instant().minusMillis((long) outcome.totalMs()), kind, requestJson, draft);
        this.playground = new PlaygroundService(() -> chat, clients, providers, this::record, ZoneId.systemDefault(),
                background);
        providers.reload(); // the window lists the profiles on its thread: they are read here, before it opens
        background.execute(providers::warmKeys); // the keyring is read off the window's thread, once
        // every charge, whichever engine made it (playground, compare, batch, bench), is stored as it settles:
        // today's spend after a restart is the whole day's, and the daily budget enforces that figure
        ledger.onCharged((priority, usd) -> background.execute(() -> {
            try {
                spendStore.addSpend(LocalDate.now(clock), priority, usd);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "spend could not be stored", e);
            }
        }));
        playground.setDailyBudgetSource(limits::dailyBudgetUsd);
    }

    private ChatService newChatService() {
        return new ChatService(clients, limiter, retry, ledger, prices.calculator(), estimator, scheduler, ticker, clock);
    }

    private dev.llmworkbench.service.eval.EvalService newEvalService() {
        return new dev.llmworkbench.service.eval.EvalService(evalStore, batchStore, runStore,
                new BatchEngine(chat, batchStore, batchDispatch, ticker, clock), chat, evalWork, System::getenv);
    }

    private void restoreSpend() {
        try {
            LocalDate today = LocalDate.now(clock);
            Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
            ledger.restore(new BudgetLedger.Snapshot(today, spendStore.spentByPriority(today), hour,
                    spendStore.tokensInHour(clock.instant())));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "today's spend could not be restored", e);
        }
    }

    private void record(ChatJob job, ChatOutcome outcome, RunKind kind, String requestJson,
                        dev.llmworkbench.service.playground.PlaygroundDraft draft) {
        try {
            if (outcome.completion().usage() != null) {
                spendStore.addTokens(clock.instant(), outcome.completion().usage().totalOrSum());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "spend could not be stored", e);
        }
        try {
            recorder.recordChat(job, outcome, kind, requestJson, draft);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the run could not be recorded in the history", e);
        }
    }

    private BatchTarget batchTarget(String profileName) {
        // a job names its profile: when that profile is gone (renamed, deleted) the run must not go to
        // another provider silently
        ProviderProfile p = profileName == null ? providers.defaultProfile()
                : providers.find(profileName).orElseThrow(() -> new IllegalStateException("the provider profile '"
                        + profileName + "' of this batch no longer exists (renamed or deleted in Settings);"
                        + " create it again to resume the batch"));
        ApiKey key = providers.key(p).orElse(null);
        return new BatchTarget(p, key, Timeouts.defaults());
    }

    /** A fresh estimator over the current prices. */
    public EstimateService estimates() {
        return new EstimateService(prices.calculator(), estimator);
    }

    /**
     * A benchmark service over the current prices: its own chat service without retries (a benchmark measures the
     * server) and its own limiter (the benchmark opens its limiter wide; the other views keep theirs), the spend
     * counted in the one ledger.
     */
    public dev.llmworkbench.service.bench.BenchService bench() {
        RetryPolicy once = new RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO,
                false, () -> 0.0);
        ChatService c = new ChatService(clients, benchLimiter, once, ledger, prices.calculator(), estimator, scheduler,
                ticker, clock);
        return new dev.llmworkbench.service.bench.BenchService(c, clock);
    }

    /** Batch jobs: preview, dry run, create, run, retry, export. */
    public BatchService batches() {
        return batchService;
    }

    /**
     * Evaluation grids over the current prices (a new service after a price change: keys given with
     * {@code useKeys} are given again before each run).
     */
    public dev.llmworkbench.service.eval.EvalService evals() {
        return evals;
    }

    /** The evaluation grids of the history. */
    public dev.llmworkbench.service.eval.RecentGrids recentGrids() {
        return new dev.llmworkbench.service.eval.RecentGrids(evalStore, runStore);
    }

    /** Provider batch jobs: estimate, create, submit, watch, cancel, retry, finish. */
    public dev.llmworkbench.service.batch.remote.RemoteJobs remoteJobs() {
        return remoteJobs;
    }

    /** The provider batch jobs a previous session left running (offered for watching). */
    public List<BatchService.JobInfo> remoteJobsAtStart() {
        return remoteAtStart;
    }

    /** The jobs found interrupted when these services started (offered for resuming). */
    public List<BatchService.JobInfo> interruptedBatchesAtStart() {
        return interruptedAtStart;
    }

    public ChartsService charts() {
        return chartsService;
    }

    /** The estimator with the history's figures and the router (the desktop's estimate view). */
    public EstimateService estimatesWithHistory() {
        return estimateService;
    }

    /** The history of runs (single, compare, batch, benchmark). */
    public HistoryService history() {
        return history;
    }

    /** Where runs are recorded besides the spend (the history store by default). */
    public void setRunRecorder(RunRecorder r) {
        this.recorder = r == null ? RunRecorder.NONE : r;
    }

    public DataDirs dirs() {
        return dirs;
    }

    public Database database() {
        return db;
    }

    public Simulator simulator() {
        return simulator;
    }

    public PriceCatalogue catalogue() {
        return prices.catalogue();
    }

    public ChatService chat() {
        return chat;
    }

    public PriceService prices() {
        return prices;
    }

    public ProviderService providers() {
        return providers;
    }

    public PromptLibraryService prompts() {
        return prompts;
    }

    public PlaygroundService playground() {
        return playground;
    }

    public LimitsService limits() {
        return limits;
    }

    /** Where views run blocking work (estimates, connection tests), off the FX thread. */
    public ExecutorService background() {
        return background;
    }

    public DaemonThreads threads() {
        return threads;
    }

    @Override
    public void close() {
        try {
            simulator.close();
        } finally {
            clients.close();
            threads.close();
            db.close();
        }
    }
}
