package dev.llmworkbench.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.cli.Cli;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * The benchmark of the benchmark (issue 18): the client's own cost per request while {@code bench} keeps 64 in
 * flight against the simulator answering at once ({@code ttft-ms=0,tps=0}: every microsecond is ours or the
 * loopback's). Each round runs the {@code bench} command in process (warm-up 64, history on a temp SQLite file)
 * and, as the baseline, a bare loop of one {@link OpenAiClient} at the same concurrency and request (no service,
 * no store), alternating. Per side: wall µs per request (the command's own {@code duration_s}, first measured
 * send to last answer, ÷ requests; the loop's wall time ÷ requests) and process CPU µs per request (the
 * simulator's share is the same on both sides, so the difference is the bench path's overhead), plus the
 * {@code bench}'s own e2e p50. Args: [requests (5000)] [concurrency (64)] [rounds (5)].
 */
public final class BenchOverheadBench {
    private static final String MODEL = "qwen3-235b-a22b";

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path tmp = Files.createTempDirectory("benchoverhead");
        System.out.println("before: " + Ratios.load());
        Ratios wall = new Ratios("bench wall us/request / bare loop at c=" + concurrency);
        Ratios cpu = new Ratios("bench CPU us/request / bare loop at c=" + concurrency);
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("tps=0,ttft-ms=0")))) {
            String base = sim.baseUrl();
            command(base, 2000, concurrency, tmp.resolve("warm.db")); // JIT warm-up of both paths
            bare(base, 2000, concurrency);
            for (int r = 1; r <= rounds; r++) {
                Side b = bare(base, requests, concurrency);
                Side c = command(base, requests, concurrency, tmp.resolve("bench-" + r + ".db"));
                wall.add(c.wallUs, b.wallUs);
                cpu.add(c.cpuUs, b.cpuUs);
                System.out.printf(Locale.ROOT, "round %d: bare %.1f us wall, %.1f us CPU per request; bench %.1f us "
                                + "wall, %.1f us CPU per request (its e2e p50 %.2f ms); overhead %+.1f us wall, %+.1f us CPU%n",
                        r, b.wallUs, b.cpuUs, c.wallUs, c.cpuUs, c.e2eP50Ms, c.wallUs - b.wallUs, c.cpuUs - b.cpuUs);
            }
        }
        System.out.println(wall.summary());
        System.out.println(cpu.summary());
        System.out.println("after: " + Ratios.load());
        System.exit(0);
    }

    private record Side(double wallUs, double cpuUs, double e2eP50Ms) {
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Side command(String base, int requests, int concurrency, Path db) {
        CommandLine cl = Cli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        long cpu0 = cpuNanos();
        int code = cl.execute("bench", "--base-url", base, "--model", MODEL, "--requests", String.valueOf(requests),
                "--concurrency", String.valueOf(concurrency), "--max-tokens", "16", "--db", db.toString(), "--json");
        long cpu = cpuNanos() - cpu0;
        if (code != 0) {
            System.out.println("bench command exit " + code + ": " + err.toString().trim());
        }
        JsonObject level = JsonParser.parseString(out.toString()).getAsJsonObject().getAsJsonArray("levels").get(0)
                .getAsJsonObject();
        int warmup = level.get("warmup").getAsInt();
        double wallUs = level.get("duration_s").getAsDouble() * 1e6 / requests;
        // the CPU of the warm-up requests is taken out in proportion
        double cpuUs = cpu / 1e3 / (requests + warmup);
        return new Side(wallUs, cpuUs, level.getAsJsonObject("e2e_ms").get("p50").getAsDouble());
    }

    private static Side bare(String base, int requests, int concurrency) throws InterruptedException {
        try (ClientPool clients = ClientPool.create()) {
            OpenAiClient client = clients.client(ProviderProfile.of("bench", base), null,
                    new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(60),
                            Duration.ofSeconds(600)));
            CountDownLatch done = new CountDownLatch(requests);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                launch(client, requests, next, done, errors);
            }
            done.await();
            double wallUs = (System.nanoTime() - t0) / 1e3 / requests;
            double cpuUs = (cpuNanos() - cpu0) / 1e3 / requests;
            if (errors.get() > 0) {
                System.out.println("bare loop errors: " + errors.get());
            }
            return new Side(wallUs, cpuUs, Double.NaN);
        }
    }

    private static void launch(OpenAiClient client, int requests, AtomicInteger next, CountDownLatch done,
                               AtomicInteger errors) {
        if (next.getAndIncrement() >= requests) {
            return;
        }
        ChatRequest req = ChatRequest.builder(MODEL).user("Write one short paragraph about the sea.").maxTokens(16)
                .stream(true).includeUsage(true).build();
        client.start(req, null).result().whenComplete((c, e) -> {
            if (e != null || !c.ok()) {
                errors.incrementAndGet();
            }
            launch(client, requests, next, done, errors);
            done.countDown();
        });
    }
}
