package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * A batch service as the composition roots build it, for engine tests over real HTTP: real time, a limiter
 * tier that never binds (unless the server's own headers say otherwise), the given retry policy, SQLite in
 * {@code dir}. Close it after the test.
 */
final class BatchRig implements AutoCloseable {
    private final DaemonThreads threads = new DaemonThreads();
    private final ClientPool clients;
    private final Database db;
    private final BatchService service;

    BatchRig(Path dir, RetryPolicy retry) {
        this(dir, retry, null);
    }

    /** @param networkInterceptor sees every exchange on the wire (a test that watches what the client read), or null */
    BatchRig(Path dir, RetryPolicy retry, okhttp3.Interceptor networkInterceptor) {
        clients = networkInterceptor == null ? ClientPool.create()
                : new ClientPool(new okhttp3.OkHttpClient.Builder().addNetworkInterceptor(networkInterceptor).build(),
                System::nanoTime);
        Scheduler scheduler = Scheduler.of(threads.scheduled("test-scheduler", 1));
        Clock clock = Clock.systemUTC();
        RateLimiter limiter = new RateLimiter(Ticker.system(), scheduler, clock,
                RateLimiter.Config.defaults().withDefaultTier(new RateLimitTier("unbound", 1_000_000, 1_000_000_000L)));
        ChatService chat = new ChatService(clients, limiter, retry, new BudgetLedger(clock, ZoneOffset.UTC),
                new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                scheduler, Ticker.system(), clock);
        db = Database.open(dir.resolve("wb.db"));
        BatchStore store = new BatchStore(db);
        service = new BatchService(store, new RunStore(db),
                new BatchEngine(chat, store, threads.cached("test-dispatch"), Ticker.system(), clock));
    }

    BatchService service() {
        return service;
    }

    Database db() {
        return db;
    }

    @Override
    public void close() {
        db.close();
        clients.close();
        threads.close();
    }
}
