package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.metrics.LatencySummary;
import dev.llmworkbench.metrics.Slo;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.bench.BenchService;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: N requests of one prompt at each concurrency of a sweep, with latency percentiles. */
@Command(name = "bench", mixinStandardHelpOptions = true, resourceBundle = "dev.llmworkbench.cli.OptionTexts$Bench",
        description = {"Benchmark a provider: N requests at each concurrency level (no retries),",
                "with TTFT, TTFO, TPOT and end-to-end percentiles, throughput, errors and goodput."})
public class BenchCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "Write one short paragraph about the sea.";

    @Spec
    CommandSpec spec;

    @Mixin
    ProviderOptions provider;

    @Option(names = "--model", paramLabel = "M", defaultValue = ChatCommand.DEFAULT_MODEL, description = "model (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = DEFAULT_PROMPT, description = "the prompt")
    String prompt;

    @Option(names = "--requests", paramLabel = "N", required = true, description = "requests at each level")
    int requests;

    @Option(names = "--concurrency", paramLabel = "1,2,4,8", split = ",", defaultValue = "1,2,4,8",
            description = "the concurrency levels (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "output bound (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--slo-ttft-ms", paramLabel = "X", description = "TTFT objective for goodput")
    Double sloTtftMs;

    @Option(names = "--slo-tpot-ms", paramLabel = "Y", description = "TPOT objective for goodput")
    Double sloTpotMs;

    @Mixin
    DbOption dbOption;

    @Mixin
    JsonOption jsonOption;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (requests < 1) {
            throw new UsageException("--requests must be at least 1");
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c == null || c < 1)) {
            throw new UsageException("--concurrency needs levels of at least 1, e.g. 1,2,4,8");
        }
        if (maxTokens < 1) {
            throw new UsageException("--max-tokens must be at least 1");
        }
        ChatRequest request;
        try {
            request = ChatRequest.builder(model).user(prompt).maxTokens(maxTokens).stream(provider.stream())
                    .includeUsage(true).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        RetryPolicy noRetries = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, false, () -> 0.0);
        boolean json = jsonOption.requested();
        String db = dbOption.file();
        try (CliServices services = new CliServices().withRetryPolicy(noRetries)) {
            CliServices.Provider target = provider.resolve(services, db);
            ProviderProfile p = target.profile();
            ApiKey key = target.key();
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(60),
                    Duration.ofSeconds(600));
            ChatJob job = new ChatJob(p, key, request, Priority.CRITICAL, timeouts, false, false);
            // measure the server, not our limiter
            services.chat().limiter().setTier(job.limiterKey(), new RateLimitTier("bench", 1_000_000, 1_000_000_000_000L));
            Slo slo = new Slo(sloTtftMs, sloTpotMs, null);
            JsonObject settings = new JsonObject();
            settings.addProperty("base_url", p.baseUrl());
            settings.addProperty("model", model);
            settings.addProperty("requests", requests);
            settings.addProperty("concurrency", concurrency.toString());
            settings.addProperty("max_tokens", maxTokens);
            settings.addProperty("slo_ttft_ms", sloTtftMs);
            settings.addProperty("slo_tpot_ms", sloTpotMs);
            // the run is opened first and every request's result stored as it ends: the history holds each
            // request, and the desktop's charts follow the benchmark while it runs
            HistoryService history = null;
            long opened = -1;
            try {
                history = services.history(db);
                opened = history.startBenchmark(prompt, p.name(), model, Json.GSON.toJson(settings)).id();
            } catch (RuntimeException e) {
                err.println("warning: the run is not recorded in the history: " + e.getMessage());
            }
            HistoryService recorder = history;
            long runId = opened;
            // stored by the database's writer: the threads of the network hand each result in and go on
            List<CompletableFuture<?>> stored = new ArrayList<>();
            BenchService.ResultSink sink = runId < 0 ? null : (outcome, startedAt) -> {
                CompletableFuture<?> f = recorder.recordResultLater(runId, job, outcome, startedAt);
                synchronized (stored) {
                    stored.add(f);
                }
            };
            List<BenchService.Level> levels;
            try {
                levels = new BenchService(services.chat(), Clock.systemUTC()).run(job, requests, concurrency, slo, sink);
                String failure = firstFailure(stored);
                if (failure != null) {
                    throw new IllegalStateException("the results could not be stored in " + services.databaseFile(db)
                            + ": " + failure);
                }
            } catch (InterruptedException | RuntimeException e) {
                if (runId >= 0) {
                    try {
                        JsonObject failed = new JsonObject();
                        failed.addProperty("error", String.valueOf(e.getMessage()));
                        recorder.finishBenchmark(runId, Json.GSON.toJson(failed), false);
                    } catch (RuntimeException ignored) {
                        // the run stays as it was; the error below is what matters
                    }
                }
                throw e;
            }
            JsonObject result = BenchService.toJson(levels);
            if (runId >= 0) {
                try {
                    boolean ok = levels.stream().allMatch(l -> l.summary().errors() == 0);
                    recorder.finishBenchmark(runId, Json.GSON.toJson(result), ok);
                } catch (RuntimeException e) {
                    err.println("warning: the run's summary was not recorded in the history: " + e.getMessage());
                }
            }
            if (json) {
                out.println(Json.PRETTY.toJson(result));
            } else {
                out.printf(Locale.ROOT, "%-5s %6s %6s  %-26s %-26s %-20s %9s %8s%n", "conc", "reqs", "errors",
                        "ttft ms p50/p95/p99", "e2e ms p50/p95/p99", "tpot ms p50/p95", "tok/s", "goodput");
                for (BenchService.Level l : levels) {
                    var s = l.summary();
                    out.printf(Locale.ROOT, "%-5d %6d %6d  %-26s %-26s %-20s %9s %8s%n", l.concurrency(), s.count(),
                            s.errors(), three(s.ttft()), three(s.e2e()),
                            f(s.tpot().p50()) + "/" + f(s.tpot().p95()),
                            s.outputTokensPerSecond() == null ? "-" : f(s.outputTokensPerSecond()),
                            s.goodput() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", s.goodput() * 100));
                }
            }
            out.flush();
            return levels.stream().allMatch(l -> l.summary().errors() == 0) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** Waits until every result handed to the writer is committed; the first failure's message, or null. */
    private static String firstFailure(List<CompletableFuture<?>> stored) {
        List<CompletableFuture<?>> all;
        synchronized (stored) {
            all = new ArrayList<>(stored);
        }
        for (CompletableFuture<?> f : all) {
            try {
                f.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return String.valueOf(cause.getMessage());
            }
        }
        return null;
    }

    private static String three(LatencySummary s) {
        return f(s.p50()) + "/" + f(s.p95()) + "/" + f(s.p99());
    }

    private static String f(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }
}
