package dev.llmworkbench.bench;

import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Items per second of the whole batch engine (input parsing excluded; limiter with a tier that does not
 * bind, retries, budget, SQLite on a temp file: in-flight mark and result commit per item) against a bare
 * client loop (OpenAiClient at the same concurrency, no store), same simulator (no latency), same run.
 * Rounds alternate (bare, engine); the ratio of each round, their median and range are printed with the
 * machine's load, after one untimed round of each (a warm-up). Per round it prints the process's CPU per item and
 * each thread group's, the engine's measured between its start and its result (not the import and the export).
 * Args: [items] [concurrency] [rounds (5)] [the simulator's faults, e.g. "ttft-ms=20,tps=1000" for a paced server
 * (default "tps=0,ttft-ms=0": unpaced)]. Exits 1 when the median ratio is below 0.9.
 */
public final class BatchBench {
    private static final String MODEL = "qwen3-235b-a22b";

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        // the simulator's pace: none by default (the machine's CPU is then the limit, for both sides)
        String faults = args.length > 3 ? args[3] : "tps=0,ttft-ms=0";
        // the JDK HttpServer leaves Nagle on: with it, every streamed reply waits ~40 ms for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path tmp = Files.createTempDirectory("batchbench");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items; i++) {
            sb.append("{\"prompt\":\"benchmark question number ").append(i).append("\",\"max_tokens\":16}\n");
        }
        Path input = Files.writeString(tmp.resolve("in.jsonl"), sb.toString());
        Ratios ratios = new Ratios("engine / bare loop, items/s");
        System.out.println("before: " + Ratios.load());
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)));
             DaemonThreads threads = new DaemonThreads();
             ClientPool clients = ClientPool.create()) {
            ProviderProfile profile = ProviderProfile.of("bench", sim.baseUrl());
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                    Duration.ofSeconds(30));
            // warm-up, both sides alike (the engine's code is many times the bare loop's for the JIT to compile)
            bare(clients, profile, timeouts, items, concurrency);
            engine(threads, clients, profile, timeouts, input, tmp.resolve("wb-warm.db"), concurrency);
            for (int round = 1; round <= rounds; round++) {
                long c0 = ThreadCpu.processNanos();
                ThreadCpu t0 = ThreadCpu.now();
                double bare = bare(clients, profile, timeouts, items, concurrency);
                long c1 = ThreadCpu.processNanos();
                ThreadCpu t1 = ThreadCpu.now();
                double engine = engine(threads, clients, profile, timeouts, input, tmp.resolve("wb-" + round + ".db"),
                        concurrency);
                // the engine's CPU while it ran (between the start and the result), not the import and the export
                System.out.println("  bare   us/item by thread: " + t1.perItem(t0, items));
                System.out.println("  engine us/item by thread: " + engineThreads1.perItem(engineThreads0, items));
                System.out.printf(Locale.ROOT, "round %d: bare loop %.0f items/s (%.0f us CPU/item), engine %.0f items/s"
                                + " (%.0f us CPU/item), ratio %.2f%n", round, bare, (c1 - c0) / 1e3 / items, engine,
                        (engineCpu1 - engineCpu0) / 1e3 / items, engine / bare);
                ratios.add(engine, bare);
            }
        }
        System.out.println(ratios.summary() + " (target >= 0.9)");
        System.out.println("after: " + Ratios.load());
        if (ratios.medianRatio() < 0.9) {
            System.exit(1);
        }
    }

    private static long engineCpu0;
    private static long engineCpu1;
    private static ThreadCpu engineThreads0;
    private static ThreadCpu engineThreads1;

    private static double bare(ClientPool clients, ProviderProfile profile, Timeouts timeouts, int items,
                               int concurrency) throws InterruptedException {
        OpenAiClient client = clients.client(profile, null, timeouts);
        CountDownLatch done = new CountDownLatch(items);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long t0 = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            launch(client, items, next, done, errors);
        }
        done.await();
        double s = (System.nanoTime() - t0) / 1e9;
        if (errors.get() > 0) {
            System.out.println("bare loop errors: " + errors.get());
        }
        return items / s;
    }

    private static void launch(OpenAiClient client, int items, AtomicInteger next, CountDownLatch done,
                               AtomicInteger errors) {
        int i = next.getAndIncrement();
        if (i >= items) {
            return;
        }
        ChatRequest req = ChatRequest.builder(MODEL).user("benchmark question number " + i).maxTokens(16)
                .stream(true).includeUsage(true).build();
        client.start(req, null).result().whenComplete((c, e) -> {
            if (e != null || !c.ok()) {
                errors.incrementAndGet();
            }
            done.countDown();
            launch(client, items, next, done, errors);
        });
    }

    private static double engine(DaemonThreads threads, ClientPool clients, ProviderProfile profile,
                                 Timeouts timeouts, Path input, Path dbFile, int concurrency) throws Exception {
        Scheduler scheduler = Scheduler.of(threads.scheduled("bench-scheduler", 1));
        Clock clock = Clock.systemUTC();
        RateLimiter limiter = new RateLimiter(Ticker.system(), scheduler, clock,
                RateLimiter.Config.defaults().withDefaultTier(new RateLimitTier("unbound", 10_000_000, 100_000_000_000L)));
        ChatService chat = new ChatService(clients, limiter, RetryPolicy.defaults(Math::random),
                new BudgetLedger(clock, ZoneId.systemDefault()),
                new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                scheduler, Ticker.system(), clock);
        try (Database db = Database.open(dbFile, threads.fixed("store-writer", 1))) {
            BatchStore store = new BatchStore(db);
            BatchService service = new BatchService(store, new RunStore(db),
                    new BatchEngine(chat, store, threads.cached("bench-dispatch"), Ticker.system(), clock));
            BatchSettings settings = new BatchSettings(MODEL, false, null, concurrency, null, null, null, null,
                    profile.baseUrl(), null, null, null);
            BatchService.Prepared p = service.create(input, dbFile.resolveSibling(dbFile.getFileName() + ".out.jsonl"),
                    "jsonl", settings, profile.name());
            engineThreads0 = ThreadCpu.now();
            engineCpu0 = ThreadCpu.processNanos();
            long t0 = System.nanoTime();
            BatchOutcome o = service.start(p.job().id(), new BatchTarget(profile, null, timeouts),
                    settings, null).result().get();
            double s = (System.nanoTime() - t0) / 1e9;
            engineCpu1 = ThreadCpu.processNanos();
            engineThreads1 = ThreadCpu.now();
            BatchSummary summary = service.finish(p.job(), settings, o);
            if (summary.succeeded() != p.counts().valid()) {
                System.out.println("engine: only " + summary.succeeded() + " of " + p.counts().valid() + " done");
            }
            return p.counts().valid() / s;
        }
    }
}
