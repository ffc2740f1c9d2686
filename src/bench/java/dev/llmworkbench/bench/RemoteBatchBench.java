package dev.llmworkbench.bench;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.service.batch.remote.RemoteBatchService;
import dev.llmworkbench.service.batch.remote.RemoteListener;
import dev.llmworkbench.service.batch.remote.RemoteSettings;
import dev.llmworkbench.service.batch.remote.RemoteSummary;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RemoteShardStore;
import dev.llmworkbench.store.RunStore;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * A provider batch job of N one-line prompts (default 120,000) against the simulator's Batch API (in a child
 * JVM, no batch delay), 50,000 lines per file: the time of each phase (reading the input into the job,
 * planning + upload + batch creation, polling + download + reconcile, the export) and this JVM's peak heap
 * (the sum of the heap pools' peaks). The simulator answers every line when it is first asked about a
 * finished batch, so its own work is inside "poll + download + reconcile". Args: [rows].
 */
public final class RemoteBatchBench {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 120_000;
        Path tmp = Files.createTempDirectory("remotebench");
        Path input = tmp.resolve("in.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                w.write("{\"request_id\":\"q" + i + "\",\"prompt\":\"benchmark question number " + i
                        + "\",\"max_tokens\":16}\n");
            }
        }
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        // the simulator runs in its own JVM, so that its work and its memory (it keeps files in memory) are not
        // counted as the workbench's
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process sim = new ProcessBuilder(java, "-Xmx1g", "-cp", classPath(),
                "dev.llmworkbench.Main", "sim", "--faults", "batch-ms=0").redirectErrorStream(true).start();
        String baseUrl;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(sim.getInputStream(),
                StandardCharsets.UTF_8))) {
            baseUrl = lines.readLine().trim();
        }
        try (DaemonThreads threads = new DaemonThreads();
             ClientPool clients = ClientPool.create();
             Database db = Database.open(tmp.resolve("wb.db"))) {
            Scheduler scheduler = Scheduler.of(threads.scheduled("bench-scheduler", 1));
            Clock clock = Clock.systemUTC();
            ChatService chat = new ChatService(clients, new RateLimiter(Ticker.system(), scheduler, clock,
                    RateLimiter.Config.defaults()), RetryPolicy.defaults(Math::random),
                    new BudgetLedger(clock, ZoneId.systemDefault()),
                    new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                    scheduler, Ticker.system(), clock);
            BatchStore store = new BatchStore(db);
            BatchService batches = new BatchService(store, new RunStore(db),
                    new BatchEngine(chat, store, threads.cached("bench-dispatch"), Ticker.system(), clock));
            RemoteBatchService service = new RemoteBatchService(batches, new RemoteShardStore(db), chat,
                    tmp.resolve("batch-files"), clock, d -> LockSupport.parkNanos(d.toNanos()));
            ProviderProfile profile = ProviderProfile.of("bench", baseUrl).withDialect(Dialect.GENERIC);
            BatchTarget target = new BatchTarget(profile, null, new Timeouts(Duration.ofSeconds(5),
                    Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(600)), false);
            BatchSettings settings = new BatchSettings("qwen-plus", false, 16, 1, null, null, null, null,
                    profile.baseUrl(), null, null, null);
            RemoteSettings rs = RemoteSettings.defaults(Dialect.GENERIC).with(50_000, null, null,
                    Duration.ofMillis(50));

            Instant t0 = Instant.now();
            String job = service.create(input, tmp.resolve("out.jsonl"), "jsonl", settings, rs, "bench",
                    dev.llmworkbench.service.batch.BatchInput.DEFAULT_MAX_LINE_BYTES).job().id();
            Instant t1 = Instant.now();
            service.plan(job, profile, settings);
            Instant tPlan = Instant.now();
            service.submit(job, target, settings, RemoteListener.NONE);
            Instant t2 = Instant.now();
            service.await(job, target, RemoteListener.NONE);
            Instant t3 = Instant.now();
            RemoteSummary sum = service.finish(job, settings, t1);
            Instant t4 = Instant.now();
            long peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            System.out.printf(Locale.ROOT, "%d rows, %d shards: %d done, %d failed, %d not run%n", rows,
                    sum.shards(), sum.summary().succeeded(), sum.summary().failed(), sum.summary().notRun());
            System.out.printf(Locale.ROOT, "read input into the job %.1f s; plan %.1f s; upload + create %.1f s; "
                            + "poll + download + reconcile %.1f s; export %.1f s; planning to reconcile %.1f s; "
                            + "total %.1f s%n", secs(t0, t1), secs(t1, tPlan), secs(tPlan, t2), secs(t2, t3),
                    secs(t3, t4), secs(t1, t3), secs(t0, t4));
            System.out.printf(Locale.ROOT, "peak heap %.0f MB (max heap %.0f MB)%n", peak / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6);
        } finally {
            sim.destroy();
        }
    }

    /** The project's class path (under exec:java it is the context class loader's, not java.class.path). */
    private static String classPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader u) {
            StringBuilder sb = new StringBuilder();
            for (java.net.URL url : u.getURLs()) {
                try {
                    sb.append(sb.length() == 0 ? "" : java.io.File.pathSeparator).append(Path.of(url.toURI()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sb.toString();
        }
        return System.getProperty("java.class.path");
    }

    private static double secs(Instant a, Instant b) {
        return Duration.between(a, b).toMillis() / 1000.0;
    }
}
