package dev.llmworkbench.cli;

import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchDryRun;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.service.batch.BatchInput;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.domain.BatchJobRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
                "Exit 0 when every row is done (a dry run: every row valid and estimated); 1 when any row is invalid,",
                "failed or not run, with the counts on stderr ('rows: 57 done, 1 failed, 2 not run, 1 invalid');",
                "2 for wrong usage or nothing usable (bad flags, an empty, missing, unreadable, binary or UTF-16 input,",
                "a CSV header without a prompt column, a --db that is not a database).",
                "Each line (a CSV record) is read as UTF-8 on its own: a bad byte, a line over --max-line-bytes or a",
                "field of the wrong type makes that row invalid, named with its line; every other row runs."})
public class BatchCommand implements Callable<Integer> {
    /** The help of {@code --max-line-bytes}, on {@code batch} and {@code estimate}. */
    static final String MAX_LINE_BYTES_TEXT = "the longest line (a CSV record: all its lines) read, in bytes; a longer "
            + "one is an invalid row (default: 6291456, 6 MB)";
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
    Priority priority;

    @Mixin
    ProviderOptions provider;

    @Mixin
    DbOption dbOption;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "write the JSON summary here")
    Path summaryJson;

    @Option(names = "--resume", paramLabel = "JOB_ID", description = "carry on an interrupted job")
    String resume;

    @Option(names = "--dry-run", description = "print the estimated tokens and cost per model; send nothing")
    boolean dryRun;

    @Option(names = "--max-line-bytes", paramLabel = "N", description = MAX_LINE_BYTES_TEXT)
    Long maxLineBytes;

    @Mixin
    RemoteBatchOptions remote;

    /** Where the command's services come from; tests give services with small retry waits. */
    java.util.function.Supplier<CliServices> servicesFactory = CliServices::new;

    /** Tests may watch the run (e.g. to pause or cancel it). */
    BatchListener extraListener;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String db = dbOption.file();
        checkDatabase(db);
        try (CliServices services = servicesFactory.get()) {
            BatchService batches = services.batches(db);
            if (remote.any() || (resume != null && services.remoteBatches(db).isRemote(resume))) {
                return new RemoteBatch(this, services).call(); // the provider's batch engine
            }
            BatchJobRecord job;
            BatchSettings settings;
            BatchTarget target;
            if (resume != null) {
                java.util.List<String> others = new java.util.ArrayList<>();
                for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
                    if (!o.longestName().equals("--resume") && !o.longestName().equals("--db")
                            && !o.longestName().equals("--header")) {
                        others.add(o.longestName());
                    }
                }
                if (!others.isEmpty()) {
                    throw new UsageException("--resume takes only --db and --header: the job remembers its input, "
                            + "output and settings (remove " + String.join(", ", others) + ")");
                }
                job = batches.job(resume).orElseThrow(() -> new UsageException("no batch job '" + resume + "' in "
                        + services.databaseFile(db)));
                settings = BatchSettings.fromJson(job.settingsJson());
                target = resumedTarget(services, settings, provider);
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
                long maxLine = maxLineBytes();
                if (dryRun) {
                    return dryRun(services, settings, maxLine, out, err);
                }
                // the key and profile are checked before anything is created: wrong usage leaves no job behind
                target = provider.apply(target(services, settings));
                BatchService.Prepared prepared;
                try {
                    // the rows go into the job one at a time; an empty, missing or unreadable input is wrong
                    // usage (2) and leaves no job behind
                    prepared = batches.create(input, output, fmt, settings, providerName(settings), maxLine);
                } catch (BatchInput.InputException e) {
                    throw new UsageException(e.getMessage());
                }
                job = prepared.job();
                err.println("job: " + job.id());
                for (BatchService.InvalidRow r : prepared.firstInvalid()) {
                    err.println(invalidLine(r.line(), r.reason()));
                }
                int more = prepared.counts().invalid() - prepared.firstInvalid().size();
                if (more > 0) {
                    err.println("invalid rows: " + more + " more, each with its reason in " + output);
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
            BatchOutcome outcome;
            try {
                outcome = handle.result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.cancel();
                throw new IllegalStateException("interrupted; resume with --resume " + job.id());
            } catch (ExecutionException e) {
                try {
                    // the counts of the job as stored; the error itself is said by the exception below
                    BatchSummary s = batches.summary(job);
                    err.println(ExitCodes.rowCounts(s.succeeded(), s.failed(), s.notRun(), s.invalid()));
                    err.flush();
                } catch (RuntimeException ignored) {
                    // nothing more to say than the error
                }
                throw new IllegalStateException("the batch stopped: " + plain(e.getCause())
                        + "; resume with --resume " + job.id(), e.getCause());
            }
            progress.finish(outcome.progress());
            if (outcome.stopDetail() != null) {
                err.println("why: " + outcome.stopDetail());
            }
            if (outcome.resent() > 0) {
                err.println("note: " + outcome.resent() + " row" + (outcome.resent() == 1 ? " was" : "s were")
                        + " in flight when the earlier run stopped and " + (outcome.resent() == 1 ? "was" : "were")
                        + " sent again; what " + (outcome.resent() == 1 ? "it" : "they") + " had reserved ($"
                        + outcome.requeuedReservationUsd().toPlainString() + ") was released, not counted as spent");
            }
            BatchSummary summary = batches.finish(job, settings, outcome);
            out.println("job " + job.id() + ": results in " + job.outputPath());
            out.println(summary.describe());
            out.flush();
            int code = ExitCodes.forRows(summary.succeeded(), summary.failed(), summary.notRun(), summary.invalid());
            if (code != ExitCodes.OK) {
                err.println(ExitCodes.rowCounts(summary.succeeded(), summary.failed(), summary.notRun(),
                        summary.invalid()));
            }
            err.flush();
            return code;
        }
    }

    /** A throwable as plain words: its message on one line, never its class name or a stack trace. */
    static String plain(Throwable t) {
        String m = t == null ? null : t.getMessage();
        return m == null || m.isBlank() ? "an internal error (no message)" : UsageException.oneLine(m);
    }

    /** The line limit asked for, else the default. @throws UsageException when it is not a positive number */
    private long maxLineBytes() {
        return checkMaxLineBytes(maxLineBytes);
    }

    static long checkMaxLineBytes(Long n) {
        if (n == null) {
            return BatchInput.DEFAULT_MAX_LINE_BYTES;
        }
        if (n < 1) {
            throw new UsageException("--max-line-bytes must be at least 1, was " + n);
        }
        return n;
    }

    /** One invalid row on stderr: {@code invalid row: line 7: the reason} (its id is in the export). */
    static String invalidLine(Integer line, String reason) {
        return "invalid row: line " + line + ": " + reason;
    }

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@code --db} must name a SQLite database, or a file that does not exist yet (or is empty) to become one:
     * anything else is wrong usage, said in one line before anything is opened.
     */
    static void checkDatabase(String db) {
        if (db == null || db.isBlank()) {
            return;
        }
        Path p;
        try {
            p = Path.of(db);
        } catch (InvalidPathException e) {
            throw new UsageException("--db: '" + db + "' is not a valid file name");
        }
        if (Files.isDirectory(p)) {
            throw new UsageException("--db: " + db + " is a folder, not a database file");
        }
        if (!Files.exists(p)) {
            return;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(SQLITE_HEADER.length);
        } catch (IOException e) {
            throw new UsageException("--db: cannot read " + db);
        }
        if (head.length > 0 && !Arrays.equals(head, SQLITE_HEADER)) {
            throw new UsageException("--db: " + db + " is not a database (not an SQLite file)");
        }
    }

    BatchSettings newSettings() {
        Priority p = priority == null ? Priority.BATCH : priority;
        String baseUrl = provider.baseUrl();
        String profile = provider.profile();
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
                    provider.apiKeyEnv(), profile, summaryJson == null ? null : summaryJson.toAbsolutePath().toString(),
                    provider.dialect, provider.stream(), provider.headers);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static String providerName(BatchSettings s) {
        return s.profile() != null ? s.profile() : s.baseUrl() == null ? CliServices.SIMULATOR : "custom";
    }

    static BatchTarget target(CliServices services, BatchSettings s) {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(60),
                Duration.ofSeconds(600));
        // the database is open already (the job's): the profile is read from it
        CliServices.Provider p = services.provider(s.profile(), s.baseUrl(), s.apiKeyEnv(), null);
        ProviderProfile profile = s.dialect() == null ? p.profile() : p.profile().withDialect(s.dialect());
        java.util.Map<String, String> stored = new java.util.LinkedHashMap<>(s.headers());
        stored.values().removeIf(java.util.Objects::isNull); // a credential is given again, never stored
        return new BatchTarget(profile.withHeaders(stored), p.key(), timeouts, s.stream());
    }

    /**
     * The target of a resumed job: as it was created (its dialect, streaming and headers are stored with it), with
     * the headers given now added; a header named like a credential must be given again (its value is not stored).
     */
    static BatchTarget resumedTarget(CliServices services, BatchSettings s, ProviderOptions given) {
        s.headers().forEach((name, value) -> {
            if (value == null && given.headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                throw new UsageException("the job was run with --header " + name + "=...; give it again with --resume"
                        + " (a credential's value is never stored)");
            }
        });
        return given.apply(target(services, s));
    }

    private Integer dryRun(CliServices services, BatchSettings settings, long maxLine, PrintWriter out,
                           PrintWriter err) {
        BatchDryRun dry;
        try {
            // the profile only (no key needed): its prices, as the run itself would plan each row
            ProviderProfile profile = services.provider(settings.profile(), settings.baseUrl(), null, null).profile();
            dry = BatchDryRun.of(services.chat(), profile, input, maxLine, settings,
                    r -> err.println(invalidLine(r.line(), r.invalidReason())));
            dry.counts().requireRows(input);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out.println("dry run: " + BatchService.describeDryRun(dry.models(), settings, dry.counts().valid(),
                dry.counts().invalid()));
        out.flush();
        return estimatedCode(dry.counts(), err);
    }

    /**
     * For the commands that only estimate ({@code batch --dry-run}, {@code estimate --input}), once each invalid
     * row has been said: 0 when every row was valid and estimated, else 1 with the counts on stderr.
     */
    static int estimatedCode(BatchInput.Counts counts, PrintWriter err) {
        if (counts.invalid() == 0) {
            return ExitCodes.OK;
        }
        err.println(ExitCodes.estimatedCounts(counts.valid(), counts.invalid()));
        err.flush();
        return ExitCodes.FAILED;
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
