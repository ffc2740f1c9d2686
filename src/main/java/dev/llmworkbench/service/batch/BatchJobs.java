package dev.llmworkbench.service.batch;

import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.service.batch.BatchInput;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.domain.ResultRecord;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The batch use cases as the desktop needs them, in plain records (no store types): preview a file, price
 * it (dry run), create a job, start or resume it, read its items with their results, retry the failed
 * ones, offer interrupted jobs for resuming, export and summarise.
 */
public final class BatchJobs {
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

    /** One item of a job with its result, if any. {@code status} is the export's status name. */
    public record ItemRow(long itemId, Integer line, String requestId, String status, String model, String prompt,
                          String response, Double ttftMs, Double e2eMs, Integer outputTokens, BigDecimal costUsd,
                          int attempts, Boolean checkPassed, String checkDetail, String error, String invalidReason,
                          Instant endedAt) {
    }

    /** A stored job. */
    public record JobInfo(String jobId, long runId, String inputPath, String outputPath, String status,
                          Instant createdAt, String settingsJson) {
        public BatchSettings settings() {
            return BatchSettings.fromJson(settingsJson);
        }
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Supplier<BatchService> services;

    private BatchService service() {
        return services.get();
    }
    private final EstimateService estimates;
    private final Function<String, BatchEngine.Target> targets;
    private final Path outputDir;

    /**
     * @param targets   where a run's requests go, by the settings' profile name (null: the default provider)
     * @param outputDir where new jobs write their export when they finish
     */
    public BatchJobs(Supplier<BatchService> service, EstimateService estimates,
                     Function<String, BatchEngine.Target> targets, Path outputDir) {
        this.services = Objects.requireNonNull(service);
        this.estimates = Objects.requireNonNull(estimates);
        this.targets = Objects.requireNonNull(targets);
        this.outputDir = Objects.requireNonNull(outputDir);
    }

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

    /** The dry-run estimate of a file with these settings: per model its valid rows at their worst-case output. */
    public List<EstimateService.ModelEstimate> dryRun(Path file, BatchSettings settings) {
        BatchInput.Parsed parsed = BatchInput.read(file);
        return parsed.validRows().isEmpty() ? List.of() : BatchService.dryRun(estimates, parsed, settings);
    }

    /** Stores a new job for the file; its export goes to the output folder in {@code format} (jsonl, csv). */
    public JobInfo create(Path input, BatchSettings settings, String format) {
        String name = input.getFileName() == null ? "batch" : input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        Path out = outputDir.resolve(base + "-" + STAMP.format(Instant.now()) + "." + format);
        String provider = settings.profile() == null ? "Simulator" : settings.profile();
        return info(service().create(input, out, format, settings, provider).job());
    }

    public BatchEngine.Handle start(String jobId, BatchSettings settings, BatchListener listener) {
        return service().start(jobId, targets.apply(settings.profile()), settings, listener);
    }

    /**
     * Puts the job's failed items back and runs what is then pending: the failed items, and after a run
     * that stopped on an error, the items it had not sent yet. Items a cancel or a budget left not run stay so.
     */
    public BatchEngine.Handle retryFailed(String jobId, BatchSettings settings, BatchListener listener) {
        return service().retryFailed(jobId, targets.apply(settings.profile()), settings, listener);
    }

    /** After a run: writes the job's export, records the summary into its run. */
    public BatchSummary finish(String jobId, BatchSettings settings, BatchEngine.Outcome outcome) {
        return service().finish(job(jobId), settings, outcome);
    }

    public JobInfo info(String jobId) {
        return info(job(jobId));
    }

    /** Every item of the job in input order, with its result. */
    public List<ItemRow> items(String jobId) {
        List<ItemRow> out = new ArrayList<>();
        for (BatchStore.ItemResult ir : service().store().itemsWithResults(jobId)) {
            out.add(row(ir));
        }
        return out;
    }

    /** What {@link #itemUpdates} read: the changed rows (without prompts) and the cursor for the next read. */
    public record ItemUpdates(List<ItemRow> rows, long next) {
        public ItemUpdates {
            rows = List.copyOf(rows);
        }
    }

    /** The cursor that asks {@link #itemUpdates} for every item. */
    public static final long ALL_ITEMS = Long.MIN_VALUE;

    /**
     * The items of the job that changed since {@code cursor} ({@link #ALL_ITEMS}, or a previous read's
     * {@link ItemUpdates#next()}), in input order with their results, as {@link #items} but without the
     * prompts (null) and the rows' models: what a view that already shows the rows reads to follow a
     * running job. An item may come again in the next read (the store's {@code changedSince}).
     */
    public ItemUpdates itemUpdates(String jobId, long cursor) {
        BatchStore.Changes changes = service().store().changedSince(jobId, cursor);
        List<ItemRow> out = new ArrayList<>(changes.items().size());
        for (BatchStore.ItemResult ir : changes.items()) {
            out.add(row(ir, false));
        }
        return new ItemUpdates(out, changes.next());
    }

    /** Jobs left interrupted by a process that ended while they ran, newest first. */
    public List<JobInfo> interrupted() {
        return service().store().interruptedJobs().stream().map(BatchJobs::info).toList();
    }

    /** Writes the job's items as the batch engine exports them ({@code jsonl} or {@code csv}). */
    public void export(String jobId, Path output, String format) {
        BatchExport.write(service().store(), jobId, output, format);
    }

    /**
     * The summary of the job as it stands, its wall time the span of its stored results (first request's
     * start to last one's end).
     */
    public BatchSummary summary(String jobId) {
        return service().summary(job(jobId));
    }

    private BatchJobRecord job(String jobId) {
        return service().job(jobId).orElseThrow(() -> new IllegalArgumentException("no batch job " + jobId));
    }

    private static JobInfo info(BatchJobRecord j) {
        return new JobInfo(j.id(), j.runId(), j.inputPath(), j.outputPath(), j.status().wireName(), j.createdAt(),
                j.settingsJson());
    }

    static ItemRow row(BatchStore.ItemResult ir) {
        return row(ir, true);
    }

    private static ItemRow row(BatchStore.ItemResult ir, boolean withPrompt) {
        BatchItemRecord it = ir.item();
        ResultRecord r = ir.result();
        String prompt;
        String model = null;
        if (!withPrompt) {
            prompt = null;
        } else if (it.invalidReason() == null && it.rowJson() != null) {
            BatchRow br;
            try {
                br = BatchRow.fromJson(it.rowJson());
                prompt = br.prompt();
                model = br.model();
            } catch (RuntimeException e) {
                prompt = snippet(it.rowJson());
            }
        } else {
            prompt = snippet(it.rowJson());
        }
        String status = it.status().wireName();
        if (r == null) {
            return new ItemRow(it.id(), it.line(), it.requestId(), status, model, prompt, null, null, null, null, null,
                    0, null, null, null, it.invalidReason(), null);
        }
        return new ItemRow(it.id(), it.line(), it.requestId(), status, r.model() != null ? r.model() : model, prompt,
                r.responseText(), r.timing() == null ? null : r.timing().ttftMs(),
                r.timing() == null ? null : r.timing().e2eMs(),
                r.usage() == null ? null : r.usage().completionTokens(), r.costUsd(), r.attempts().size(),
                r.checkPassed(), r.checkDetail(), r.error() == null ? null : r.error().message(), it.invalidReason(),
                r.endedAt());
    }

    private static String snippet(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 200 ? t : t.substring(0, 197) + "...";
    }
}
