package dev.llmworkbench.service.history;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ResultRecords;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The history of runs (chat, compare, batch, benchmark): records them and lists, shows and exports them.
 * Used by the command line and the desktop app alike; it prints nothing.
 */
public final class HistoryService {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** A run with its result count and, for a batch, its job. */
    public record RunDetail(RunRecord run, int results, BatchJobRecord job) {
    }

    private final RunStore runs;
    private final ResultStore results;
    private final BatchStore batches;

    public HistoryService(RunStore runs, ResultStore results, BatchStore batches) {
        this.runs = runs;
        this.results = results;
        this.batches = batches;
    }

    /** A run's id from its number, or from a batch job's id ({@code b-20261124-1a2b3c}); empty when neither. */
    public java.util.Optional<Long> resolveRunId(String idOrJob) {
        if (idOrJob == null || idOrJob.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Long.parseLong(idOrJob.trim()));
        } catch (NumberFormatException notANumber) {
            return batches.findJob(idOrJob.trim()).map(j -> j.runId());
        }
    }

    public RunStore runs() {
        return runs;
    }

    /** Records one chat (kind {@code single}) with its result; returns the run. */
    public RunRecord recordChat(ChatJob job, ChatOutcome o, Instant startedAt) {
        return recordChat(job, o, startedAt, RunKind.SINGLE);
    }

    /** Records one chat of the given kind ({@code SINGLE}, or {@code COMPARE} for one lane). */
    public RunRecord recordChat(ChatJob job, ChatOutcome o, Instant startedAt, RunKind kind) {
        ChatRequest req = job.request();
        String prompt = lastUser(req.messages());
        JsonObject settings = new JsonObject();
        settings.addProperty("base_url", job.profile().baseUrl());
        settings.addProperty("model", req.model());
        settings.addProperty("max_tokens", req.maxTokens());
        settings.addProperty("temperature", req.temperature());
        settings.addProperty("priority", job.priority().wireName());
        RunRecord run = runs.create(kind, title(prompt), prompt, job.profile().name(), List.of(req.model()),
                GSON.toJson(settings));
        Completion c = o.completion();
        recordResult(run.id(), job, o, startedAt);
        JsonObject summary = new JsonObject();
        summary.addProperty("ttft_ms", c.timing().ttftMs());
        summary.addProperty("e2e_ms", c.timing().e2eMs());
        summary.addProperty("cost_usd", o.costUsd() == null ? null : o.costUsd().amount().toPlainString());
        summary.addProperty("error", c.error() == null ? null : c.error().message());
        runs.updateSummary(run.id(), o.ok() ? RunRecord.DONE : RunRecord.FAILED, GSON.toJson(summary));
        return runs.find(run.id()).orElse(run);
    }

    /** Stores one request's result (response, timings, usage, cost, attempts) into a run. */
    public ResultRecord recordResult(long runId, ChatJob job, ChatOutcome o, Instant startedAt) {
        return results.insert(ResultRecords.from(runId, job, o, startedAt, Instant.now(), null).build());
    }

    /**
     * Opens a benchmark's run (kind {@code benchmark}, status running) before its requests go out, so that
     * each request's result can be stored as it ends ({@link #recordResult}) and the charts follow it live.
     */
    public RunRecord startBenchmark(String prompt, String provider, String model, String settingsJson) {
        return runs.create(RunKind.BENCHMARK, "bench " + model, prompt, provider, List.of(model), settingsJson);
    }

    /** Closes a benchmark's run with its summary. */
    public RunRecord finishBenchmark(long runId, String summaryJson, boolean ok) {
        runs.updateSummary(runId, ok ? RunRecord.DONE : RunRecord.FAILED, summaryJson);
        return runs.find(runId).orElseThrow();
    }

    public List<RunRecord> list(RunQuery q) {
        return runs.list(q);
    }

    public Optional<RunDetail> show(long id) {
        return runs.find(id).map(r -> new RunDetail(r, results.countByRun(id),
                r.kind() == RunKind.BATCH ? batches.findJobByRun(id).orElse(null) : null));
    }

    public List<ResultRecord> results(long runId) {
        return results.listByRun(runId);
    }

    /**
     * Exports a run, one line per item (a batch: every input row) or per result, with the batch export's
     * fields, as {@code jsonl} or {@code csv}; returns how many lines were written.
     */
    public int export(long runId, Path output, String format) {
        RunRecord run = runs.find(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        Optional<BatchJobRecord> job = run.kind() == RunKind.BATCH ? batches.findJobByRun(runId) : Optional.empty();
        int[] lines = {0};
        BatchExport.writeTo(output, w -> {
            try (BatchExport.LineWriter out = new BatchExport.LineWriter(w, format)) {
                if (job.isPresent()) {
                    // a batch: every input row, read one at a time
                    batches.forEachItemWithResult(job.get().id(), ir -> {
                        out.writeUnchecked(ir);
                        lines[0]++;
                    });
                } else {
                    int seq = 0;
                    for (ResultRecord r : results.listByRun(runId)) {
                        out.write(new BatchStore.ItemResult(new BatchItemRecord(-1, null, seq++, null, "result-" + r.id(),
                                r.succeeded() ? ItemStatus.DONE : ItemStatus.FAILED, null, null, Reservation.NONE), r));
                        lines[0]++;
                    }
                }
            }
        });
        return lines[0];
    }

    private static String lastUser(List<Message> ms) {
        for (int i = ms.size() - 1; i >= 0; i--) {
            if (ms.get(i).role() == Role.USER) {
                return ms.get(i).content();
            }
        }
        return ms.isEmpty() ? "" : ms.get(ms.size() - 1).content();
    }

    private static String title(String prompt) {
        String p = prompt == null ? "" : prompt.strip().replaceAll("\\s+", " ");
        return p.length() <= 60 ? p : p.substring(0, 57) + "...";
    }
}
