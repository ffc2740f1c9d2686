package dev.llmworkbench.service.batch;

import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.service.batch.BatchService.ItemRow;
import dev.llmworkbench.service.batch.BatchService.ItemUpdates;
import dev.llmworkbench.service.batch.BatchService.JobInfo;
import dev.llmworkbench.service.batch.BatchService.Preview;
import dev.llmworkbench.service.batch.BatchService.PreviewRow;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Batch use cases, for the command line and the desktop alike: turn an input file into a stored job, run or
 * resume it with the {@link BatchEngine}, then export it and record its summary into the run. The desktop
 * also previews a file, prices it (dry run), reads a job's items with their results (in full, or what
 * changed since a cursor), retries the failed ones and finds the jobs left interrupted; those methods hand
 * out the plain records below.
 */
public final class BatchService {
    // ---- the plain records the desktop gets (no store types)

    /** One input row of a preview: valid, or the reason it is not. */
    public record PreviewRow(int index, Integer line, String requestId, String prompt, String model, boolean valid,
                             String reason) {
    }

    /** A parsed file. */
    public record Preview(Path file, List<PreviewRow> rows, int valid, int invalid) {
        public Preview {
            rows = List.copyOf(rows);
        }
    }

    /** One item of a job with its result, if any. */
    public record ItemRow(long itemId, Integer line, String requestId, ItemStatus itemStatus, String model,
                          String prompt, String response, Double ttftMs, Double e2eMs, Integer outputTokens,
                          BigDecimal costUsd, int attempts, Boolean checkPassed, String checkDetail, String error,
                          String invalidReason, Instant endedAt, Double queueMs) {
        /** Without the time in the limiter's queue. */
        public ItemRow(long itemId, Integer line, String requestId, ItemStatus itemStatus, String model, String prompt,
                       String response, Double ttftMs, Double e2eMs, Integer outputTokens, BigDecimal costUsd,
                       int attempts, Boolean checkPassed, String checkDetail, String error, String invalidReason,
                       Instant endedAt) {
            this(itemId, line, requestId, itemStatus, model, prompt, response, ttftMs, e2eMs, outputTokens, costUsd,
                    attempts, checkPassed, checkDetail, error, invalidReason, endedAt, null);
        }

        /** The status as the exports name it ({@code done}, {@code not_run}, ...). */
        public String status() {
            return itemStatus.wireName();
        }
    }

    /** A stored job. */
    public record JobInfo(String jobId, long runId, String inputPath, String outputPath, JobStatus status,
                          Instant createdAt, String settingsJson) {
        public BatchSettings settings() {
            return BatchSettings.fromJson(settingsJson);
        }
    }

    /** What {@link BatchService#itemUpdates} read: the changed rows (without prompts) and the cursor for the next read. */
    public record ItemUpdates(List<ItemRow> rows, long next) {
        public ItemUpdates {
            rows = List.copyOf(rows);
        }
    }

    /**
     * A new job, the counts of its input's rows, and its first invalid rows (at most {@link #INVALID_SHOWN}:
     * all of them are in the job and its export).
     */
    public record Prepared(BatchJobRecord job, BatchInput.Counts counts, List<InvalidRow> firstInvalid) {
        public Prepared {
            firstInvalid = List.copyOf(firstInvalid);
        }
    }

    /** An invalid input row: its line, id and why. */
    public record InvalidRow(Integer line, String requestId, String reason) {
        static InvalidRow of(BatchInput.Row r) {
            return new InvalidRow(r.line(), r.requestId(), r.invalidReason());
        }
    }

    /** How many invalid rows {@link Prepared} names one by one. */
    public static final int INVALID_SHOWN = 1000;

    /** The cursor that asks {@link #itemUpdates} for every item. */
    public static final long ALL_ITEMS = Long.MIN_VALUE;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final BatchStore store;
    private final RunStore runs;
    private final Supplier<BatchEngine> engines;
    private final Function<String, BatchTarget> targets;
    private final Path outputDir;

    /** The command line's service: one engine; the caller names each run's target and output. */
    public BatchService(BatchStore store, RunStore runs, BatchEngine engine) {
        this.store = store;
        this.runs = runs;
        this.engines = () -> engine;
        this.targets = null;
        this.outputDir = null;
    }

    /**
     * The desktop's service.
     *
     * @param engines   the engine of each run (a fresh one over the current chat service)
     * @param targets   where a run's requests go, by the settings' profile name (null: the default provider)
     * @param outputDir where new jobs write their export when they finish
     */
    public BatchService(BatchStore store, RunStore runs, Supplier<BatchEngine> engines,
                        Function<String, BatchTarget> targets, Path outputDir) {
        this.store = Objects.requireNonNull(store);
        this.runs = Objects.requireNonNull(runs);
        this.engines = Objects.requireNonNull(engines);
        this.targets = Objects.requireNonNull(targets);
        this.outputDir = Objects.requireNonNull(outputDir);
    }

    public BatchStore store() {
        return store;
    }

    /** Reads the input and stores a new job (a {@code batch} run with all its rows); the default line limit. */
    public Prepared create(Path input, Path output, String format, BatchSettings settings, String provider) {
        return create(input, output, format, settings, provider, BatchInput.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads the input a row at a time into a new job (a {@code batch} run with all its rows), in one
     * transaction: an input that cannot be read, or has no row, leaves neither a job nor a run behind.
     *
     * @throws BatchInput.InputException when the input cannot be read as rows or has none
     */
    public Prepared create(Path input, Path output, String format, BatchSettings settings, String provider,
                           long maxLineBytes) {
        return BatchImport.create(store, runs, input, output, format, settings, provider, maxLineBytes);
    }

    public Optional<BatchJobRecord> job(String jobId) {
        return store.findJob(jobId);
    }

    public BatchEngine.Handle start(String jobId, BatchTarget target, BatchSettings settings,
                                    BatchListener listener) {
        return engines.get().start(jobId, target, settings, listener);
    }

    /**
     * Puts the job's failed items back and runs what is then pending: the failed items, and after a run
     * that stopped on an error, the items it had not sent yet. Items a cancel or a budget left not run stay so.
     */
    public BatchEngine.Handle retryFailed(String jobId, BatchTarget target, BatchSettings settings,
                                          BatchListener listener) {
        store.requeueFailed(jobId);
        return engines.get().start(jobId, target, settings, listener, true);
    }

    /**
     * After a run: writes the export to the job's output, the JSON summary where the settings say, and
     * records the summary into the run.
     */
    public BatchSummary finish(BatchJobRecord job, BatchSettings settings, BatchOutcome outcome) {
        // one pass over the stored items, one at a time, for the export, the summary and the wall time
        BatchExport.Tally tally = new BatchExport.Tally();
        WallSpan span = new WallSpan(java.time.Instant.now().minus(outcome.wall()));
        BatchExport.writeTo(Path.of(job.outputPath()), w -> {
            try (BatchExport.LineWriter lines = new BatchExport.LineWriter(w, job.format(),
                    store.engine(job.id()).orElse(dev.llmworkbench.store.RemoteShardStore.LIVE))) {
                store.forEachItemWithResult(job.id(), ir -> {
                    tally.add(ir);
                    span.add(ir);
                    lines.writeUnchecked(ir);
                });
            }
        });
        BatchSummary summary = tally.summary(span.seconds(outcome.wall())).withLimiter(limiterJson(outcome.limiter()));
        if (settings.summaryJson() != null) {
            writeSummary(summary, Path.of(settings.summaryJson()));
        }
        String status = outcome.stopReason() == null ? RunRecord.DONE
                : "cancelled".equals(outcome.stopReason()) ? RunRecord.CANCELLED : RunRecord.DONE;
        runs.updateSummary(job.runId(), status, summary.toJson().toString());
        return summary;
    }

    /** The limiter's state as the summary's {@code limiter} object, or null. */
    static com.google.gson.JsonObject limiterJson(dev.llmworkbench.resilience.RateLimiter.State st) {
        if (st == null) {
            return null;
        }
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("state", st.describe());
        o.addProperty("key", st.key().toString());
        o.addProperty("effective_rpm", st.effectiveRpm());
        o.addProperty("effective_tpm", st.effectiveTpm());
        o.addProperty("provider_rpm", st.providerRpm());
        o.addProperty("provider_tpm", st.providerTpm());
        o.addProperty("remaining_requests", st.remainingRequests());
        o.addProperty("rate_fraction", Math.round(st.rateFraction() * 1000) / 1000.0);
        o.addProperty("rate_limited", st.rateLimited());
        o.addProperty("decreases", st.decreases());
        o.addProperty("pauses", st.pauses());
        return o;
    }

    /** The job's summary from its stored items; the wall time is the span of its results. */
    public BatchSummary summary(BatchJobRecord job) {
        BatchExport.Tally tally = new BatchExport.Tally();
        WallSpan span = new WallSpan(java.time.Instant.now());
        store.forEachItemWithResult(job.id(), ir -> {
            tally.add(ir);
            span.add(ir);
        });
        return tally.summary(span.seconds(java.time.Duration.ZERO));
    }

    /**
     * The run's wall time across sessions: this session's, plus, for a resumed job, the span of the
     * results stored by earlier sessions (first request start to last end; the time the job lay
     * interrupted is not counted). Fed one item at a time.
     */
    static final class WallSpan {
        private final java.time.Instant sessionStart;
        private java.time.Instant first;
        private java.time.Instant last;

        WallSpan(java.time.Instant sessionStart) {
            this.sessionStart = sessionStart;
        }

        void add(BatchStore.ItemResult ir) {
            ResultRecord r = ir.result();
            if (r == null || r.startedAt() == null || r.endedAt() == null || !r.startedAt().isBefore(sessionStart)) {
                return;
            }
            first = first == null || r.startedAt().isBefore(first) ? r.startedAt() : first;
            last = last == null || r.endedAt().isAfter(last) ? r.endedAt() : last;
        }

        double seconds(java.time.Duration session) {
            double earlier = first == null ? 0 : java.time.Duration.between(first, last).toNanos() / 1e9;
            return session.toNanos() / 1e9 + Math.max(0, earlier);
        }
    }

    /**
     * A dry run's figures for one model: its valid rows, their input estimate, the output they may produce (each
     * row's own {@code max_tokens}, else the run's, plus the thinking budget of a row that thinks) and the sum of
     * what the control loop would reserve for them ({@code worstUsd}); {@code unpriced} rows have no price;
     * {@code tokenizer} names the tokenizer that counted the input ({@code qwen3}, {@code o200k}, …; null if unknown).
     */
    public record DryRunModel(String model, int requests, long inputTokens, long outputTokens, BigDecimal worstUsd,
                              int unpriced, String tokenizer) {
        /** Without saying which tokenizer counted. */
        public DryRunModel(String model, int requests, long inputTokens, long outputTokens, BigDecimal worstUsd,
                           int unpriced) {
            this(model, requests, inputTokens, outputTokens, worstUsd, unpriced, null);
        }
    }

    /**
     * A dry run in words, the same for the command line and the desktop: the rows, then per model its requests,
     * input tokens, the output they may produce and the sum of their reservations, then the total (the worst
     * case of the whole run) against the budget.
     */
    public static String describeDryRun(List<DryRunModel> est, BatchSettings s, long valid, long invalid) {
        StringBuilder sb = new StringBuilder();
        sb.append(valid).append(" valid rows, ").append(invalid).append(" invalid (not sent); worst case: what the ")
                .append("budget reserves for each row (its own max_tokens, else ").append(s.effectiveMaxTokens())
                .append(", and the thinking budget of a row that thinks)")
                .append(s.route() && s.model() == null ? "; each row at the model the router picks for it" : "")
                .append('\n');
        BigDecimal total = BigDecimal.ZERO;
        for (DryRunModel e : est) {
            total = total.add(e.worstUsd());
            sb.append(String.format(java.util.Locale.ROOT, "%s: %d requests, %d input tokens%s, up to %d output tokens, ",
                    e.model(), e.requests(), e.inputTokens(),
                    e.tokenizer() == null ? "" : " (" + e.tokenizer() + ")", e.outputTokens()));
            sb.append(e.unpriced() == e.requests() ? "no price in the catalogue"
                    : "up to " + dev.llmworkbench.domain.Amounts.usd(e.worstUsd())
                    + (e.unpriced() > 0 ? " (" + e.unpriced() + " rows without a price)" : ""));
            sb.append('\n');
        }
        sb.append("Total: up to ").append(dev.llmworkbench.domain.Amounts.usd(total));
        if (s.budgetUsd() != null) {
            sb.append(" (budget $").append(s.budgetUsd().toPlainString()).append(')');
        }
        return sb.toString();
    }

    /** Writes a summary as its JSON text, making the folder if need be. */
    public static void writeSummary(BatchSummary summary, Path output) {
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, summary.toJsonText() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
    }

    // ---- the desktop's use cases, in the plain records above ----

    /** Parses a CSV or JSONL file. @throws BatchInput.InputException when it cannot be read as input at all */
    public Preview preview(Path file) {
        BatchInput.Parsed parsed = BatchInput.read(file);
        List<PreviewRow> rows = new ArrayList<>(parsed.rows().size());
        int i = 0;
        int valid = 0;
        for (BatchInput.Row r : parsed.rows()) {
            if (r.valid()) {
                valid++;
                rows.add(new PreviewRow(i++, r.line(), r.requestId(), r.row().prompt(), r.row().model(), true, null));
            } else {
                rows.add(new PreviewRow(i++, r.line(), r.requestId(), snippet(r.rowJson()), null, false,
                        r.invalidReason()));
            }
        }
        return new Preview(file, rows, valid, rows.size() - valid);
    }

    /**
     * The dry run of a file with these settings, on the provider they name, read a row at a time: see
     * {@link BatchDryRun#of}.
     */
    public List<DryRunModel> dryRun(Path file, BatchSettings settings) {
        desktop(targets, "provider targets");
        return BatchDryRun.of(engines.get().chat(), target(settings).profile(), file, BatchInput.DEFAULT_MAX_LINE_BYTES,
                settings, r -> {
                }).models();
    }

    /** Stores a new job for the file; its export goes to the output folder in {@code format} (jsonl, csv). */
    public JobInfo create(Path input, BatchSettings settings, String format) {
        String name = input.getFileName() == null ? "batch" : input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        Path out = desktop(outputDir, "output folder").resolve(base + "-" + STAMP.format(Instant.now()) + "." + format);
        String provider = settings.profile() == null ? "Simulator" : settings.profile();
        return info(create(input, out, format, settings, provider).job());
    }

    /** Runs the job's pending items on the provider its settings name. */
    public BatchEngine.Handle start(String jobId, BatchSettings settings, BatchListener listener) {
        return start(jobId, target(settings), settings, listener);
    }

    /** {@link #retryFailed(String, BatchTarget, BatchSettings, BatchListener)} on the settings' provider. */
    public BatchEngine.Handle retryFailed(String jobId, BatchSettings settings, BatchListener listener) {
        return retryFailed(jobId, target(settings), settings, listener);
    }

    /** After a run: writes the job's export, records the summary into its run. */
    public BatchSummary finish(String jobId, BatchSettings settings, BatchOutcome outcome) {
        return finish(existing(jobId), settings, outcome);
    }

    public JobInfo info(String jobId) {
        return info(existing(jobId));
    }

    /** Every item of the job in input order, with its result. */
    public List<ItemRow> items(String jobId) {
        List<ItemRow> out = new ArrayList<>();
        for (BatchStore.ItemResult ir : store.itemsWithResults(jobId)) {
            out.add(row(ir, true));
        }
        return out;
    }

    /**
     * The items of the job that changed since {@code cursor} ({@link #ALL_ITEMS}, or a previous read's
     * {@link ItemUpdates#next()}), in input order with their results, as {@link #items} but without the
     * prompts (null) and the rows' models: what a view that already shows the rows reads to follow a
     * running job. An item may come again in the next read (the store's {@code changedSince}).
     */
    public ItemUpdates itemUpdates(String jobId, long cursor) {
        BatchStore.Changes changes = store.changedSince(jobId, cursor);
        List<ItemRow> out = new ArrayList<>(changes.items().size());
        for (BatchStore.ItemResult ir : changes.items()) {
            out.add(row(ir, false));
        }
        return new ItemUpdates(out, changes.next());
    }

    /** Jobs left interrupted by a process that ended while they ran, newest first. */
    public List<JobInfo> interrupted() {
        return store.interruptedJobs().stream().map(BatchService::info).toList();
    }

    /** Writes the job's items as the batch engine exports them ({@code jsonl} or {@code csv}). */
    public void export(String jobId, Path output, String format) {
        BatchExport.write(store, jobId, output, format);
    }

    /**
     * The summary of the job as it stands, its wall time the span of its stored results (first request's
     * start to last one's end).
     */
    public BatchSummary summary(String jobId) {
        return summary(existing(jobId));
    }

    /** Writes the job's JSON summary: {@code known} (the one its run ended with) if given, else {@link #summary}. */
    public void exportSummary(String jobId, BatchSummary known, Path output) {
        writeSummary(known != null ? known : summary(jobId), output);
    }

    private BatchTarget target(BatchSettings settings) {
        return desktop(targets, "targets").apply(settings.profile());
    }

    private static <T> T desktop(T part, String what) {
        if (part == null) {
            throw new IllegalStateException("this batch service was made without " + what);
        }
        return part;
    }

    private BatchJobRecord existing(String jobId) {
        return job(jobId).orElseThrow(() -> new IllegalArgumentException("no batch job " + jobId));
    }

    private static JobInfo info(BatchJobRecord j) {
        return new JobInfo(j.id(), j.runId(), j.inputPath(), j.outputPath(), j.status(), j.createdAt(),
                j.settingsJson());
    }

    private static ItemRow row(BatchStore.ItemResult ir, boolean withPrompt) {
        BatchItemRecord it = ir.item();
        ResultRecord r = ir.result();
        String prompt;
        String model = null;
        if (!withPrompt) {
            prompt = null;
        } else if (it.invalidReason() == null && it.rowJson() != null) {
            try {
                BatchRow br = BatchRow.fromJson(it.rowJson());
                prompt = br.prompt();
                model = br.model();
            } catch (RuntimeException e) {
                prompt = snippet(it.rowJson());
            }
        } else {
            prompt = snippet(it.rowJson());
        }
        if (r == null) {
            return new ItemRow(it.id(), it.line(), it.requestId(), it.status(), model, prompt, null, null, null, null,
                    it.billedUsd(), 0, null, null, null, it.invalidReason(), null);
        }
        return new ItemRow(it.id(), it.line(), it.requestId(), it.status(), r.model() != null ? r.model() : model,
                prompt, r.responseText(), r.timing() == null ? null : r.timing().ttftMs(),
                r.timing() == null ? null : r.timing().e2eMs(),
                r.usage() == null ? null : r.usage().completionTokens(), BatchExport.rowCost(it, r), r.attempts().size(),
                r.checkPassed(), r.checkDetail(), r.error() == null ? null : r.error().message(), it.invalidReason(),
                r.endedAt(), r.timing() == null ? null : r.timing().queueMs());
    }

    private static String snippet(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 200 ? t : t.substring(0, 197) + "...";
    }
}
