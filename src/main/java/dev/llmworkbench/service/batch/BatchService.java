package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.Router;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Batch use cases: turn an input file into a stored job, run or resume it with the {@link BatchEngine},
 * then export it and record its summary into the run.
 */
public final class BatchService {
    /** A new job and the parsed input it came from. */
    public record Prepared(BatchJobRecord job, BatchInput.Parsed input) {
    }

    private final BatchStore store;
    private final RunStore runs;
    private final BatchEngine engine;

    public BatchService(BatchStore store, RunStore runs, BatchEngine engine) {
        this.store = store;
        this.runs = runs;
        this.engine = engine;
    }

    public BatchStore store() {
        return store;
    }

    /** Reads the input and stores a new job (a {@code batch} run with all its rows). */
    public Prepared create(Path input, Path output, String format, BatchSettings settings, String provider) {
        BatchInput.Parsed parsed = BatchInput.read(input);
        List<String> models = new ArrayList<>();
        if (settings.model() != null) {
            models.add(settings.model());
        }
        boolean rowWithoutModel = false;
        for (BatchInput.Row r : parsed.validRows()) {
            if (r.row().model() != null && !models.contains(r.row().model())) {
                models.add(r.row().model());
            }
            rowWithoutModel |= r.row().model() == null;
        }
        if (settings.model() == null && !settings.route() && rowWithoutModel
                && !models.contains(BatchSettings.DEFAULT_MODEL)) {
            // rows without a model of their own go to the default model (the engine does the same)
            models.add(0, BatchSettings.DEFAULT_MODEL);
        }
        String abs = input.toAbsolutePath().toString();
        RunRecord run = runs.create(RunKind.BATCH, "batch " + input.getFileName(), abs, provider, models,
                settings.toJson());
        List<BatchItemRecord.New> items = new ArrayList<>(parsed.rows().size());
        for (BatchInput.Row r : parsed.rows()) {
            items.add(r.valid() ? BatchItemRecord.New.valid(r.line(), r.requestId(), r.rowJson())
                    : BatchItemRecord.New.invalid(r.line(), r.requestId(), r.rowJson(), r.invalidReason()));
        }
        BatchJobRecord job = store.createJob(run.id(), abs, output.toAbsolutePath().toString(), format,
                settings.toJson(), items);
        return new Prepared(job, parsed);
    }

    public Optional<BatchJobRecord> job(String jobId) {
        return store.findJob(jobId);
    }

    public BatchEngine.Handle start(String jobId, BatchEngine.Target target, BatchSettings settings,
                                    BatchListener listener) {
        return engine.start(jobId, target, settings, listener);
    }

    /**
     * Puts the job's failed items back and runs what is then pending: the failed items, and after a run
     * that stopped on an error, the items it had not sent yet. Items a cancel or a budget left not run stay so.
     */
    public BatchEngine.Handle retryFailed(String jobId, BatchEngine.Target target, BatchSettings settings,
                                          BatchListener listener) {
        store.requeueFailed(jobId);
        return engine.start(jobId, target, settings, listener, true);
    }

    /**
     * After a run: writes the export to the job's output, the JSON summary where the settings say, and
     * records the summary into the run.
     */
    public BatchSummary finish(BatchJobRecord job, BatchSettings settings, BatchEngine.Outcome outcome) {
        // one pass over the stored items, one at a time, for the export, the summary and the wall time
        BatchExport.Tally tally = new BatchExport.Tally();
        WallSpan span = new WallSpan(java.time.Instant.now().minus(outcome.wall()));
        BatchExport.writeTo(Path.of(job.outputPath()), w -> {
            try (BatchExport.LineWriter lines = new BatchExport.LineWriter(w, job.format())) {
                store.forEachItemWithResult(job.id(), ir -> {
                    tally.add(ir);
                    span.add(ir);
                    lines.writeUnchecked(ir);
                });
            }
        });
        BatchSummary summary = tally.summary(span.seconds(outcome.wall())).withLimiter(limiterJson(outcome.limiter()));
        if (settings.summaryJson() != null) {
            try {
                Path p = Path.of(settings.summaryJson());
                Path parent = p.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(p, summary.toJsonText() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + settings.summaryJson() + ": " + e.getMessage(), e);
            }
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
     * The dry-run estimate of a parsed input: per model its valid rows, priced at the settings' worst-case
     * output ({@code max_tokens}). A row goes to the model the engine would send it to: its own, else the
     * settings' model, else (routing) the router's pick for its prompt, else the default model.
     */
    public static List<EstimateService.ModelEstimate> dryRun(EstimateService estimates, BatchInput.Parsed parsed,
                                                             BatchSettings settings) {
        Router router = settings.route() && settings.model() == null ? new Router() : null;
        String fallback = settings.model() != null ? settings.model() : BatchSettings.DEFAULT_MODEL;
        Map<String, List<List<Message>>> byModel = new LinkedHashMap<>();
        for (BatchInput.Row r : parsed.validRows()) {
            String m = r.row().model() != null ? r.row().model()
                    : router != null ? router.route(r.row().prompt()).model() : fallback;
            byModel.computeIfAbsent(m, k -> new ArrayList<>()).add(r.row().messages());
        }
        List<EstimateService.ModelEstimate> out = new ArrayList<>();
        byModel.forEach((model, reqs) ->
                out.addAll(estimates.estimate(reqs, List.of(model), reqs.size(), settings.effectiveMaxTokens())));
        return out;
    }
}
