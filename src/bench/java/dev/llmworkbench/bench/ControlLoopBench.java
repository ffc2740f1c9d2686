package dev.llmworkbench.bench;

import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.BudgetLedger;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The batch engine's control loop under the two 429 patterns of issue 11, each against its no-fault run on
 * the same simulator settings, in one process, rounds interleaved, with the engine as the command line builds
 * it (default limiter and retry policy, real random jitter, real time):
 * <ol>
 *   <li>random 429s: 60 rows, concurrency 8, default settings; the server answers 25% of all requests 429
 *       with {@code Retry-After: 1} and {@code retry-after-ms: 300}. Target: wall time at most 2x the no-fault
 *       run, every row done.</li>
 *   <li>a quota: 120 rows, concurrency 8, {@code --rpm 600}; the server allows 240 requests a minute with a
 *       burst of 4 and sends OpenAI's rate-limit headers. Target: every row done within 1.3x the quota's
 *       ideal time (120 / 4 per s = 30 s) and 429s under 15% of the requests.</li>
 * </ol>
 * Args: [rounds] (default 3). Prints one line per run and the median ratios; exits 1 when a target is missed.
 */
public final class ControlLoopBench {
    private static final String MODEL = "qwen3-235b-a22b";

    private record Result(double wallS, int done, int rows, int requests, int count429) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path tmp = Files.createTempDirectory("controlloop");
        List<Double> randomRatios = new ArrayList<>();
        List<Double> quotaRatios = new ArrayList<>();
        boolean ok = true;
        try (DaemonThreads threads = new DaemonThreads(); ClientPool clients = ClientPool.create()) {
            for (int round = 1; round <= rounds; round++) {
                // pattern 1: the simulator's own latency model (about 2 s a request), as a user's run
                Result plain = run(threads, clients, tmp, "p" + round, "", 60, 8, null);
                Result random = run(threads, clients, tmp, "r" + round, "rate429=0.25,retry-after-ms=300", 60, 8, null);
                double r1 = random.wallS() / plain.wallS();
                randomRatios.add(r1);
                print("no faults", plain, null);
                print("random 25% 429", random, String.format(Locale.ROOT, "%.2fx the no-fault run (target <= 2)", r1));
                ok &= r1 <= 2.0 && random.done() == random.rows();
                // pattern 2: a fast server whose quota (4/s) binds long before concurrency 8 does
                Result fast = run(threads, clients, tmp, "f" + round, "ttft-ms=50,tps=400", 120, 8, 600);
                Result quota = run(threads, clients, tmp, "q" + round, "ttft-ms=50,tps=400,rpm=240,burst=4", 120, 8,
                        600);
                double r2 = quota.wallS() / 30.0;
                quotaRatios.add(r2);
                double share429 = (double) quota.count429() / Math.max(1, quota.requests());
                print("no quota", fast, null);
                print("quota 240/min burst 4", quota, String.format(Locale.ROOT,
                        "%.2fx the ideal 30 s (target <= 1.3), 429s %.1f%% of requests (target < 15%%)", r2,
                        share429 * 100));
                ok &= r2 <= 1.3 && share429 < 0.15 && quota.done() == quota.rows();
            }
        }
        System.out.printf(Locale.ROOT, "median: random 429s %.2fx (range %.2f-%.2f), quota %.2fx ideal (range %.2f-%.2f)%n",
                median(randomRatios), min(randomRatios), max(randomRatios), median(quotaRatios), min(quotaRatios),
                max(quotaRatios));
        System.out.println(ok ? "targets met" : "a target was missed");
        System.exit(ok ? 0 : 1);
    }

    private static void print(String what, Result r, String verdict) {
        System.out.printf(Locale.ROOT, "%-22s %5.1f s, %d/%d done, %d requests, %d answered 429%s%n", what, r.wallS(),
                r.done(), r.rows(), r.requests(), r.count429(), verdict == null ? "" : ": " + verdict);
    }

    private static Result run(DaemonThreads threads, ClientPool clients, Path tmp, String name, String faults, int rows,
                              int concurrency, Integer rpm) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append("{\"prompt\":\"control loop question number ").append(i).append("\"}\n");
        }
        Path input = Files.writeString(tmp.resolve(name + ".jsonl"), sb.toString());
        Clock clock = Clock.systemUTC();
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)));
             Database db = Database.open(tmp.resolve(name + ".db"))) {
            Scheduler scheduler = Scheduler.of(threads.scheduled("bench-scheduler-" + name, 1));
            SecureRandom random = new SecureRandom();
            RateLimiter limiter = new RateLimiter(Ticker.system(), scheduler, clock, RateLimiter.Config.defaults());
            ChatService chat = new ChatService(clients, limiter, RetryPolicy.defaults(random::nextDouble),
                    new BudgetLedger(clock, ZoneId.systemDefault()),
                    new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT), new TokenEstimator(),
                    scheduler, Ticker.system(), clock);
            BatchStore store = new BatchStore(db);
            BatchService service = new BatchService(store, new RunStore(db),
                    new BatchEngine(chat, store, threads.cached("bench-dispatch-" + name), Ticker.system(), clock));
            ProviderProfile profile = ProviderProfile.of("bench", sim.baseUrl());
            BatchSettings settings = new BatchSettings(MODEL, false, null, concurrency, rpm, null, null, null,
                    profile.baseUrl(), null, null, null);
            BatchService.Prepared p = service.create(input, tmp.resolve(name + ".out.jsonl"), "jsonl", settings,
                    profile.name());
            long t0 = System.nanoTime();
            BatchOutcome o = service.start(p.job().id(), new BatchTarget(profile, null,
                    Timeouts.defaults()), settings, null).result().get(10, TimeUnit.MINUTES);
            double wall = (System.nanoTime() - t0) / 1e9;
            BatchSummary s = service.finish(p.job(), settings, o);
            return new Result(wall, s.succeeded(), rows, (int) sim.requestCount(), s.count429());
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
