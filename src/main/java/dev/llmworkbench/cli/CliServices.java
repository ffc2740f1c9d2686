package dev.llmworkbench.cli;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.client.DialectMapper;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.providers.ProfileService;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.BudgetSpendStore;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.ProfileStore;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import dev.llmworkbench.store.SecretStores;
import java.io.IOException;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneId;
import dev.llmworkbench.service.estimate.QuoteService;
import dev.llmworkbench.service.estimate.RoutingService;
import dev.llmworkbench.cost.Router;
import java.util.Map;
import java.util.Random;

/**
 * The command line's composition root: builds the service layer (and the embedded simulator when
 * no base URL is given) for one command, and closes it all afterwards.
 */
final class CliServices implements AutoCloseable {
    static final String SIMULATOR = "simulator";
    private final DaemonThreads threads = new DaemonThreads();
    private final ClientPool clients = ClientPool.create();
    private Simulator simulator;
    private ChatService chat;
    private PriceCatalogue catalogue;
    private volatile Database database;
    private RetryPolicy retryPolicy;

    /** Every executor of the command comes from here (closed with the services). */
    DaemonThreads threads() {
        return threads;
    }

    /** Uses this retry policy instead of the default (call before {@link #chat()}). */
    CliServices withRetryPolicy(RetryPolicy policy) {
        this.retryPolicy = policy;
        return this;
    }

    /** No retries: a benchmark measures the server as it answers (call before {@link #chat()}). */
    CliServices withoutRetries() {
        return withRetryPolicy(new RetryPolicy(1, java.time.Duration.ZERO, java.time.Duration.ZERO,
                java.time.Duration.ZERO, false, () -> 0.0));
    }

    /** The benchmark service over {@link #chat()}. */
    dev.llmworkbench.service.bench.BenchService bench() {
        return new dev.llmworkbench.service.bench.BenchService(chat(), Clock.systemUTC());
    }

    /** The file of the database {@link #database} opens (for messages). */
    Path databaseFile(String dbOption) {
        return database(dbOption).file();
    }

    /**
     * The database: {@code dbOption} when given, else the default file in the data folder ({@link DataDirs},
     * which honours the {@value DataDirs#OVERRIDE_PROPERTY} system property). Opened once.
     */
    Database database(String dbOption) {
        if (database == null) {
            Path file = dbOption != null && !dbOption.isBlank() ? Path.of(dbOption)
                    : DataDirs.fromSystem().defaultDatabase();
            try {
                // Database.open makes a missing folder itself, owner-only (the data folder is private); one writer
                // thread commits every write (group commit): no thread of the network waits on SQLite
                database = Database.open(file, threads.fixed("store-writer", 1));
            } catch (dev.llmworkbench.store.StoreException e) {
                throw new UsageException(e.getMessage()); // says what the file is and what is wrong with it
            } catch (RuntimeException e) {
                throw new UsageException("cannot open the database " + file + ": " + e.getMessage());
            }
        }
        return database;
    }

    HistoryService history(String dbOption) {
        Database db = database(dbOption);
        return new HistoryService(new RunStore(db), new ResultStore(db), new BatchStore(db));
    }

    BatchService batches(String dbOption) {
        Database db = database(dbOption);
        BatchEngine engine = new BatchEngine(chat(), new BatchStore(db), threads.cached("batch-dispatch"),
                Ticker.system(), Clock.systemUTC());
        return new BatchService(new BatchStore(db), new RunStore(db), engine);
    }

    /**
     * Evaluation grids over the database {@code dbOption}: the batch engine over the command's chat service; runs
     * work on the executor {@code eval}; keys are read from the environment variables the configuration names.
     */
    dev.llmworkbench.service.eval.EvalService evals(String dbOption) {
        Database db = database(dbOption);
        BatchStore store = new BatchStore(db);
        BatchEngine engine = new BatchEngine(chat(), store, threads.cached("batch-dispatch"), Ticker.system(),
                Clock.systemUTC());
        return new dev.llmworkbench.service.eval.EvalService(new dev.llmworkbench.store.EvalStore(db), store,
                new RunStore(db), engine, chat(), threads.cached("eval"), System::getenv);
    }

    /**
     * Provider batch jobs over the database {@code dbOption}; their shard and result files are kept in the
     * folder {@code batch-files} beside the database; polls wait on the command's thread.
     */
    dev.llmworkbench.service.batch.remote.RemoteBatchService remoteBatches(String dbOption) {
        Database db = database(dbOption);
        Path work = db.file().toAbsolutePath().getParent().resolve("batch-files");
        return new dev.llmworkbench.service.batch.remote.RemoteBatchService(batches(dbOption),
                new dev.llmworkbench.store.RemoteShardStore(db), chat(), work, Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    EstimateService estimates() {
        return new EstimateService(costs(), new TokenEstimator(costs().catalogue()));
    }

    ProfileService profiles(String dbOption) {
        Database db = database(dbOption);
        return ProfileService.withSystemEnv(new ProfileStore(db),
                () -> SecretStores.chooseDefault(DataDirs.fromSystem()).store());
    }

    /**
     * Saved profiles with their keys, for {@code profile add/list/show/remove/test}: keys go where the desktop
     * keeps them (the OS keyring, else the owner-only file of the data folder), never to the database. The
     * simulator's profile is only a reserved name here (nothing is started).
     */
    ProviderService providers(String dbOption) {
        Database db = database(dbOption);
        SecretStores.Selection secrets = SecretStores.chooseDefault(DataDirs.fromSystem());
        ProviderProfile sim = new ProviderProfile(SIMULATOR, "http://127.0.0.1/v1", null, null, Map.of(), Map.of(),
                null, null, Dialect.DASHSCOPE);
        return new ProviderService(new ProfileStore(db), secrets.store(), secrets.describe(), sim, clients);
    }

    /** What the dialect sends for a thinking setting, in one line ({@link DialectMapper#describe}). */
    static String thinkingSent(Dialect dialect, Boolean thinking) {
        return DialectMapper.describe(dialect, thinking, null);
    }

    /** The user's price overrides, kept apart from the bundled catalogue (may not exist yet). */
    static java.nio.file.Path priceOverridesFile() {
        return dev.llmworkbench.store.DataDirs.fromSystem().root().resolve("price-overrides.json");
    }

    PriceCatalogue catalogue() {
        if (catalogue == null) {
            catalogue = PriceCatalogue.loadBundled(priceOverridesFile());
        }
        return catalogue;
    }

    /** The simulator's default body limit ({@code sim --max-body-bytes}). */
    static final long SIM_MAX_BODY_BYTES = dev.llmworkbench.sim.ServerLimits.DEFAULT_MAX_BODY_BYTES;
    /** The simulator's default number of requests handled at once ({@code sim --max-handlers}). */
    static final int SIM_MAX_HANDLERS = dev.llmworkbench.sim.ServerLimits.DEFAULT_MAX_HANDLERS;

    /** A simulator {@code sim} runs in the foreground. */
    interface ForegroundSimulator extends AutoCloseable {
        String baseUrl();

        /** Closes it on Ctrl+C / SIGTERM. */
        void closeOnShutdown();

        /** Waits until it is closed (an interrupt ends the wait). */
        void awaitClose() throws InterruptedException;

        @Override
        void close();
    }

    /**
     * Starts the simulator {@code sim} runs: every model and alias of the catalogue and the built-in list served, plus
     * {@code moreModels}; faults, limits and dialect as given.
     *
     * @throws IllegalArgumentException with a one-line reason for a bad fault spec or limit
     * @throws java.io.IOException when the port cannot be listened on
     */
    static ForegroundSimulator startSimulator(int port, String faults, java.util.List<String> moreModels,
                                              long maxBodyBytes, java.time.Duration readTimeout, int maxHandlers,
                                              Dialect dialect) throws java.io.IOException {
        dev.llmworkbench.sim.ServerLimits limits = new dev.llmworkbench.sim.ServerLimits(maxBodyBytes, readTimeout,
                readTimeout, maxHandlers);
        SimConfig config = SimConfig.defaults().withPort(port).withFaults(dev.llmworkbench.sim.FaultSpec.parse(faults))
                .withLimits(limits).withModels(PriceCatalogue.loadBundled().modelsAndAliases())
                .withMoreModels(SimConfig.BUILT_IN_MODELS).withMoreModels(moreModels).withDialect(dialect);
        Simulator sim = Simulator.start(config);
        return new ForegroundSimulator() {
            @Override
            public String baseUrl() {
                return sim.baseUrl();
            }

            @Override
            public void closeOnShutdown() {
                sim.closeOnShutdown();
            }

            @Override
            public void awaitClose() throws InterruptedException {
                sim.awaitClose();
            }

            @Override
            public void close() {
                sim.close();
            }
        };
    }

    /** The price and compress tools over the bundled catalogue and the user's overrides (no database, no network). */
    static QuoteService quotes() {
        PriceCatalogue prices = PriceCatalogue.loadBundled(priceOverridesFile());
        return new QuoteService(new CostCalculator(prices, ExchangeRate.MARKET_DEFAULT), new TokenEstimator(prices));
    }

    /**
     * The router as {@code route} uses it: a fresh ledger with no budget set, so a prompt is never routed down
     * for money here (the desktop's router sees the day's budgets).
     */
    static RoutingService routing() {
        PriceCatalogue prices = PriceCatalogue.loadBundled(priceOverridesFile());
        CostCalculator costs = new CostCalculator(prices, ExchangeRate.MARKET_DEFAULT);
        return new RoutingService(new Router(), costs, new TokenEstimator(prices),
                new BudgetLedger(Clock.systemDefaultZone(), ZoneId.systemDefault()));
    }

    CostCalculator costs() {
        return new CostCalculator(catalogue(), ExchangeRate.MARKET_DEFAULT);
    }

    ChatService chat() {
        if (chat == null) {
            Scheduler scheduler = Scheduler.of(threads.scheduled("workbench-scheduler", 1));
            Clock clock = Clock.systemDefaultZone();
            Ticker ticker = Ticker.system();
            RateLimiter limiter = new RateLimiter(ticker, scheduler, clock, RateLimiter.Config.defaults());
            Random random = new SecureRandom();
            RetryPolicy retry = retryPolicy != null ? retryPolicy : RetryPolicy.defaults(random::nextDouble);
            BudgetLedger ledger = new BudgetLedger(clock, ZoneId.systemDefault());
            // what a command spends counts in the day's spend the desktop shows and its budget enforces
            ledger.onCharged((priority, usd) -> {
                Database d = database;
                if (d != null) {
                    // handed to the writer: a charge settles on a thread of the network, which never waits on SQLite
                    new BudgetSpendStore(d).addSpendLater(java.time.LocalDate.now(clock), priority, usd)
                            .whenComplete((total, e) -> {
                                if (e != null) {
                                    java.util.logging.Logger.getLogger(CliServices.class.getName())
                                            .log(java.util.logging.Level.WARNING, "spend could not be stored", e);
                                }
                            });
                }
            });
            chat = new ChatService(clients, limiter, retry, ledger, costs(), new TokenEstimator(costs().catalogue()),
                    scheduler, ticker, clock);
        }
        return chat;
    }

    /** The exact JSON body {@code request} is sent with to {@code profile} (never a key), or null when it cannot be made. */
    String requestJson(ProviderProfile profile, dev.llmworkbench.domain.ChatRequest request) {
        try {
            return clients.client(profile, null, dev.llmworkbench.domain.Timeouts.defaults()).requestJson(request);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The data folder ({@link DataDirs}, honouring its override property), for the command line's log. */
    static Path dataFolder() {
        return DataDirs.fromSystem().root();
    }

    /** The embedded simulator, started on first use, serving the catalogue's models. */
    Simulator simulator() {
        if (simulator == null) {
            try {
                simulator = Simulator.start(SimConfig.defaults().withModels(catalogue().modelsAndAliases())
                        .withMoreModels(SimConfig.BUILT_IN_MODELS));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded simulator: " + e.getMessage(), e);
            }
        }
        return simulator;
    }

    /**
     * The provider to talk to: the given base URL (its dialect guessed from it, {@link
     * dev.llmworkbench.domain.Dialect#guess}), or the embedded simulator when none is given.
     */
    ProviderProfile profile(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            // the embedded simulator answers Qwen3's DashScope switch
            return new ProviderProfile(SIMULATOR, simulator().baseUrl(), null, null, Map.of(), Map.of(), null, null,
                    Dialect.DASHSCOPE);
        }
        String problem = ProviderProfile.baseUrlProblem(baseUrl);
        if (problem != null) {
            throw new UsageException("--base-url: " + problem);
        }
        return ProviderProfile.of("custom", baseUrl);
    }

    /** A provider to talk to and the key to send it (null: none). */
    record Provider(ProviderProfile profile, ApiKey key) {
    }

    /**
     * The provider named by {@code --profile}, {@code --base-url} and {@code --api-key-env} (each may be null):
     * the saved profile (read from the database {@code dbOption}), its base URL replaced by {@code baseUrl} when
     * given and its key by the variable {@code apiKeyEnv} when named; without a profile, {@link #profile} and
     * {@link #key} with the default variable {@value ChatCommand#DEFAULT_KEY_ENV}.
     */
    Provider provider(String profileName, String baseUrl, String apiKeyEnv, String dbOption) {
        boolean explicitKey = apiKeyEnv != null;
        if (profileName != null) {
            ProfileService.Resolved r;
            try {
                r = profiles(dbOption).resolve(profileName);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            ProviderProfile p = baseUrl == null ? r.profile() : r.profile().withBaseUrl(baseUrl);
            return new Provider(p, explicitKey ? key(apiKeyEnv, true, false) : r.key());
        }
        ProviderProfile p = profile(baseUrl);
        return new Provider(p, key(explicitKey ? apiKeyEnv : ChatCommand.DEFAULT_KEY_ENV, explicitKey, baseUrl == null));
    }

    /**
     * The key from the environment variable {@code envName}: required when the variable was named
     * explicitly, optional (local servers need none) when it is the default. No other variable is read.
     */
    static ApiKey key(String envName, boolean explicit, boolean simulator) {
        if (simulator && !explicit) {
            return null;
        }
        String value = System.getenv(envName);
        if ((value == null || value.isBlank()) && explicit) {
            throw new UsageException("missing key: the environment variable " + envName + " is not set");
        }
        return ApiKey.ofNullable(value);
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
        clients.close();
        threads.close();
        if (database != null) {
            database.close();
        }
    }
}
