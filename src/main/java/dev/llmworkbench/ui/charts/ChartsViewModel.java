package dev.llmworkbench.ui.charts;

import dev.llmworkbench.service.charts.ChartsService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.Tasks;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The charts' state: the filters (run, model, time range) and one immutable {@link Snapshot} of every
 * chart's data, computed off the FX thread with bounded point counts. {@link #refresh()} is cheap to call
 * often: while one refresh runs, further calls are dropped.
 */
public final class ChartsViewModel {
    /** The time ranges offered. */
    public enum Range {
        ALL("all time", null), HOUR("last hour", Duration.ofHours(1)), DAY("last 24 h", Duration.ofDays(1)),
        WEEK("last 7 days", Duration.ofDays(7)), MONTH("last 30 days", Duration.ofDays(30));

        private final String label;
        private final Duration span;

        Range(String label, Duration span) {
            this.label = label;
            this.span = span;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The charts' names, for export. */
    public enum Chart { TTFT_HISTOGRAM, E2E_HISTOGRAM, PERCENTILES, TTFT_VS_OUTPUT, TOKENS_PER_SECOND, CUMULATIVE_SPEND,
        SPEND_PER_DAY, PRICES }

    /** Every chart's data at one moment. */
    public record Snapshot(int samples, List<ChartsService.Bin> ttftHistogram, List<ChartsService.Bin> e2eHistogram,
                           List<ChartsService.ModelPercentiles> percentiles,
                           Map<String, List<ChartsService.Point>> ttftVsOutput,
                           Map<String, List<ChartsService.Point>> tokensPerSecond,
                           Map<String, List<ChartsService.Point>> cumulativeSpend,
                           Map<LocalDate, BigDecimal> spendPerDay, List<ChartsService.PricePoint> prices) {
        static final Snapshot EMPTY = new Snapshot(0, List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(), List.of());

        /** How many points all the charts hold together. */
        public int points() {
            int n = ttftHistogram.size() + e2eHistogram.size() + percentiles.size() * 3 + spendPerDay.size()
                    + prices.size();
            for (Map<String, List<ChartsService.Point>> m : List.of(ttftVsOutput, tokensPerSecond, cumulativeSpend)) {
                n += m.values().stream().mapToInt(List::size).sum();
            }
            return n;
        }
    }

    static final int BINS = 20;

    private final ChartsService data;
    private final Tasks tasks;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();

    private final ObservableList<ChartsService.RunChoice> runs = FXCollections.observableArrayList();
    private final ObjectProperty<ChartsService.RunChoice> run = new SimpleObjectProperty<>(this, "run");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model");
    private final ObjectProperty<Range> range = new SimpleObjectProperty<>(this, "range", Range.ALL);
    private final ObjectProperty<Snapshot> snapshot = new SimpleObjectProperty<>(this, "snapshot", Snapshot.EMPTY);
    private final StringProperty status = new SimpleStringProperty(this, "status", "");

    public ChartsViewModel(ChartsService data, Executor work, FxExecutor fx, Clock clock) {
        this.data = data;
        this.tasks = new Tasks(work, fx);
        this.clock = clock;
    }

    /** Reads the runs to filter by. */
    public CompletableFuture<Void> reloadRuns() {
        return tasks.run("reading the runs", () -> data.runs(200), list -> {
            ChartsService.RunChoice keep = run.get();
            runs.setAll(list);
            if (keep != null) {
                run.set(list.stream().filter(r -> r.id() == keep.id()).findFirst().orElse(null));
            }
            return null;
        }, error -> {
            status.set("Cannot read the runs: " + error);
            return null;
        });
    }

    /** Recomputes every chart for the filters; skipped while a refresh is under way. */
    public CompletableFuture<Void> refresh() {
        if (!busy.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        Long runId = run.get() == null ? null : run.get().id();
        String m = model.get() == null || model.get().isBlank() ? null : model.get();
        Range r = range.get();
        Instant from = r == null || r.span == null ? null : clock.instant().minus(r.span);
        return tasks.run("computing the charts", () -> {
            List<ChartsService.Sample> all = data.samples(runId, null, from, null);
            List<String> ms = ChartsService.models(all);
            List<ChartsService.Sample> s = m == null ? all : all.stream().filter(x -> m.equals(x.model())).toList();
            List<Double> ttft = new ArrayList<>();
            List<Double> e2e = new ArrayList<>();
            for (ChartsService.Sample x : s) {
                if (x.ok()) {
                    ttft.add(x.ttftMs());
                    e2e.add(x.e2eMs());
                }
            }
            Snapshot snap = new Snapshot(s.size(), ChartsService.histogram(ttft, BINS),
                    ChartsService.histogram(e2e, BINS), ChartsService.percentiles(s), ChartsService.ttftVsOutput(s),
                    ChartsService.tokensPerSecondOverTime(s), ChartsService.cumulativeSpend(s), data.spendPerDay(s),
                    data.priceComparison(s));
            return Map.entry(ms, snap);
        }, res -> {
            busy.set(false);
            String keep = model.get();
            if (!models.equals(res.getKey())) {
                models.setAll(res.getKey());
                model.set(keep);
            }
            snapshot.set(res.getValue());
            status.set(res.getValue().samples() + " requests");
            return null;
        }, error -> {
            busy.set(false);
            status.set("Cannot read the data: " + error);
            return null;
        });
    }

    /** Writes one chart's data as CSV (by {@link ChartsService}, which writes the file), off the UI thread. */
    public CompletableFuture<Void> exportCsv(Chart chart, Path out) {
        Snapshot s = snapshot.get();
        return tasks.exec("exporting " + chart, () -> write(chart, s, out), () -> { },
                error -> status.set("Export failed: " + error));
    }

    private void write(Chart chart, Snapshot s, Path out) {
        switch (chart) {
            case TTFT_HISTOGRAM -> data.exportHistogram(s.ttftHistogram(), out);
            case E2E_HISTOGRAM -> data.exportHistogram(s.e2eHistogram(), out);
            case PERCENTILES -> data.exportPercentiles(s.percentiles(), out);
            case TTFT_VS_OUTPUT -> data.exportSeries(ChartsService.Series.TTFT_VS_OUTPUT, s.ttftVsOutput(), out);
            case TOKENS_PER_SECOND -> data.exportSeries(ChartsService.Series.TOKENS_PER_SECOND, s.tokensPerSecond(),
                    out);
            case CUMULATIVE_SPEND -> data.exportSeries(ChartsService.Series.CUMULATIVE_SPEND, s.cumulativeSpend(),
                    out);
            case SPEND_PER_DAY -> data.exportSpendPerDay(s.spendPerDay(), out);
            case PRICES -> data.exportPrices(s.prices(), out);
            default -> throw new IllegalArgumentException(String.valueOf(chart));
        }
    }

    public ObservableList<ChartsService.RunChoice> runs() { return runs; }
    public ObjectProperty<ChartsService.RunChoice> runProperty() { return run; }
    public ObservableList<String> models() { return models; }
    public StringProperty modelProperty() { return model; }
    public ObjectProperty<Range> rangeProperty() { return range; }
    public ObjectProperty<Snapshot> snapshotProperty() { return snapshot; }
    public StringProperty statusProperty() { return status; }
}
