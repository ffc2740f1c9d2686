package dev.llmworkbench.ui.estimate;

import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.Tasks;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The estimator's state: a workload (requests per day, input and output tokens per request, cache hit
 * rate and batch share in percent), the chosen models, each model's cost per request, day and month in
 * USD and CNY (by {@link EstimateService}, so equal to the cost calculator's), and the router's saving from
 * replaying the history's prompts.
 */
public final class EstimateViewModel {
    /** How many of the newest answers the output tokens of "from history" average. */
    static final int HISTORY_RESULTS = 500;
    /** The days "requests per day from history" looks back. */
    static final int HISTORY_DAYS = 7;
    static final int HISTORY_PROMPTS = 200;

    private final EstimateService estimates;
    private final FxExecutor fx;
    private final Tasks tasks;

    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObservableList<String> chosen = FXCollections.observableArrayList();
    private final StringProperty requestsPerDay = new SimpleStringProperty(this, "requestsPerDay", "10000");
    private final StringProperty inputTokens = new SimpleStringProperty(this, "inputTokens", "800");
    private final StringProperty outputTokens = new SimpleStringProperty(this, "outputTokens", "300");
    private final StringProperty cacheHitPercent = new SimpleStringProperty(this, "cacheHit", "0");
    private final StringProperty batchPercent = new SimpleStringProperty(this, "batchShare", "0");
    private final ObservableList<EstimateService.ModelEstimate> rows = FXCollections.observableArrayList();
    private final StringProperty routerSaving = new SimpleStringProperty(this, "routerSaving", "");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final StringProperty historyNote = new SimpleStringProperty(this, "historyNote", "");
    private final StringProperty tokenizerNote = new SimpleStringProperty(this, "tokenizerNote", "");

    public EstimateViewModel(EstimateService estimates, List<String> models, Executor work, FxExecutor fx) {
        this.estimates = estimates;
        this.fx = fx;
        this.tasks = new Tasks(work, fx);
        this.models.setAll(models);
        chosen.setAll(models.stream().limit(4).toList());
    }

    /** The workload from the form. @throws IllegalArgumentException for a wrong field */
    public EstimateService.Workload workload() {
        return new EstimateService.Workload(parseLong(requestsPerDay.get(), "requests per day"),
                parseLong(inputTokens.get(), "input tokens"), (int) parseLong(outputTokens.get(), "output tokens"),
                percent(cacheHitPercent.get(), "cache hit rate"), percent(batchPercent.get(), "batch share"));
    }

    /** A whole number, thousands separated or not ({@code 10,000}, {@code 10_000}); the field must not be blank. */
    private static long parseLong(String s, String what) {
        return NumberFields.required(NumberFields.whole(s == null ? null : s.replace("_", "").replace(",", ""), what),
                what);
    }

    /** A share in percent ({@code 40} or {@code 40%}), 0 when blank, as a fraction. */
    private static BigDecimal percent(String s, String what) {
        BigDecimal p = NumberFields.amount(s == null ? null : s.replace("%", ""), what);
        if (p == null) {
            return BigDecimal.ZERO;
        }
        if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException(what + " must be between 0 and 100 %");
        }
        return p.movePointLeft(2);
    }

    /** Prices the workload for the chosen models and replays the history through the router. */
    public CompletableFuture<Void> compute() {
        fx.checkUiThread();
        EstimateService.Workload w;
        try {
            w = workload();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        List<String> ms = List.copyOf(chosen);
        String baseline = ms.isEmpty() ? null : ms.get(0);
        record Result(List<EstimateService.ModelEstimate> estimates, String saving) { }
        return tasks.run("estimating", () -> {
            List<EstimateService.ModelEstimate> est = estimates.estimate(w, ms);
            String saving = baseline == null ? "" : describe(estimates.routerSaving(
                    estimates.historyPrompts(HISTORY_PROMPTS), baseline, w));
            return new Result(est, saving);
        }, r -> {
            error.set("");
            rows.setAll(r.estimates());
            routerSaving.set(r.saving());
            return null;
        }, this::failed);
    }

    /** The one handler of this view's failures: the message in words, under the form. */
    private Void failed(String message) {
        error.set(message);
        return null;
    }

    private static String describe(EstimateService.RouterSaving s) {
        if (s.prompts() == 0) {
            return "Router saving: no prompts in the history yet to replay through the router.";
        }
        return String.format(Locale.ROOT,
                "Router saving, replaying %d prompts of the history: $%s a month at %s vs $%s routed (%s) — saves $%s (%.0f %%)",
                s.prompts(), usd(s.baselinePerMonthUsd()), s.baselineModel(), usd(s.routedPerMonthUsd()),
                routed(s.routedModels()), usd(s.savingPerMonthUsd()), s.savingShare() * 100);
    }

    private static String routed(java.util.Map<String, Integer> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(" × ").append(v));
        return sb.toString();
    }

    static String usd(BigDecimal v) {
        return v.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** Input tokens per request from a prompt file (for the first chosen model's tokenizer). */
    public CompletableFuture<Void> inputFromFile(Path file) {
        String m = chosen.isEmpty() ? models.get(0) : chosen.get(0);
        return tasks.run("counting the tokens of " + file.getFileName(), () -> estimates.inputTokensOfFile(file, m),
                t -> {
                    inputTokens.set(String.valueOf(t));
                    tokenizerNote.set(countedWith(t, m));
                    return null;
                }, this::failed);
    }

    /**
     * Tokens per request from the history: input, the mean of its newest prompts; output, the mean completion
     * of its newest successful requests.
     */
    public CompletableFuture<Void> inputFromHistory() {
        String m = chosen.isEmpty() ? models.get(0) : chosen.get(0);
        return tasks.run("reading the history's tokens", () -> new long[] {
                estimates.inputTokensOfHistory(m, HISTORY_PROMPTS), estimates.outputTokensOfHistory(HISTORY_RESULTS)},
                t -> {
                    if (t[0] == 0 && t[1] == 0) {
                        error.set("The history has no prompts or answers yet.");
                    } else {
                        error.set("");
                        if (t[0] > 0) {
                            inputTokens.set(String.valueOf(t[0]));
                            tokenizerNote.set(countedWith(t[0], m));
                        }
                        if (t[1] > 0) {
                            outputTokens.set(String.valueOf(t[1]));
                        }
                    }
                    return null;
                }, this::failed);
    }

    /** "Input: ≈ 123 tokens (qwen3, the tokenizer of qwen3-32b)". */
    private String countedWith(long tokens, String model) {
        return "Input: ≈ " + tokens + " tokens (" + estimates.tokenizerFor(model) + ", the tokenizer of " + model + ")";
    }

    /**
     * Which tokenizer counted the input tokens taken from a file or the history, and for which model; empty
     * until then.
     */
    public StringProperty tokenizerNoteProperty() {
        return tokenizerNote;
    }

    /**
     * Requests per day: the history's pace (every kind of run) over the span its requests of the last week cover;
     * {@link #historyNoteProperty()} says what it was taken from.
     */
    public CompletableFuture<Void> requestsPerDayFromHistory() {
        return tasks.run("reading the history's pace", () -> estimates.paceOfHistory(HISTORY_DAYS),
                pace -> {
                    if (pace == null) {
                        error.set("The history has no requests in the last " + HISTORY_DAYS + " days.");
                    } else {
                        error.set("");
                        requestsPerDay.set(String.valueOf(pace.requestsPerDay()));
                        historyNote.set(pace.describe());
                    }
                    return null;
                }, this::failed);
    }

    /** What the requests per day were taken from ("90 requests over 1.0 h of history: 2160 a day at that pace"). */
    public StringProperty historyNoteProperty() {
        return historyNote;
    }

    /** Writes the table as CSV (by {@link EstimateService}, which writes the file), off the UI thread. */
    public CompletableFuture<Void> exportCsv(Path out) {
        List<EstimateService.ModelEstimate> table = List.copyOf(rows);
        return tasks.exec("exporting the estimate", () -> estimates.exportCsv(table, out), () -> error.set(""),
                m -> error.set("Export failed: " + m));
    }

    public ObservableList<String> models() { return models; }
    public ObservableList<String> chosen() { return chosen; }
    public StringProperty requestsPerDayProperty() { return requestsPerDay; }
    public StringProperty inputTokensProperty() { return inputTokens; }
    public StringProperty outputTokensProperty() { return outputTokens; }
    public StringProperty cacheHitPercentProperty() { return cacheHitPercent; }
    public StringProperty batchPercentProperty() { return batchPercent; }
    public ObservableList<EstimateService.ModelEstimate> rows() { return rows; }
    public StringProperty routerSavingProperty() { return routerSaving; }
    public StringProperty errorProperty() { return error; }
}
