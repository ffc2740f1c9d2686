package dev.llmworkbench.ui.charts;

import dev.llmworkbench.service.charts.ChartData;
import dev.llmworkbench.ui.common.FxExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

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
    public record Snapshot(int samples, List<ChartData.Bin> ttftHistogram, List<ChartData.Bin> e2eHistogram,
                           List<ChartData.ModelPercentiles> percentiles, Map<String, List<ChartData.Point>> ttftVsOutput,
                           Map<String, List<ChartData.Point>> tokensPerSecond,
                           Map<String, List<ChartData.Point>> cumulativeSpend, Map<LocalDate, BigDecimal> spendPerDay,
                           List<ChartData.PricePoint> prices) {
        static final Snapshot EMPTY = new Snapshot(0, List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(),
                Map.of(), List.of());

        /** How many points all the charts hold together. */
        public int points() {
            int n = ttftHistogram.size() + e2eHistogram.size() + percentiles.size() * 3 + spendPerDay.size()
                    + prices.size();
            for (Map<String, List<ChartData.Point>> m : List.of(ttftVsOutput, tokensPerSecond, cumulativeSpend)) {
                n += m.values().stream().mapToInt(List::size).sum();
            }
            return n;
        }
    }

    static final int BINS = 20;

    private final ChartData data;
    private final Executor work;
    private final FxExecutor fx;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();

    private final ObservableList<ChartData.RunChoice> runs = FXCollections.observableArrayList();
    private final ObjectProperty<ChartData.RunChoice> run = new SimpleObjectProperty<>(this, "run");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model");
    private final ObjectProperty<Range> range = new SimpleObjectProperty<>(this, "range", Range.ALL);
    private final ObjectProperty<Snapshot> snapshot = new SimpleObjectProperty<>(this, "snapshot", Snapshot.EMPTY);
    private final StringProperty status = new SimpleStringProperty(this, "status", "");

    public ChartsViewModel(ChartData data, Executor work, FxExecutor fx, Clock clock) {
        this.data = data;
        this.work = work;
        this.fx = fx;
        this.clock = clock;
    }

    /** Reads the runs to filter by. */
    public CompletableFuture<Void> reloadRuns() {
        return CompletableFuture.supplyAsync(() -> data.runs(200), work).thenAcceptAsync(list -> {
            ChartData.RunChoice keep = run.get();
            runs.setAll(list);
            if (keep != null) {
                run.set(list.stream().filter(r -> r.id() == keep.id()).findFirst().orElse(null));
            }
        }, fx);
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
        return CompletableFuture.supplyAsync(() -> {
            List<ChartData.Sample> all = data.samples(runId, null, from, null);
            List<String> ms = ChartData.models(all);
            List<ChartData.Sample> s = m == null ? all : all.stream().filter(x -> m.equals(x.model())).toList();
            List<Double> ttft = new ArrayList<>();
            List<Double> e2e = new ArrayList<>();
            for (ChartData.Sample x : s) {
                if (x.ok()) {
                    ttft.add(x.ttftMs());
                    e2e.add(x.e2eMs());
                }
            }
            Snapshot snap = new Snapshot(s.size(), ChartData.histogram(ttft, BINS), ChartData.histogram(e2e, BINS),
                    ChartData.percentiles(s), ChartData.ttftVsOutput(s), ChartData.tokensPerSecondOverTime(s),
                    ChartData.cumulativeSpend(s), data.spendPerDay(s), data.priceComparison());
            return Map.entry(ms, snap);
        }, work).handleAsync((res, err) -> {
            busy.set(false);
            if (err != null) {
                status.set("Cannot read the data: " + err.getMessage());
                return null;
            }
            String keep = model.get();
            if (!models.equals(res.getKey())) {
                models.setAll(res.getKey());
                model.set(keep);
            }
            snapshot.set(res.getValue());
            status.set(res.getValue().samples() + " requests");
            return null;
        }, fx);
    }

    /** Writes one chart's data as CSV. */
    public void exportCsv(Chart chart, Path out) {
        Snapshot s = snapshot.get();
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            switch (chart) {
                case TTFT_HISTOGRAM, E2E_HISTOGRAM -> {
                    p.printRecord("from_ms", "to_ms", "count");
                    for (ChartData.Bin b : chart == Chart.TTFT_HISTOGRAM ? s.ttftHistogram() : s.e2eHistogram()) {
                        p.printRecord(b.from(), b.to(), b.count());
                    }
                }
                case PERCENTILES -> {
                    p.printRecord("metric", "model", "count", "p50_ms", "p95_ms", "p99_ms");
                    for (ChartData.ModelPercentiles m : s.percentiles()) {
                        p.printRecord(m.metric(), m.model(), m.count(), m.p50(), m.p95(), m.p99());
                    }
                }
                case TTFT_VS_OUTPUT -> points(p, "output_tokens", "ttft_ms", s.ttftVsOutput());
                case TOKENS_PER_SECOND -> points(p, "seconds", "tokens_per_s", s.tokensPerSecond());
                case CUMULATIVE_SPEND -> points(p, "seconds", "cumulative_usd", s.cumulativeSpend());
                case SPEND_PER_DAY -> {
                    p.printRecord("day", "usd");
                    for (Map.Entry<LocalDate, BigDecimal> e : s.spendPerDay().entrySet()) {
                        p.printRecord(e.getKey(), e.getValue().toPlainString());
                    }
                }
                case PRICES -> {
                    p.printRecord("provider", "model", "output_usd_per_1m", "output_tokens_per_usd");
                    for (ChartData.PricePoint pp : s.prices()) {
                        p.printRecord(pp.provider(), pp.model(), pp.outputUsdPerM(), pp.outputTokensPerUsd());
                    }
                }
                default -> throw new IllegalArgumentException(String.valueOf(chart));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static void points(CSVPrinter p, String x, String y, Map<String, List<ChartData.Point>> series)
            throws IOException {
        p.printRecord("model", x, y);
        for (Map.Entry<String, List<ChartData.Point>> e : series.entrySet()) {
            for (ChartData.Point pt : e.getValue()) {
                p.printRecord(e.getKey(), pt.x(), pt.y());
            }
        }
    }

    public ObservableList<ChartData.RunChoice> runs() { return runs; }
    public ObjectProperty<ChartData.RunChoice> runProperty() { return run; }
    public ObservableList<String> models() { return models; }
    public StringProperty modelProperty() { return model; }
    public ObjectProperty<Range> rangeProperty() { return range; }
    public ObjectProperty<Snapshot> snapshotProperty() { return snapshot; }
    public StringProperty statusProperty() { return status; }
}
