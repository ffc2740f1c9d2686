package dev.llmworkbench.bench;

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
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * The {@code bench} command (in process: the CLI's composition root, its history store on a temp file, every
 * result stored as it ends) at one concurrency against the unpaced simulator ({@code tps=0,ttft-ms=0}),
 * against a bare client loop (a fresh {@link ClientPool}, one {@link OpenAiClient}, same concurrency, same
 * request, no store) in the same process, rounds alternating. Prints requests/s of each, the per-round ratios
 * (median, range) and the peak number of live OkHttp threads during each side (sampled every 10 ms), with the
 * machine's load. Args: [requests (10000)] [concurrency (64)] [rounds (5)].
 */
public final class BenchCommandBench {
    private static final String MODEL = "qwen3-235b-a22b";

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path tmp = Files.createTempDirectory("benchcmd");
        System.out.println("before: " + Ratios.load());
        Ratios ratios = new Ratios("bench command / bare loop at c=" + concurrency + ", req/s");
        java.util.List<Double> bareCpu = new java.util.ArrayList<>();
        java.util.List<Double> commandCpu = new java.util.ArrayList<>();
        int peakCommand = 0;
        int peakBare = 0;
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("tps=0,ttft-ms=0")))) {
            String base = sim.baseUrl();
            command(base, Math.min(requests, 2000), concurrency, tmp.resolve("warm.db")); // warm-up
            bare(base, Math.min(requests, 2000), concurrency);
            for (int r = 1; r <= rounds; r++) {
                Peak bareThreads = Peak.start();
                ThreadCpu b0 = ThreadCpu.now();
                double b = bare(base, requests, concurrency);
                ThreadCpu b1 = ThreadCpu.now();
                int pb = bareThreads.stop();
                Peak cmdThreads = Peak.start();
                ThreadCpu c0 = ThreadCpu.now();
                double c = command(base, requests, concurrency, tmp.resolve("bench-" + r + ".db"));
                ThreadCpu c1 = ThreadCpu.now();
                int pc = cmdThreads.stop();
                double bareClient = b1.clientMicrosPerItem(b0, requests);
                double cmdClient = c1.clientMicrosPerItem(c0, requests);
                bareCpu.add(bareClient);
                commandCpu.add(cmdClient);
                System.out.println("  bare    us/request by thread: " + b1.perItem(b0, requests));
                System.out.println("  command us/request by thread: " + c1.perItem(c0, requests));
                System.out.printf(Locale.ROOT, "  client CPU (every thread but the simulator's): bare %.0f us/request,"
                        + " bench command %.0f us/request%n", bareClient, cmdClient);
                peakBare = Math.max(peakBare, pb);
                peakCommand = Math.max(peakCommand, pc);
                ratios.add(c, b);
                System.out.printf(Locale.ROOT, "round %d: bare %,.0f req/s (OkHttp threads peak %d), bench command "
                        + "%,.0f req/s (OkHttp threads peak %d), ratio %.3f%n", r, b, pb, c, pc, c / b);
            }
        }
        System.out.println(ratios.summary());
        System.out.printf(Locale.ROOT, "client CPU per request (every thread but the simulator's), median: bench "
                + "command %.0f us, bare loop %.0f us%n", Ratios.median(commandCpu), Ratios.median(bareCpu));
        System.out.printf(Locale.ROOT, "peak OkHttp threads: bench command %d, bare loop %d (concurrency %d)%n",
                peakCommand, peakBare, concurrency);
        System.out.println("after: " + Ratios.load());
        System.exit(0);
    }

    private static double command(String base, int requests, int concurrency, Path db) {
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        StringWriterErr err = new StringWriterErr();
        cl.setErr(err.writer);
        long t0 = System.nanoTime();
        int code = cl.execute("bench", "--base-url", base, "--model", MODEL, "--requests", String.valueOf(requests),
                "--concurrency", String.valueOf(concurrency), "--max-tokens", "16", "--db", db.toString());
        double s = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            System.out.println("bench command exit " + code + ": " + err);
        }
        return requests / s;
    }

    private static double bare(String base, int requests, int concurrency) throws InterruptedException {
        try (ClientPool clients = ClientPool.create()) {
            OpenAiClient client = clients.client(ProviderProfile.of("bench", base), null,
                    new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(60),
                            Duration.ofSeconds(600)));
            CountDownLatch done = new CountDownLatch(requests);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                launch(client, requests, next, done, errors);
            }
            done.await();
            double s = (System.nanoTime() - t0) / 1e9;
            if (errors.get() > 0) {
                System.out.println("bare loop errors: " + errors.get());
            }
            return requests / s;
        }
    }

    private static void launch(OpenAiClient client, int requests, AtomicInteger next, CountDownLatch done,
                               AtomicInteger errors) {
        if (next.getAndIncrement() >= requests) {
            return;
        }
        ChatRequest req = ChatRequest.builder(MODEL).user(BenchPrompt.TEXT).maxTokens(16).stream(true)
                .includeUsage(true).build();
        client.start(req, null).result().whenComplete((c, e) -> {
            if (e != null || !c.ok()) {
                errors.incrementAndGet();
            }
            launch(client, requests, next, done, errors);
            done.countDown();
        });
    }

    /** The bench command's default prompt. */
    private static final class BenchPrompt {
        static final String TEXT = "Write one short paragraph about the sea.";
    }

    private static final class StringWriterErr {
        final java.io.StringWriter text = new java.io.StringWriter();
        final PrintWriter writer = new PrintWriter(text);

        @Override
        public String toString() {
            return text.toString().trim();
        }
    }

    /** Samples the number of live threads named OkHttp* every 10 ms; the peak. */
    private static final class Peak {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger peak = new AtomicInteger();
        private final Thread sampler;

        private Peak() {
            sampler = new Thread(() -> {
                while (running.get()) {
                    int n = 0;
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        if (t.getName().startsWith("OkHttp")) {
                            n++;
                        }
                    }
                    peak.accumulateAndGet(n, Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "thread-sampler");
            sampler.setDaemon(true);
        }

        static Peak start() {
            Peak p = new Peak();
            p.sampler.start();
            return p;
        }

        int stop() throws InterruptedException {
            running.set(false);
            sampler.join();
            return peak.get();
        }
    }
}
