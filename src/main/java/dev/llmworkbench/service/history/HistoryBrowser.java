package dev.llmworkbench.service.history;

import dev.llmworkbench.service.playground.ReopenRequest;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.store.ResultStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The history as the desktop browses it, in plain records: list and filter runs, show one with its
 * results (request without any key, response, reasoning, timings, cost, attempts), delete, export, and
 * turn a run into a {@link ReopenRequest} for the Playground.
 */
public final class HistoryBrowser {
    /** The kinds of run, as stored and shown. */
    public static final List<String> KINDS = List.of("single", "compare", "batch", "benchmark");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
            .create();
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
                             List<String> attempts, String error, Instant startedAt, Instant endedAt) {
    }

    /** A run with its prompt, settings and (the first {@link #DETAIL_LIMIT}) results. */
    public record RunDetails(RunRow run, String prompt, String settingsJson, List<ResultView> results,
                             int resultCount) {
    }

    private final HistoryService history;
    private final ResultStore results;

    public HistoryBrowser(HistoryService history, ResultStore results) {
        this.history = Objects.requireNonNull(history);
        this.results = Objects.requireNonNull(results);
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
        return history.list(q).stream().map(HistoryBrowser::row).toList();
    }

    public Optional<RunDetails> details(long id) {
        return history.runs().find(id).map(r -> {
            List<ResultView> views = new ArrayList<>();
            for (ResultRecord rr : results.listByRun(id, DETAIL_LIMIT, 0)) {
                views.add(view(r, rr));
            }
            return new RunDetails(row(r), r.prompt(), r.settingsJson(), views, results.countByRun(id));
        });
    }

    public boolean delete(long id) {
        return history.runs().delete(id);
    }

    /** Exports a run with the batch export's fields; returns how many lines were written. */
    public int export(long id, Path output, String format) {
        return history.export(id, output, format);
    }

    /** The run as the Playground opens it: its prompt, model, provider and settings. */
    public Optional<ReopenRequest> reopen(long id) {
        return history.runs().find(id).map(r -> {
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
            String prompt = r.kind() == RunKind.BATCH ? "" : r.prompt();
            return new ReopenRequest(id, r.provider(), model, str(s, "system_prompt"), prompt, temperature, maxTokens,
                    answer);
        });
    }

    private static RunRow row(RunRecord r) {
        return new RunRow(r.id(), r.kind().wireName(), r.createdAt(), r.title(), r.provider(), r.models(), r.status(),
                r.summaryJson());
    }

    private static ResultView view(RunRecord run, ResultRecord r) {
        List<String> attempts = new ArrayList<>();
        for (dev.llmworkbench.domain.Attempt a : r.attempts()) {
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
                r.error() == null ? null : r.error().message(), r.startedAt(), r.endedAt());
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
        return GSON.toJson(o);
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
