package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.bench.Arrival;
import dev.llmworkbench.service.bench.BenchCompare;
import dev.llmworkbench.service.bench.BenchListener;
import dev.llmworkbench.service.bench.BenchPlan;
import dev.llmworkbench.service.bench.BenchRecording;
import dev.llmworkbench.service.bench.BenchResult;
import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.bench.Stats;
import dev.llmworkbench.service.bench.TokenLength;
import dev.llmworkbench.service.history.HistoryService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: closed-loop levels (concurrency), open-loop levels (rate), or a capacity search, with warm-up,
 * latency percentiles, throughput, goodput and the reasons of errors; {@code bench compare A B}: two stored runs.
 * Every figure comes from the service ({@link BenchResult}); the text and the JSON print the same ones.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, resourceBundle = "dev.llmworkbench.cli.OptionTexts$Bench",
        subcommands = BenchCommand.Compare.class,
        description = {"Benchmark a provider (no retries): closed-loop levels (--concurrency), open-loop levels",
                "(--rate with --arrival) or a capacity search (--find-max), each after a warm-up, with TTFT, TTFO,",
                "TPOT, ITL and end-to-end percentiles, throughput, goodput and the errors with their reasons."})
public class BenchCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "Write one short paragraph about the sea.";

    @Spec
    CommandSpec spec;

    @Mixin
    ProviderOptions provider;

    @Option(names = "--model", paramLabel = "M",
            description = "model (default: the profile's default model, else " + ChatCommand.DEFAULT_MODEL + ")")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = DEFAULT_PROMPT, description = "the prompt (unless --input-tokens)")
    String prompt;

    @Option(names = "--requests", paramLabel = "N", description = "measured requests at each level")
    Integer requests;

    @Option(names = "--duration-s", paramLabel = "S", description = "measure each level for S seconds instead of --requests")
    Double durationS;

    @Option(names = "--concurrency", paramLabel = "1,2,4,8", split = ",",
            description = "closed-loop levels: requests in flight (default without --rate: 1,2,4,8)")
    List<Integer> concurrency;

    @Option(names = "--rate", paramLabel = "R1,R2", split = ",", description = "open-loop levels: requests per second")
    List<Double> rate;

    @Option(names = "--arrival", paramLabel = "constant|poisson|gamma:B", defaultValue = "poisson",
            description = "open-loop arrivals (default: ${DEFAULT-VALUE}); gamma:B with burstiness B (1 = Poisson)")
    String arrival;

    @Option(names = "--max-concurrency", paramLabel = "N", description = "open loop: at most N requests in flight")
    Integer maxConcurrency;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "the arrival schedule's and synthetic inputs' seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--warmup", paramLabel = "N", description = "requests before each level, not counted (default: the level's concurrency)")
    Integer warmup;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "output bound (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--input-tokens", paramLabel = "N[:SD]", description = "synthetic prompts of N tokens (stddev SD)")
    String inputTokens;

    @Option(names = "--output-tokens", paramLabel = "N[:SD]",
            description = "answers of N tokens (stddev SD): max_tokens, and min_tokens/ignore_eos where the dialect takes them")
    String outputTokens;

    @Option(names = "--slo-ttft-ms", paramLabel = "X", description = "TTFT objective for goodput")
    Double sloTtftMs;

    @Option(names = "--slo-tpot-ms", paramLabel = "Y", description = "TPOT objective for goodput")
    Double sloTpotMs;

    @Option(names = "--slo-e2e-ms", paramLabel = "Z", description = "end-to-end objective for goodput")
    Double sloE2eMs;

    @Option(names = "--goodput-min", paramLabel = "G", description = "the goodput a load must reach to meet the SLOs (default: 0.95)")
    Double goodputMin;

    @Option(names = "--find-max", paramLabel = "concurrency|rate",
            description = "search the highest load whose goodput meets --goodput-min (exponential, then bisection)")
    String findMax;

    @Option(names = "--export", paramLabel = "FILE", description = "one JSON line per request: every timing and the send schedule")
    Path export;

    @Mixin
    DbOption dbOption;

    @Mixin
    JsonOption jsonOption;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean json = jsonOption.requested();
        String db = dbOption.file();
        try (CliServices services = new CliServices().withoutRetries()) {
            CliServices.Provider target = provider.resolve(services, db);
            ProviderProfile p = target.profile();
            BenchPlan plan;
            try {
                plan = new BenchPlan(ChatCommand.modelFor(model, p), prompt, maxTokens,
                        inputTokens == null ? null : TokenLength.parse("--input-tokens", inputTokens),
                        outputTokens == null ? null : TokenLength.parse("--output-tokens", outputTokens),
                        concurrency, rate, Arrival.parse(arrival), maxConcurrency, seed, requests, durationS, warmup,
                        sloTtftMs, sloTpotMs, sloE2eMs, goodputMin == null ? BenchPlan.DEFAULT_GOODPUT_MIN : goodputMin,
                        findMax == null ? null : BenchPlan.FindMax.parse(findMax));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            JsonObject settings = plan.toJson();
            settings.addProperty("base_url", p.baseUrl());
            settings.addProperty("stream", provider.stream());
            // the run is opened first and every request's result stored as it ends: the history holds each
            // request, and the desktop's charts follow the benchmark while it runs
            BenchRecording recording = null;
            try {
                recording = BenchRecording.open(services.history(db), plan.inputTokens() == null ? prompt
                        : "synthetic prompts of " + plan.inputTokens() + " tokens", p.name(), plan.model(), settings);
            } catch (RuntimeException e) {
                err.println("warning: the run is not recorded in the history: " + e.getMessage());
            }
            BenchRecording recorder = recording;
            BenchResult result;
            try {
                result = services.bench().run(p, target.key(), provider.stream(), plan,
                        recorder == null ? BenchListener.NONE : recorder.listener());
                String failure = recorder == null ? null : recorder.awaitStored();
                if (failure != null) {
                    throw new IllegalStateException("the results could not be stored in " + services.databaseFile(db)
                            + ": " + failure);
                }
            } catch (InterruptedException | RuntimeException e) {
                if (recorder != null) {
                    try {
                        recorder.fail(String.valueOf(e.getMessage()));
                    } catch (RuntimeException ignored) {
                        // the run stays as it was; the error below is what matters
                    }
                }
                throw e;
            }
            JsonObject summary = result.toJson();
            if (recorder != null) {
                try {
                    recorder.finish(result);
                } catch (RuntimeException e) {
                    err.println("warning: the run's summary was not recorded in the history: " + e.getMessage());
                }
            }
            if (export != null) {
                try {
                    int n = result.export(export);
                    if (!json) {
                        out.println("exported " + n + " requests to " + export);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("the export could not be written to " + export + ": "
                            + e.getMessage());
                }
            }
            if (json) {
                if (recorder != null) {
                    summary.addProperty("run_id", recorder.runId());
                }
                out.println(Json.PRETTY.toJson(summary));
            } else {
                printText(out, result, plan);
                if (recorder != null) {
                    out.println("recorded as run " + recorder.runId() + " (bench compare " + recorder.runId() + " OTHER)");
                }
            }
            out.flush();
            return result.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static void printText(PrintWriter out, BenchResult result, BenchPlan plan) {
        out.printf(Locale.ROOT, "%-8s %5s %5s %7s %7s %8s %7s  %-22s %-22s %-15s %-15s %-15s %8s%n", "load", "reqs",
                "errs", "dur s", "req/s", "tok/s", "goodput", "ttft ms p50/p90/p99", "ttfo ms p50/p90/p99",
                "tpot ms p50/p99", "itl ms p50/p99", "e2e ms p50/p99", "chunk/tok");
        for (LevelResult l : result.levels()) {
            out.printf(Locale.ROOT, "%-8s %5d %5d %7s %7s %8s %7s  %-22s %-22s %-15s %-15s %-15s %8s%n",
                    l.load().label(), l.requests(), l.errors(), f(l.durationS(), 2), f(l.requestRate(), 2),
                    f(l.outputTokensPerS(), 1) + ("estimated".equals(l.tokensSource()) ? "*" : ""), pct(l.goodput()),
                    three(l.ttft()), three(l.ttfo()), two(l.tpot()), two(l.itl()), two(l.e2e()),
                    f(l.chunksPerToken(), 2));
        }
        for (LevelResult l : result.levels()) {
            String at = "  " + l.load().label() + ": ";
            if ("estimated".equals(l.tokensSource())) {
                out.println(at + "* output tokens estimated (the server sent no usage for some answers)");
            }
            if (l.load().rate()) {
                out.println(at + "offered " + f(l.offeredRate(), 2) + "/s, achieved " + f(l.requestRate(), 2)
                        + "/s; from the scheduled send: ttft p50/p99 " + two(l.ttftFromSchedule()) + " ms, e2e p50/p99 "
                        + two(l.e2eFromSchedule()) + " ms; send lag p50/p99 " + two(l.sendLag()) + " ms");
                if (l.fallingBehind()) {
                    out.println(at + "falling behind: the send lag grew from " + f(l.lagFirstQuarterMs(), 1) + " ms (first"
                            + " quarter) to " + f(l.lagLastQuarterMs(), 1) + " ms (last quarter): the client or the server"
                            + " cannot keep up with this rate");
                }
            }
            l.errorsByKind().forEach((kind, e) -> out.println(at + e.count() + " × " + kind + ", first: "
                    + e.firstMessage()));
        }
        BenchResult.Search s = result.search();
        if (s != null) {
            boolean byRate = s.by() == BenchPlan.FindMax.RATE;
            StringBuilder curve = new StringBuilder();
            for (LevelResult l : result.levels()) {
                curve.append(curve.length() == 0 ? "" : ", ").append(l.load().label()).append(' ')
                        .append(pct(l.goodput())).append(l.meets(s.goodputMin()) ? " ok" : " miss");
            }
            out.println("curve: " + curve);
            String max = s.max() == null ? "none (the first load tried missed)"
                    : byRate ? f(s.max(), 3) + "/s" : Integer.toString(s.max().intValue());
            out.println("highest " + s.by().wireName() + " meeting the SLOs (goodput >= " + pct(s.goodputMin())
                    + "): " + max + (s.firstMiss() == null ? (s.max() == null ? "" : "; nothing missed up to the search's"
                    + " cap") : "; first miss at "
                    + (byRate ? f(s.firstMiss(), 3) + "/s" : Integer.toString(s.firstMiss().intValue())))
                    + " (" + s.steps() + " steps" + (s.bounded() ? ", stopped at the bound of "
                    + dev.llmworkbench.service.bench.BenchService.MAX_SEARCH_STEPS + " steps" : "") + ")");
        }
        if (plan.openLoop() && plan.maxConcurrency() != null) {
            out.println("open loop capped at " + plan.maxConcurrency() + " in flight (" + plan.arrival() + " arrivals, seed "
                    + plan.seed() + ")");
        }
    }

    private static String three(Stats s) {
        return f(s.p50(), 1) + "/" + f(s.p90(), 1) + "/" + f(s.p99(), 1);
    }

    private static String two(Stats s) {
        return s == null ? "-" : f(s.p50(), 1) + "/" + f(s.p99(), 1);
    }

    private static String pct(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f%%", d * 100);
    }

    private static String f(Double d, int decimals) {
        return d == null || d.isNaN() || d.isInfinite() ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    /** {@code bench compare RUN_A RUN_B}: the figures of two stored benchmark runs, their differences and ratios. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare two recorded benchmark runs: per load, each figure of A and B, B - A and B / A.")
    static class Compare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN_A", description = "the first run's id (history list)")
        String runA;

        @Parameters(index = "1", paramLabel = "RUN_B", description = "the second run's id")
        String runB;

        @Mixin
        DbOption dbOption;

        @Mixin
        JsonOption jsonOption;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String db = dbOption.file();
            if (db != null && !java.nio.file.Files.exists(Path.of(db))) {
                throw new UsageException("--db: there is no database at " + db);
            }
            try (CliServices services = new CliServices()) {
                HistoryService h = services.history(db);
                long a = resolve(h, runA);
                long b = resolve(h, runB);
                BenchCompare c;
                try {
                    c = BenchCompare.of(a, summary(h, a), b, summary(h, b));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                if (jsonOption.requested()) {
                    out.println(Json.PRETTY.toJson(c.toJson()));
                } else {
                    out.printf(Locale.ROOT, "run %d (A) against run %d (B)%n", a, b);
                    for (BenchCompare.LevelDiff d : c.levels()) {
                        out.println(d.label());
                        out.printf(Locale.ROOT, "  %-20s %12s %12s %12s %8s%n", "figure", "A", "B", "B - A", "B / A");
                        for (BenchCompare.Row r : d.rows()) {
                            out.printf(Locale.ROOT, "  %-20s %12s %12s %12s %8s%n", r.metric(), f(r.a(), 3), f(r.b(), 3),
                                    r.diff() == null ? "-" : String.format(Locale.ROOT, "%+.3f", r.diff()),
                                    f(r.ratio(), 3));
                        }
                    }
                    if (!c.onlyInA().isEmpty()) {
                        out.println("only in A: " + String.join(", ", c.onlyInA()));
                    }
                    if (!c.onlyInB().isEmpty()) {
                        out.println("only in B: " + String.join(", ", c.onlyInB()));
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }

        private static long resolve(HistoryService h, String id) {
            long n = h.resolveRunId(id).orElseThrow(() -> new UsageException("no run '" + id + "' in the history"));
            if (h.show(n).isEmpty()) {
                throw new UsageException("no run " + id + " in the history");
            }
            return n;
        }

        private static String summary(HistoryService h, long id) {
            var run = h.show(id).orElseThrow().run();
            if (run.kind() != dev.llmworkbench.domain.RunKind.BENCHMARK) {
                throw new UsageException("run " + id + " is a " + run.kind().wireName() + " run, not a benchmark");
            }
            return run.summaryJson();
        }
    }
}
