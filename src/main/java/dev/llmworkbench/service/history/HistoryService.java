package dev.llmworkbench.service.history;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Attempt;
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
import dev.llmworkbench.service.playground.PlaygroundDraft;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.client.DialectMapper;
import com.google.gson.JsonParser;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The history of runs (chat, compare, batch, benchmark): records them; lists and filters them, shows one
 * with its results (request without any key, response, reasoning, timings, cost, attempts), deletes and
 * exports them, and turns a run into a {@link ReopenRequest} for the Playground. Used by the command line
 * and the desktop app alike; it prints nothing.
 */
public final class HistoryService {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    /** The recorded request as shown in a run's details. */
    private static final Gson PRETTY_GSON = new GsonBuilder().setPrettyPrinting().serializeNulls()
            .disableHtmlEscaping().create();

    /** The kinds of run, as stored and shown. */
    public static final List<String> KINDS = List.of("single", "compare", "batch", "benchmark");
    /** The most results shown in a run's details (a batch may hold many more; export has them all). */
    public static final int DETAIL_LIMIT = 500;

    /** One run in a list. */
    public record RunRow(long id, String kind, Instant createdAt, String title, String provider, List<String> models,
                         String status, String summaryJson) {
        public RunRow {
            models = models == null ? List.of() : List.copyOf(models);
        }
    }

    /** One result of a run. */
    public record ResultView(long id, String model, String provider, String requestJson, String response,
                             String reasoning, String finishReason, Double ttftMs, Double ttfoMs, Double e2eMs,
                             Double tpotMs, Integer promptTokens, Integer completionTokens, BigDecimal costUsd,
                             List<String> attempts, String error, Instant startedAt, Instant endedAt,
                             Integer reasoningTokens) {
        /** Of the completion, the answer (the rest is reasoning, billed at the thinking price); null when unknown. */
        public Integer answerTokens() {
            return completionTokens == null ? null
                    : completionTokens - (reasoningTokens == null ? 0 : reasoningTokens);
        }
    }

    /** A run with its prompt, settings and (the first {@link #DETAIL_LIMIT}) results. */
    public record RunDetails(RunRow run, String prompt, String settingsJson, List<ResultView> results,
                             int resultCount) {
    }

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
    public Optional<Long> resolveRunId(String idOrJob) {
        if (idOrJob == null || idOrJob.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(idOrJob.trim()));
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
        return recordChat(job, o, startedAt, kind, null, null);
    }

    /**
     * Records one chat with the exact body it was sent with ({@code requestJson}, never holding the key; null:
     * not known) and, from the Playground, what it held ({@code draft}, or null): reopening the run restores it.
     */
    public RunRecord recordChat(ChatJob job, ChatOutcome o, Instant startedAt, RunKind kind, String requestJson,
                                PlaygroundDraft draft) {
        ChatRequest req = job.request();
        String prompt = lastUser(req.messages());
        JsonObject settings = new JsonObject();
        settings.addProperty("base_url", job.profile().baseUrl());
        settings.addProperty("model", req.model());
        settings.addProperty("max_tokens", req.maxTokens());
        settings.addProperty("temperature", req.temperature());
        settings.addProperty("priority", job.priority().wireName());
        String system = req.messages().stream().filter(m -> m.role() == Role.SYSTEM).map(Message::content)
                .findFirst().orElse(null);
        settings.addProperty("system_prompt", system);
        if (draft != null) {
            settings.add("playground", draft.toJson());
        }
        RunRecord run = runs.create(kind, title(prompt), prompt, job.profile().name(), List.of(req.model()),
                GSON.toJson(settings));
        Completion c = o.completion();
        results.insert(ResultRecords.from(run.id(), job, o, startedAt, Instant.now(), null).requestJson(requestJson)
                .build());
        JsonObject summary = new JsonObject();
        summary.addProperty("ttft_ms", c.timing().ttftMs());
        summary.addProperty("e2e_ms", c.timing().e2eMs());
        summary.addProperty("cost_usd", o.costUsd() == null ? null : o.costUsd().amount().toPlainString());
        summary.addProperty("error", c.error() == null ? null : c.error().message());
        runs.updateSummary(run.id(), status(o), GSON.toJson(summary));
        return runs.find(run.id()).orElse(run);
    }

    /** A chat's status in the history: done, cancelled (stopped by the user) or failed. */
    static String status(ChatOutcome o) {
        if (o.ok()) {
            return RunRecord.DONE;
        }
        ApiError e = o.completion().error();
        return e != null && e.kind() == ApiError.Kind.CANCELLED ? RunRecord.CANCELLED : RunRecord.FAILED;
    }

    /** Stores one request's result (response, timings, usage, cost, attempts) into a run. */
    public ResultRecord recordResult(long runId, ChatJob job, ChatOutcome o, Instant startedAt) {
        return results.insert(ResultRecords.from(runId, job, o, startedAt, Instant.now(), null).build());
    }

    /**
     * As {@link #recordResult}, handed to the store's single writer: returns at once (for the threads of the
     * network, which never wait on SQLite); the future completes, on the writer's thread, once it is
     * committed, or exceptionally when it could not be stored.
     */
    public java.util.concurrent.CompletableFuture<ResultRecord> recordResultLater(long runId, ChatJob job,
                                                                                   ChatOutcome o, Instant startedAt) {
        return results.insertLater(ResultRecords.from(runId, job, o, startedAt, Instant.now(), null).build());
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
            try (BatchExport.LineWriter out = new BatchExport.LineWriter(w, format, job.flatMap(j -> batches.engine(j.id()))
                    .orElse(dev.llmworkbench.store.RemoteShardStore.LIVE))) {
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

    /**
     * @param kind  one of {@link #KINDS} or null for all
     * @param model a model name or null
     * @param text  words in the title or prompt, or null
     * @param from  inclusive, or null
     * @param to    exclusive, or null
     */
    public List<RunRow> list(String kind, String model, String text, Instant from, Instant to, int limit) {
        RunQuery q = RunQuery.all().page(Math.max(1, limit), 0);
        if (kind != null && !kind.isBlank()) {
            q = q.withKind(RunKind.parse(kind));
        }
        if (model != null && !model.isBlank()) {
            q = q.withModel(model.strip());
        }
        if (text != null && !text.isBlank()) {
            q = q.withText(text.strip());
        }
        if (from != null || to != null) {
            q = q.between(from, to);
        }
        return list(q).stream().map(HistoryService::row).toList();
    }

    public Optional<RunDetails> details(long id) {
        return runs.find(id).map(r -> {
            List<ResultView> views = new ArrayList<>();
            for (ResultRecord rr : results.listByRun(id, DETAIL_LIMIT, 0)) {
                views.add(view(r, rr));
            }
            return new RunDetails(row(r), r.prompt(), r.settingsJson(), views, results.countByRun(id));
        });
    }

    public boolean delete(long id) {
        return runs.delete(id);
    }

    /** The run as the Playground opens it: its prompt, model, provider and settings. */
    public Optional<ReopenRequest> reopen(long id) {
        return runs.find(id).map(r -> {
            JsonObject s = settings(r.settingsJson());
            String model = str(s, "model");
            if (model == null && !r.models().isEmpty()) {
                model = r.models().get(0);
            }
            Double temperature = s.has("temperature") && !s.get("temperature").isJsonNull()
                    ? s.get("temperature").getAsDouble() : null;
            Integer maxTokens = s.has("max_tokens") && !s.get("max_tokens").isJsonNull()
                    ? s.get("max_tokens").getAsInt() : null;
            List<ResultRecord> rs = results.listByRun(id, 1, 0);
            String answer = rs.isEmpty() ? null : rs.get(0).responseText();
            String reasoning = rs.isEmpty() ? null : rs.get(0).reasoning();
            String prompt = r.kind() == RunKind.BATCH ? "" : r.prompt();
            PlaygroundDraft draft = PlaygroundDraft.fromJson(s.get("playground"));
            if (draft == null && !rs.isEmpty() && rs.get(0).requestJson() != null && r.kind() != RunKind.BATCH) {
                draft = draftOf(rs.get(0).requestJson());
            }
            return new ReopenRequest(id, r.provider(), model, str(s, "system_prompt"), prompt, temperature, maxTokens,
                    answer, reasoning, draft);
        });
    }

    /**
     * A draft made from a stored request body (a run recorded without one: the command line): its system
     * message, the turns before the last user message, that message, and the parameters the form has.
     */
    static PlaygroundDraft draftOf(String requestJson) {
        JsonObject body;
        try {
            body = JsonParser.parseString(requestJson).getAsJsonObject();
        } catch (RuntimeException e) {
            return null;
        }
        String system = "";
        List<Message> turns = new java.util.ArrayList<>();
        if (body.has("messages") && body.get("messages").isJsonArray()) {
            for (var e : body.getAsJsonArray("messages")) {
                JsonObject m = e.getAsJsonObject();
                String role = str(m, "role");
                String content = m.has("content") && m.get("content").isJsonPrimitive() ? m.get("content").getAsString() : "";
                if ("system".equals(role) && turns.isEmpty() && system.isEmpty()) {
                    system = content;
                } else if ("user".equals(role) || "assistant".equals(role)) {
                    turns.add(new Message("user".equals(role) ? Role.USER : Role.ASSISTANT, content, List.of(), null));
                }
            }
        }
        String user = "";
        if (!turns.isEmpty() && turns.get(turns.size() - 1).role() == Role.USER) {
            // the generic dialect's soft switch is the thinking setting, not the user's text
            user = DialectMapper.withoutSoftSwitch(turns.remove(turns.size() - 1).content());
        }
        Boolean thinking = DialectMapper.thinkingOf(body);
        // the body's parameters; the response format and tools are not read back from a body (the form keeps its own)
        java.util.Map<String, String> params = new dev.llmworkbench.service.playground.PlaygroundParameters(
                str(body, "model"), plain(body, "temperature"), plain(body, "top_p"), plain(body, "max_tokens"),
                Boolean.TRUE.equals(thinking), plain(body, "thinking_budget"), plain(body, "seed"),
                !body.has("stream") || body.get("stream").getAsBoolean(), null, null, null).toMap();
        params.keySet().removeAll(java.util.List.of("response_format", "schema", "tools"));
        return new PlaygroundDraft(system, user, java.util.Map.of(), params, turns);
    }

    private static String plain(JsonObject o, String name) {
        return o.has(name) && o.get(name).isJsonPrimitive() ? o.get(name).getAsString() : "";
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

    private static RunRow row(RunRecord r) {
        return new RunRow(r.id(), r.kind().wireName(), r.createdAt(), r.title(), r.provider(), r.models(), r.status(),
                r.summaryJson());
    }

    private static ResultView view(RunRecord run, ResultRecord r) {
        List<String> attempts = new ArrayList<>();
        for (Attempt a : r.attempts()) {
            attempts.add(String.format(Locale.ROOT, "#%d status %s%s%s", a.number(),
                    a.httpStatus() == null ? "-" : a.httpStatus().toString(),
                    a.errorKind() == null ? "" : " " + a.errorKind(),
                    a.errorMessage() == null ? "" : ": " + a.errorMessage()));
        }
        String request = r.requestJson();
        if (request == null || request.isBlank()) {
            request = requestOf(run, r);
        }
        return new ResultView(r.id() == null ? -1 : r.id(), r.model(), r.provider(), request, r.responseText(),
                r.reasoning(), r.finishReason(), r.timing() == null ? null : r.timing().ttftMs(),
                r.timing() == null ? null : r.timing().ttfoMs(), r.timing() == null ? null : r.timing().e2eMs(),
                r.timing() == null ? null : r.timing().tpotMs(), r.usage() == null ? null : r.usage().promptTokens(),
                r.usage() == null ? null : r.usage().completionTokens(), r.costUsd(), attempts,
                r.error() == null ? null : r.error().message(), r.startedAt(), r.endedAt(),
                r.usage() == null ? null : r.usage().reasoningTokens());
    }

    /** The request as recorded: the run's settings and prompt (a key is never part of either). */
    private static String requestOf(RunRecord run, ResultRecord r) {
        JsonObject s = settings(run.settingsJson());
        JsonObject o = new JsonObject();
        o.addProperty("model", r.model());
        JsonArray messages = new JsonArray();
        if (str(s, "system_prompt") != null) {
            JsonObject m = new JsonObject();
            m.addProperty("role", "system");
            m.addProperty("content", str(s, "system_prompt"));
            messages.add(m);
        }
        if (run.kind() != RunKind.BATCH) {
            JsonObject m = new JsonObject();
            m.addProperty("role", "user");
            m.addProperty("content", run.prompt());
            messages.add(m);
        }
        o.add("messages", messages);
        for (String k : List.of("max_tokens", "temperature", "priority", "base_url")) {
            if (s.has(k)) {
                o.add(k, s.get(k));
            }
        }
        return PRETTY_GSON.toJson(o);
    }

    private static JsonObject settings(String json) {
        if (json == null || json.isBlank()) {
            return new JsonObject();
        }
        try {
            return JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : null;
    }
}
