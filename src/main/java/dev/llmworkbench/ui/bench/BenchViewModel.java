package dev.llmworkbench.ui.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.bench.BenchListener;
import dev.llmworkbench.service.bench.BenchPlan;
import dev.llmworkbench.service.bench.BenchRecording;
import dev.llmworkbench.service.bench.BenchResult;
import dev.llmworkbench.service.bench.BenchService;
import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.bench.Stats;
import dev.llmworkbench.service.charts.ChartsService;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.Tasks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Benchmark view's state: the options ({@link BenchOptions}), Run / Stop, the progress per level and the current
 * level's ITL histogram while it runs (a few snapshots a second, {@link BenchLive}), the finished levels with the
 * service's figures ({@link LevelResult} as is: this class computes none), the throughput–latency curve across them
 * with the capacity search's answer marked, the run stored in the history as the command line stores it, and the
 * exports (the service's per-request lines; the summary JSON).
 *
 * <p>Threads: public methods on the UI thread; the run on {@code work} (it blocks its thread; Stop interrupts it);
 * the live events folded on {@code ticks}; the history and the files off the UI thread.
 */
public final class BenchViewModel {
    /** What the view can do. */
    public enum State { READY, RUNNING }

    /** The curve's x: output tokens/s or achieved requests/s. */
    public enum XAxis {
        OUTPUT_TOKENS_PER_S("output tokens/s"), REQUEST_RATE("requests/s");

        private final String label;

        XAxis(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The curve's y: end-to-end or TTFT (p50 and p99). */
    public enum YAxis {
        E2E("end-to-end ms"), TTFT("TTFT ms");

        private final String label;

        YAxis(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One point of the curve: a level's load, x, y at p50 and p99, and whether it is the capacity search's answer. */
    public record CurvePoint(String label, double x, double p50, double p99, boolean answer) {
    }

    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Supplier<BenchService> bench;
    private final HistoryService history;
    private final ProviderService providers;
    private final ExecutorService work;
    private final ScheduledExecutorService ticks;
    private final FxExecutor fx;
    private final Tasks tasks;
    private final BenchOptions options = new BenchOptions();
    private final ObservableList<ProviderProfile> profiles = FXCollections.observableArrayList();
    private final ObservableList<String> models = FXCollections.observableArrayList();

    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.READY);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper(this, "progress", "");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    private final ObservableList<ChartsService.Bin> itl = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper itlTitle = new ReadOnlyStringWrapper(this, "itlTitle", "ITL histogram");
    private final ObservableList<LevelResult> levels = FXCollections.observableArrayList();
    private final ObservableList<CurvePoint> curve = FXCollections.observableArrayList();
    private final ObjectProperty<XAxis> xAxis = new SimpleObjectProperty<>(this, "xAxis", XAxis.OUTPUT_TOKENS_PER_S);
    private final ObjectProperty<YAxis> yAxis = new SimpleObjectProperty<>(this, "yAxis", YAxis.E2E);
    private final ReadOnlyObjectWrapper<BenchResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper answer = new ReadOnlyStringWrapper(this, "answer", "");
    private long runId = -1;
    /** Which run's snapshots are shown: a stopped run's stragglers never reach the next run's figures. */
    private long generation;
    private Future<?> running;
    private CompletableFuture<BenchResult> finished = CompletableFuture.completedFuture(null);

    /**
     * @param prices the catalogue: the models offered, and whether each takes a thinking switch (the lookup the
     *               Playground and Compare use)
     */
    public BenchViewModel(Supplier<BenchService> bench, HistoryService history, ProviderService providers,
                          PriceService prices, ExecutorService work, ScheduledExecutorService ticks, FxExecutor fx) {
        this.bench = bench;
        this.history = history;
        this.providers = providers;
        this.work = work;
        this.ticks = ticks;
        this.fx = fx;
        this.tasks = new Tasks(work, fx);
        this.models.setAll(prices.models());
        reloadProfiles();
        options.profile.addListener((o, a, b) -> {
            if (b != null && b.defaultModel() != null && !b.defaultModel().isBlank()) {
                options.model.set(b.defaultModel());
            }
        });
        options.profile.set(profiles.isEmpty() ? null : profiles.get(0));
        options.followThinkingModes(prices::thinkingMode);
        xAxis.addListener((o, a, b) -> updateCurve());
        yAxis.addListener((o, a, b) -> updateCurve());
    }

    /** The profiles offered: the simulator first, then the saved ones (read from the provider service's cache). */
    public void reloadProfiles() {
        ProviderProfile keep = options.profile.get();
        profiles.setAll(providers.profiles());
        // the same profile again (its saved form), or, when it was deleted, the first (the simulator)
        options.profile.set(keep == null ? null : profiles.stream().filter(p -> p.name().equals(keep.name()))
                .findFirst().orElse(profiles.isEmpty() ? null : profiles.get(0)));
    }

    /**
     * Builds the plan from the options and runs it; a wrong option is said in one line ({@link #errorProperty}) and
     * nothing is sent. The future completes (on the UI thread) with the result, or null when nothing ran, the run
     * was stopped or failed.
     */
    public CompletableFuture<BenchResult> run() {
        fx.checkUiThread();
        if (state.get() == State.RUNNING) {
            return finished;
        }
        BenchOptions.Prepared prepared;
        try {
            prepared = options.prepare();
        } catch (IllegalArgumentException e) {
            error.set(Tasks.message(e));
            return CompletableFuture.completedFuture(null);
        }
        error.set("");
        notice.set("");
        answer.set("");
        levels.clear();
        curve.clear();
        itl.clear();
        result.set(null);
        runId = -1;
        progress.set("Starting…");
        state.set(State.RUNNING);
        CompletableFuture<BenchResult> done = new CompletableFuture<>();
        finished = done;
        long gen = ++generation;
        BenchLive live = new BenchLive(ticks, fx, snapshot -> {
            if (gen == generation) {
                show(snapshot);
            }
        });
        String prompt = prepared.plan().inputTokens() == null ? prepared.plan().prompt()
                : "synthetic prompts of " + prepared.plan().inputTokens() + " tokens";
        running = work.submit(() -> execute(prepared, prompt, live, done));
        return done;
    }

    /** Stops the run: no further request is sent; those in flight end on their own. */
    public void stop() {
        fx.checkUiThread();
        if (running != null && state.get() == State.RUNNING) {
            progress.set(progress.get() + " · stopping…");
            running.cancel(true);
        }
    }

    private void execute(BenchOptions.Prepared p, String prompt, BenchLive live, CompletableFuture<BenchResult> done) {
        ProviderProfile profile = p.profile();
        BenchPlan plan = p.plan();
        List<String> warnings = new ArrayList<>();
        BenchRecording recording = null;
        try {
            JsonObject settings = plan.toJson();
            settings.addProperty("base_url", profile.baseUrl());
            settings.addProperty("stream", p.stream());
            recording = BenchRecording.open(history, prompt, profile.name(), plan.model(), settings);
        } catch (RuntimeException e) {
            warnings.add("the run is not recorded in the history: " + Tasks.message(e));
        }
        // each measured request stored as it ends, by the writer (the recording's listener), beside the live figures
        BenchListener listener = recording == null ? live : BenchListener.both(live, recording.listener());
        BenchResult r = null;
        String failure = null;
        try {
            ApiKey key = providers.key(profile).orElse(null);
            r = bench.get().run(profile, key, p.stream(), plan, listener);
        } catch (InterruptedException e) {
            failure = "stopped";
        } catch (RuntimeException e) {
            failure = Tasks.message(e);
        }
        if (recording != null) {
            try {
                String notStored = recording.awaitStored();
                if (notStored != null) {
                    warnings.add("the run's results were not all recorded in the history: " + notStored);
                }
                if (r != null) {
                    recording.finish(r);
                } else {
                    recording.fail(failure);
                }
            } catch (RuntimeException e) {
                warnings.add("the run's results were not all recorded in the history: " + Tasks.message(e));
            }
        }
        BenchResult res = r;
        String why = failure;
        long stored = recording == null ? -1 : recording.runId();
        live.flush(() -> finish(res, stored, why, warnings, done));
    }

    private void show(BenchLive.Snapshot s) {
        if (state.get() != State.RUNNING) {
            return;
        }
        progress.set(s.progress().stream().map(p -> p.label() + ": " + p.done() + " done, " + p.errors()
                + (p.errors() == 1 ? " error" : " errors")).collect(Collectors.joining(" · ")));
        itl.setAll(s.itl());
        if (!s.progress().isEmpty()) {
            itlTitle.set("ITL histogram, " + s.progress().get(s.progress().size() - 1).label() + " (" + s.itlGaps()
                    + " chunk gaps)");
        }
        if (!s.levelsDone().isEmpty()) {
            levels.addAll(s.levelsDone());
            updateCurve();
        }
    }

    private void finish(BenchResult r, long id, String failure, List<String> warnings,
                        CompletableFuture<BenchResult> done) {
        runId = id;
        state.set(State.READY);
        running = null;
        if (r != null) {
            // the service's figures as they are, in the order the levels ran
            levels.setAll(r.levels());
            result.set(r);
            BenchResult.Search s = r.search();
            if (s != null) {
                answer.set("highest " + s.by().wireName() + " meeting the SLOs (goodput ≥ "
                        + BenchTexts.pct(s.goodputMin()) + "): " + (s.max() == null ? "none (the first load missed)"
                        : s.by() == BenchPlan.FindMax.RATE ? BenchTexts.f(s.max(), 3) + "/s"
                        : Integer.toString(s.max().intValue())) + " (" + s.steps() + " steps"
                        + (s.bounded() ? ", stopped at the bound" : "") + ")");
            }
            updateCurve();
            notice.set("Done: " + r.levels().size() + (r.levels().size() == 1 ? " level" : " levels")
                    + (id >= 0 ? ", recorded as run " + id : "") + (warnings.isEmpty() ? "" : "; " + String.join("; ",
                    warnings)) + ".");
        } else {
            notice.set(("stopped".equals(failure) ? "Stopped; the levels done are shown" : "The benchmark failed: "
                    + failure) + (id >= 0 ? " (run " + id + " in the history)" : "")
                    + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings)) + ".");
        }
        done.complete(r);
    }

    private void updateCurve() {
        List<CurvePoint> out = new ArrayList<>();
        BenchResult r = result.get();
        BenchResult.Search s = r == null ? null : r.search();
        for (LevelResult l : levels) {
            Double x = xAxis.get() == XAxis.OUTPUT_TOKENS_PER_S ? l.outputTokensPerS() : l.requestRate();
            Stats y = yAxis.get() == YAxis.E2E ? l.e2e() : l.ttft();
            if (x == null || y == null || y.isEmpty() || x.isNaN()) {
                continue;
            }
            boolean isAnswer = s != null && s.max() != null && l.load().value() == s.max();
            out.add(new CurvePoint(l.load().label(), x, y.p50(), y.p99(), isAnswer));
        }
        curve.setAll(out);
    }

    /** Writes the service's per-request lines of the last run. */
    public CompletableFuture<Void> exportRequests(Path file) {
        BenchResult r = result.get();
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        return tasks.call("exporting the requests", () -> r.export(file),
                n -> notice.set("Exported " + n + " requests to " + file + "."),
                m -> notice.set("Cannot export: " + m)).thenAccept(n -> { });
    }

    /** Writes the last run's summary JSON (as {@code bench --json} prints it, with the run's id). */
    public CompletableFuture<Void> exportSummary(Path file) {
        BenchResult r = result.get();
        if (r == null) {
            return CompletableFuture.completedFuture(null);
        }
        long id = runId;
        return tasks.exec("exporting the summary", () -> {
            JsonObject summary = r.toJson();
            if (id >= 0) {
                summary.addProperty("run_id", id);
            }
            Files.writeString(file, PRETTY.toJson(summary) + "\n", StandardCharsets.UTF_8);
        }, () -> notice.set("Exported the summary to " + file + "."), m -> notice.set("Cannot export: " + m));
    }

    /** Stops a run still going (the app closes). */
    public void dispose() {
        if (running != null) {
            running.cancel(true);
        }
    }

    public BenchOptions options() { return options; }
    public ObservableList<ProviderProfile> profiles() { return profiles; }
    public ObservableList<String> models() { return models; }
    public ReadOnlyObjectProperty<State> stateProperty() { return state.getReadOnlyProperty(); }
    public ReadOnlyStringProperty errorProperty() { return error.getReadOnlyProperty(); }
    public ReadOnlyStringProperty progressProperty() { return progress.getReadOnlyProperty(); }
    public ReadOnlyStringProperty noticeProperty() { return notice.getReadOnlyProperty(); }
    public ReadOnlyStringProperty answerProperty() { return answer.getReadOnlyProperty(); }
    public ObservableList<ChartsService.Bin> itl() { return itl; }
    public ReadOnlyStringProperty itlTitleProperty() { return itlTitle.getReadOnlyProperty(); }
    public ObservableList<LevelResult> levels() { return levels; }
    public ObservableList<CurvePoint> curve() { return curve; }
    public ObjectProperty<XAxis> xAxisProperty() { return xAxis; }
    public ObjectProperty<YAxis> yAxisProperty() { return yAxis; }
    public ReadOnlyObjectProperty<BenchResult> resultProperty() { return result.getReadOnlyProperty(); }
    /** The history run of the last benchmark, or -1. */
    public long runId() { return runId; }
    /** The last run's future (tests). */
    public CompletableFuture<BenchResult> finished() { return finished; }
}
