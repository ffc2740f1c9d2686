package dev.llmworkbench.cli;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.service.EstimateService;
import dev.llmworkbench.service.ProfileService;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.service.batch.BatchInput;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.store.BatchJobRecord;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code batch}: runs every row of a CSV or JSONL file through the service layer, crash-safe in SQLite;
 * {@code batch --resume JOB_ID} carries on a job with its remembered input, output and settings.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Run a file of prompts (CSV with a header, JSONL, or OpenAI batch lines), crash-safe.",
                "Prints 'job: JOB_ID' on stderr first; resume an interrupted run with --resume JOB_ID.",
                "Exit 0 when every valid row succeeded, 1 when any failed, was not run or was invalid, 2 for wrong usage."})
public class BatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", description = "input file (.csv or .jsonl)")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "where to write the results (one line per row)")
    Path output;

    @Option(names = "--format", paramLabel = "jsonl|csv", description = "output format (default: the output's extension)")
    String format;

    @ArgGroup(exclusive = true)
    ModelChoice modelChoice;

    static class ModelChoice {
        @Option(names = "--model", paramLabel = "M", description = "model for rows without their own")
        String model;
        @Option(names = "--route", description = "pick each row's model by prompt complexity")
        boolean route;
    }

    @Option(names = "--max-tokens", paramLabel = "N", description = "output bound of rows without their own (default 1024)")
    Integer maxTokens;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "requests in flight at most (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--rpm", paramLabel = "N", description = "requests per minute for this run")
    Integer rpm;

    @Option(names = "--tpm", paramLabel = "N", description = "tokens per minute for this run")
    Long tpm;

    @Option(names = "--budget-usd", paramLabel = "X", description = "the most this run may spend, in USD")
    BigDecimal budgetUsd;

    @Option(names = "--priority", paramLabel = "P", description = "critical, normal, batch or filler (default: batch)")
    String priority;

    @Option(names = "--base-url", paramLabel = "URL", description = "OpenAI-compatible base URL; default: the embedded simulator")
    String baseUrl;

    @Option(names = "--api-key-env", paramLabel = "NAME", description = "environment variable holding the API key")
    String apiKeyEnv;

    @Option(names = "--profile", paramLabel = "NAME", description = "a saved provider profile (base URL, headers, body, key)")
    String profile;

    @Option(names = "--db", paramLabel = "FILE", description = "the database (default: in the user's data folder)")
    String db;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "write the JSON summary here")
    Path summaryJson;

    @Option(names = "--resume", paramLabel = "JOB_ID", description = "carry on an interrupted job")
    String resume;

    @Option(names = "--dry-run", description = "print the estimated tokens and cost per model; send nothing")
    boolean dryRun;

    /** Tests may replace the retry policy (small waits). */
    RetryPolicy retryPolicy;

    /** Tests may watch the run (e.g. to pause or cancel it). */
    BatchListener extraListener;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (CliServices services = new CliServices().withRetryPolicy(retryPolicy)) {
            BatchService batches = services.batches(db);
            BatchJobRecord job;
            BatchSettings settings;
            BatchEngine.Target target;
            if (resume != null) {
                java.util.List<String> others = new java.util.ArrayList<>();
                for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
                    if (!o.longestName().equals("--resume") && !o.longestName().equals("--db")) {
                        others.add(o.longestName());
                    }
                }
                if (!others.isEmpty()) {
                    throw new UsageException("--resume takes only --db: the job remembers its input, output and "
                            + "settings (remove " + String.join(", ", others) + ")");
                }
                job = batches.job(resume).orElseThrow(() -> new UsageException("no batch job '" + resume + "' in "
                        + services.database(db).file()));
                settings = BatchSettings.fromJson(job.settingsJson());
                target = target(services, settings);
                err.println("job: " + job.id());
                err.flush();
            } else {
                settings = newSettings();
                if (input == null) {
                    throw new UsageException("--input FILE is required (or --resume JOB_ID)");
                }
                if (output == null && !dryRun) {
                    throw new UsageException("--output FILE is required");
                }
                String fmt;
                try {
                    BatchInput.kindOf(input);
                    fmt = dryRun && output == null ? "jsonl" : BatchExport.formatOf(format, output);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                if (dryRun) {
                    return dryRun(services, settings, out);
                }
                // the key and profile are checked before anything is created: wrong usage leaves no job behind
                target = target(services, settings);
                BatchService.Prepared prepared;
                try {
                    prepared = batches.create(input, output, fmt, settings, providerName(settings));
                } catch (BatchInput.InputException e) {
                    throw new UsageException(e.getMessage());
                }
                job = prepared.job();
                err.println("job: " + job.id());
                for (BatchInput.Row r : prepared.input().invalidRows()) {
                    err.println("invalid row: line " + r.line() + ": " + r.invalidReason());
                }
                err.flush();
            }
            Progress progress = new Progress(err, System.console() != null);
            BatchListener listener = extraListener == null ? progress : new BatchListener() {
                @Override
                public void onProgress(BatchProgress p) {
                    progress.onProgress(p);
                    extraListener.onProgress(p);
                }

                @Override
                public void onStopped(String reason) {
                    progress.onStopped(reason);
                    extraListener.onStopped(reason);
                }
            };
            BatchEngine.Handle handle = batches.start(job.id(), target, settings, listener);
            BatchEngine.Outcome outcome;
            try {
                outcome = handle.result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.cancel();
                throw new IllegalStateException("interrupted; resume with --resume " + job.id());
            } catch (ExecutionException e) {
                throw new IllegalStateException("the batch stopped: " + e.getCause().getMessage()
                        + "; resume with --resume " + job.id(), e.getCause());
            }
            progress.finish(outcome.progress());
            if (outcome.requeuedReservationUsd().signum() > 0) {
                err.println("note: " + outcome.requeuedReservationUsd().toPlainString()
                        + " USD reserved by requests in flight at the crash is counted as spent");
            }
            BatchSummary summary = batches.finish(job, settings, outcome);
            out.println("job " + job.id() + ": results in " + job.outputPath());
            out.println(summary.describe());
            out.flush();
            err.flush();
            return summary.failed() == 0 && summary.notRun() == 0 && summary.invalid() == 0 ? ExitCodes.OK
                    : ExitCodes.FAILED;
        }
    }

    private BatchSettings newSettings() {
        Priority p;
        try {
            p = priority == null ? Priority.BATCH : Priority.parse(priority);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new UsageException("--base-url must start with http:// or https://, was " + baseUrl);
        }
        Integer r = rpm;
        Long t = tpm;
        if (baseUrl == null && profile == null) {
            // the embedded simulator is local: no limit unless asked
            r = r == null ? 1_000_000 : r;
            t = t == null ? 1_000_000_000_000L : t;
        }
        try {
            return new BatchSettings(modelChoice == null ? null : modelChoice.model,
                    modelChoice != null && modelChoice.route, maxTokens, concurrency, r, t, budgetUsd, p, baseUrl,
                    apiKeyEnv, profile, summaryJson == null ? null : summaryJson.toAbsolutePath().toString());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static String providerName(BatchSettings s) {
        return s.profile() != null ? s.profile() : s.baseUrl() == null ? CliServices.SIMULATOR : "custom";
    }

    private static BatchEngine.Target target(CliServices services, BatchSettings s) {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(60),
                Duration.ofSeconds(600));
        if (s.profile() != null) {
            ProfileService.Resolved r;
            try {
                r = services.profiles(null).resolve(s.profile());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            ProviderProfile p = s.baseUrl() == null ? r.profile() : r.profile().withBaseUrl(s.baseUrl());
            ApiKey key = s.apiKeyEnv() != null ? CliServices.key(s.apiKeyEnv(), true, false) : r.key();
            return new BatchEngine.Target(p, key, timeouts);
        }
        ProviderProfile p = services.profile(s.baseUrl());
        boolean explicit = s.apiKeyEnv() != null;
        ApiKey key = CliServices.key(explicit ? s.apiKeyEnv() : ChatCommand.DEFAULT_KEY_ENV, explicit, s.baseUrl() == null);
        return new BatchEngine.Target(p, key, timeouts);
    }

    private Integer dryRun(CliServices services, BatchSettings settings, PrintWriter out) {
        BatchInput.Parsed parsed;
        try {
            parsed = BatchInput.read(input);
        } catch (BatchInput.InputException e) {
            throw new UsageException(e.getMessage());
        }
        List<EstimateService.ModelEstimate> est;
        try {
            est = BatchService.dryRun(services.estimates(), parsed, settings);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.println("dry run: " + parsed.validRows().size() + " valid rows, " + parsed.invalidRows().size()
                + " invalid; worst case at " + settings.effectiveMaxTokens() + " output tokens per row");
        for (EstimateService.ModelEstimate e : est) {
            out.printf(Locale.ROOT, "%s: %d requests, %d input tokens per request, up to $%s in all%n", e.model(),
                    e.requests(), e.inputTokens(), e.perDayUsd().amount().setScale(6, java.math.RoundingMode.HALF_UP)
                            .toPlainString());
        }
        out.flush();
        return parsed.invalidRows().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Prints progress on stderr: rewritten in place on a terminal, else a line every few seconds. */
    static final class Progress implements BatchListener {
        private final PrintWriter err;
        private final boolean terminal;
        private final long intervalNanos;
        private long last;
        private boolean printedInPlace;

        Progress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
            this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
            this.last = System.nanoTime();
        }

        @Override
        public synchronized void onProgress(BatchProgress p) {
            long now = System.nanoTime();
            if (now - last < intervalNanos) {
                return;
            }
            last = now;
            print(p);
        }

        @Override
        public synchronized void onStopped(String reason) {
            if (printedInPlace) {
                err.println();
                printedInPlace = false;
            }
            err.println("stopped sending: " + ("budget".equals(reason) ? "the budget cannot cover the next request"
                    : reason) + "; the rest is marked not run");
            err.flush();
        }

        private void print(BatchProgress p) {
            if (terminal) {
                err.print("\r" + p.describe() + "   ");
                printedInPlace = true;
            } else {
                err.println("progress: " + p.describe());
            }
            err.flush();
        }

        synchronized void finish(BatchProgress p) {
            print(p);
            if (terminal) {
                err.println();
            }
            err.flush();
        }
    }
}
