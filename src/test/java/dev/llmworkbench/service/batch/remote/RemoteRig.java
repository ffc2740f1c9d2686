package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RemoteShardStore;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The provider batch service as a composition root builds it, over SQLite in a folder, with a fake waiter that
 * records every wait instead of waiting. {@link #reopen()} is a new process on the same database (a resume).
 */
final class RemoteRig implements AutoCloseable {
    final Path dir;
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final DaemonThreads threads = new DaemonThreads();
    private final ClientPool clients = ClientPool.create();
    final ChatService chat;
    Database db;
    BatchService batches;
    RemoteShardStore shards;
    RemoteBatchService service;

    RemoteRig(Path dir) {
        this.dir = dir;
        Scheduler scheduler = Scheduler.of(threads.scheduled("test-scheduler", 1));
        Clock clock = Clock.systemUTC();
        RateLimiter limiter = new RateLimiter(Ticker.system(), scheduler, clock, RateLimiter.Config.defaults());
        chat = new ChatService(clients, limiter, RetryPolicy.defaults(() -> 0.5), new BudgetLedger(clock, ZoneOffset.UTC),
                new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                scheduler, Ticker.system(), clock);
        open();
    }

    private void open() {
        Clock clock = Clock.systemUTC();
        db = Database.open(dir.resolve("wb.db"));
        BatchStore store = new BatchStore(db);
        batches = new BatchService(store, new RunStore(db),
                new BatchEngine(chat, store, threads.cached("test-dispatch"), Ticker.system(), clock));
        shards = new RemoteShardStore(db);
        service = new RemoteBatchService(batches, shards, chat, dir.resolve("remote"), clock, waits::add);
    }

    /** As after a crash: everything above the database made again. */
    void reopen() {
        db.close();
        open();
    }

    @Override
    public void close() {
        db.close();
        clients.close();
        threads.close();
    }
}
