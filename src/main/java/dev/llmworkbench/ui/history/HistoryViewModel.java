package dev.llmworkbench.ui.history;

import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.Tasks;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The history browser's state: the runs matching the filters (kind, model, text, days), the selected
 * run's details, and the actions reopen (in the Playground, through a callback), delete and export.
 */
public final class HistoryViewModel {
    public static final String ALL = "all";
    static final int LIMIT = 500;

    private final HistoryService history;
    private final Tasks tasks;
    private final Consumer<ReopenRequest> reopen;
    private final ZoneId zone;

    private final ObservableList<HistoryService.RunRow> runs = FXCollections.observableArrayList();
    private final ObservableList<String> kinds = FXCollections.observableArrayList();
    private final StringProperty kind = new SimpleStringProperty(this, "kind", ALL);
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ObjectProperty<LocalDate> from = new SimpleObjectProperty<>(this, "from");
    private final ObjectProperty<LocalDate> to = new SimpleObjectProperty<>(this, "to");
    private final ObjectProperty<HistoryService.RunRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final StringProperty details = new SimpleStringProperty(this, "details", "");
    private final StringProperty request = new SimpleStringProperty(this, "request", "");
    private final StringProperty response = new SimpleStringProperty(this, "response", "");
    private final StringProperty reasoning = new SimpleStringProperty(this, "reasoning", "");
    private final StringProperty message = new SimpleStringProperty(this, "message", "");

    public HistoryViewModel(HistoryService history, Executor work, FxExecutor fx, Consumer<ReopenRequest> reopen,
                            ZoneId zone) {
        this.history = history;
        this.tasks = new Tasks(work, fx);
        this.reopen = reopen;
        this.zone = zone;
        kinds.add(ALL);
        kinds.addAll(HistoryService.KINDS);
        selected.addListener((o, a, b) -> loadDetails(b));
    }

    /** Reads the runs matching the filters. */
    public CompletableFuture<Void> refresh() {
        String k = ALL.equals(kind.get()) ? null : kind.get();
        String m = model.get();
        String t = text.get();
        Instant f = from.get() == null ? null : from.get().atStartOfDay(zone).toInstant();
        Instant u = to.get() == null ? null : to.get().plusDays(1).atStartOfDay(zone).toInstant();
        return tasks.run("reading the history", () -> history.list(k, m, t, f, u, LIMIT), list -> {
            Long keep = selected.get() == null ? null : selected.get().id();
            runs.setAll(list);
            message.set(list.size() + (list.size() == LIMIT ? "+" : "") + " runs");
            if (keep != null) {
                selected.set(list.stream().filter(r -> r.id() == keep).findFirst().orElse(null));
            }
            return null;
        }, error -> {
            message.set("Cannot read the history: " + error);
            return null;
        });
    }

    private void loadDetails(HistoryService.RunRow r) {
        if (r == null) {
            details.set("");
            request.set("");
            response.set("");
            reasoning.set("");
            return;
        }
        tasks.call("reading run #" + r.id(), () -> history.details(r.id()), d -> {
            if (selected.get() == null || selected.get().id() != r.id() || d.isEmpty()) {
                return;
            }
            HistoryService.RunDetails rd = d.get();
            StringBuilder sb = new StringBuilder();
            sb.append("Run #").append(r.id()).append(" · ").append(r.kind()).append(" · ").append(r.status())
                    .append(" · ").append(r.provider()).append(" · ").append(String.join(", ", r.models())).append('\n');
            sb.append("Results: ").append(rd.resultCount());
            if (rd.resultCount() > rd.results().size()) {
                sb.append(" (first ").append(rd.results().size()).append(" shown; export has all)");
            }
            sb.append('\n');
            if (r.summaryJson() != null) {
                sb.append("Summary: ").append(r.summaryJson()).append('\n');
            }
            StringBuilder resp = new StringBuilder();
            StringBuilder reas = new StringBuilder();
            boolean many = rd.results().size() > 1;
            for (HistoryService.ResultView v : rd.results()) {
                sb.append('\n').append(String.format(Locale.ROOT,
                        "%s: TTFT %s ms, TTFO %s ms, end-to-end %s ms, TPOT %s ms, tokens %s in / %s reasoning / %s answer, cost %s",
                        v.model(), num(v.ttftMs()), num(v.ttfoMs()), num(v.e2eMs()), num(v.tpotMs()),
                        v.promptTokens() == null ? "–" : v.promptTokens(),
                        v.completionTokens() == null ? "–" : v.reasoningTokens() == null ? 0 : v.reasoningTokens(),
                        v.answerTokens() == null ? "–" : v.answerTokens(),
                        dev.llmworkbench.domain.Amounts.usd(v.costUsd())));
                if (v.error() != null) {
                    sb.append(", error: ").append(v.error());
                }
                for (String a : v.attempts()) {
                    sb.append("\n  attempt ").append(a);
                }
                if (many) {
                    resp.append("── ").append(v.model()).append(" ──\n");
                }
                resp.append(v.response() == null ? "" : v.response()).append(many ? "\n\n" : "");
                if (v.reasoning() != null && !v.reasoning().isBlank()) {
                    reas.append(v.reasoning()).append(many ? "\n\n" : "");
                }
            }
            details.set(sb.toString());
            request.set(rd.results().isEmpty() ? (rd.settingsJson() == null ? "" : rd.settingsJson())
                    : rd.results().get(0).requestJson());
            response.set(resp.toString());
            reasoning.set(reas.toString());
        }, error -> message.set("Cannot read run #" + r.id() + ": " + error));
    }

    private static String num(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.0f", d);
    }

    /** Opens the selected run in the Playground. */
    public CompletableFuture<Void> reopenSelected() {
        HistoryService.RunRow r = selected.get();
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        return tasks.call("reopening run #" + r.id(), () -> history.reopen(r.id()), o -> o.ifPresent(reopen),
                error -> message.set("Cannot reopen run #" + r.id() + ": " + error)).thenAccept(o -> { });
    }

    /** Deletes the selected run with its results. */
    public CompletableFuture<Void> deleteSelected() {
        HistoryService.RunRow r = selected.get();
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        return tasks.exec("deleting run #" + r.id(), () -> history.delete(r.id()), () -> selected.set(null),
                error -> message.set("Cannot delete run #" + r.id() + ": " + error)).thenCompose(v -> refresh());
    }

    /** Exports the selected run (jsonl or csv). */
    public CompletableFuture<Integer> exportSelected(Path out, String format) {
        HistoryService.RunRow r = selected.get();
        if (r == null) {
            return CompletableFuture.completedFuture(0);
        }
        return tasks.call("exporting run #" + r.id(), () -> history.export(r.id(), out, format),
                count -> message.set("Exported " + count + " lines to " + out.getFileName()),
                error -> message.set("Export failed: " + error));
    }

    public ObservableList<HistoryService.RunRow> runs() { return runs; }
    public ObservableList<String> kinds() { return kinds; }
    public StringProperty kindProperty() { return kind; }
    public StringProperty modelProperty() { return model; }
    public StringProperty textProperty() { return text; }
    public ObjectProperty<LocalDate> fromProperty() { return from; }
    public ObjectProperty<LocalDate> toProperty() { return to; }
    public ObjectProperty<HistoryService.RunRow> selectedProperty() { return selected; }
    public StringProperty detailsProperty() { return details; }
    public StringProperty requestProperty() { return request; }
    public StringProperty responseProperty() { return response; }
    public StringProperty reasoningProperty() { return reasoning; }
    public StringProperty messageProperty() { return message; }
    public List<String> kindNames() { return List.copyOf(kinds); }
}
