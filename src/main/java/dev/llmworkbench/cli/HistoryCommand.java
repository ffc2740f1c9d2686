package dev.llmworkbench.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
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

/** {@code history [list | show ID | export ID --output FILE]}: the recorded chat, batch and bench runs. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List, show or export recorded runs (chat, batch, bench).")
public class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "list (default), show or export")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID",
            description = "the run's id, or a batch job's id (show, export)")
    String id;

    @Option(names = "--output", paramLabel = "FILE", description = "export: where to write (.jsonl or .csv)")
    Path output;

    @Mixin
    DbOption dbOption;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String a = action == null ? "list" : action.toLowerCase(Locale.ROOT);
        String db = dbOption.file();
        if (db != null && !java.nio.file.Files.exists(java.nio.file.Path.of(db))) {
            // history only reads: a missing --db is a mistake, not a database to create (and its folders)
            java.nio.file.Path parent = java.nio.file.Path.of(db).toAbsolutePath().getParent();
            throw new UsageException("--db: there is no database at " + db + (parent != null
                    && !java.nio.file.Files.isDirectory(parent) ? " (the folder " + parent + " does not exist)" : ""));
        }
        try (CliServices services = new CliServices()) {
            switch (a) {
                case "list" -> {
                    if (id != null) {
                        throw new UsageException("list takes no ID");
                    }
                    HistoryService h = services.history(db);
                    List<RunRecord> runs = h.list(RunQuery.all());
                    if (json.requested()) {
                        JsonObject o = new JsonObject();
                        JsonArray arr = new JsonArray();
                        runs.forEach(r -> arr.add(runJson(r)));
                        o.add("runs", arr);
                        out.println(Json.PRETTY.toJson(o));
                    } else if (runs.isEmpty()) {
                        out.println("no runs recorded");
                    } else {
                        for (RunRecord r : runs) {
                            out.printf(Locale.ROOT, "%6d  %-9s  %-10s  %s  %s  %s%n", r.id(), r.kind().wireName(),
                                    r.status(), r.createdAt(), String.join(",", r.models()), r.title());
                        }
                    }
                }
                case "show" -> {
                    HistoryService h = services.history(db);
                    HistoryService.RunDetail d = h.show(requireId(h)).orElseThrow(() -> noRun());
                    JsonObject o = runJson(d.run());
                    o.addProperty("results", d.results());
                    o.add("job_id", Json.str(d.job() == null ? null : d.job().id()));
                    o.add("settings", Json.rawOrString(d.run().settingsJson()));
                    o.add("summary", Json.rawOrString(d.run().summaryJson()));
                    if (json.requested()) {
                        out.println(Json.PRETTY.toJson(o));
                    } else {
                        RunRecord r = d.run();
                        out.println("run " + r.id() + " (" + r.kind().wireName() + ", " + r.status() + ")");
                        out.println("created: " + r.createdAt());
                        out.println("title: " + r.title());
                        out.println("provider: " + r.provider() + ", models: " + String.join(", ", r.models()));
                        if (d.job() != null) {
                            out.println("batch job: " + d.job().id() + " (" + d.job().status().wireName() + ")");
                        }
                        out.println("results: " + d.results());
                        out.println("settings: " + r.settingsJson());
                        out.println("summary: " + (r.summaryJson() == null ? "-" : r.summaryJson()));
                    }
                }
                case "export" -> {
                    long runId = requireId(services.history(db));
                    if (output == null) {
                        throw new UsageException("export needs --output FILE");
                    }
                    String format;
                    try {
                        format = BatchExport.formatOf(null, output);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                    HistoryService h = services.history(db);
                    if (h.show(runId).isEmpty()) {
                        throw noRun();
                    }
                    int n = h.export(runId, output, format);
                    if (json.requested()) {
                        JsonObject o = new JsonObject();
                        o.addProperty("run", runId);
                        o.addProperty("lines", n);
                        o.addProperty("output", output.toAbsolutePath().toString());
                        out.println(Json.PRETTY.toJson(o));
                    } else {
                        out.println("exported " + n + " line(s) of run " + runId + " to " + output);
                    }
                }
                default -> throw new UsageException("unknown action '" + action + "' (expected list, show or export)");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private long requireId(HistoryService h) {
        if (id == null) {
            throw new UsageException(action + " needs a run ID");
        }
        return h.resolveRunId(id).orElseThrow(this::noRun);
    }

    private UsageException noRun() {
        return new UsageException("no run " + id + " in the history");
    }

    private static JsonObject runJson(RunRecord r) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        o.addProperty("kind", r.kind().wireName());
        o.addProperty("status", r.status());
        o.addProperty("created_at", r.createdAt().toString());
        o.add("title", Json.str(r.title()));
        o.add("provider", Json.str(r.provider()));
        JsonArray m = new JsonArray();
        r.models().forEach(m::add);
        o.add("models", m);
        return o;
    }
}
