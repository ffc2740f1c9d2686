package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.batch.BatchJobs;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.ui.common.FxExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The batch panel's state: the imported file's rows (bad ones with why), the run's settings, the dry-run
 * estimate, the progress of a running job and its items, refreshed at most every {@link #REFRESH_MS} ms
 * (one hop to the FX thread per refresh, never one per item).
 *
 * <p>Threads: public methods are called on the FX thread; blocking work runs on {@code work}.
 */
public final class BatchViewModel {
    /** The panel's state. */
    public enum State { EMPTY, LOADED, RUNNING, PAUSED, FINISHED, FAILED }

    /** The status filter "all". */
    public static final String ALL = "all";
    public static final List<String> STATUSES = List.of(ALL, "pending", "in_flight", "done", "failed", "not_run",
            "invalid");
    static final long REFRESH_MS = 100;
    static final long ITEMS_REFRESH_MS = 400;
    /** Reading the items takes at most 1/ITEMS_READ_SHARE of the time between two reads (a big job's read is slow). */
    static final long ITEMS_READ_SHARE = 10;

    /** One input row and, once run, its result. Updated in place. */
    public static final class Entry {
        private final int index;
        private final Integer line;
        private final String requestId;
        private final boolean valid;
        private final String reason;
        private final StringProperty prompt = new SimpleStringProperty();
        private final StringProperty status = new SimpleStringProperty();
        private final StringProperty model = new SimpleStringProperty();
        private final StringProperty check = new SimpleStringProperty("");
        private final StringProperty response = new SimpleStringProperty("");
        private final StringProperty error = new SimpleStringProperty("");
        private final ObjectProperty<Double> e2eMs = new SimpleObjectProperty<>();
        private final ObjectProperty<Double> ttftMs = new SimpleObjectProperty<>();
        private final ObjectProperty<Integer> outputTokens = new SimpleObjectProperty<>();
        private final ObjectProperty<Integer> attempts = new SimpleObjectProperty<>();
        private final ObjectProperty<BigDecimal> costUsd = new SimpleObjectProperty<>();

        Entry(int index, Integer line, String requestId, boolean valid, String reason, String prompt, String model) {
            this.index = index;
            this.line = line;
            this.requestId = requestId;
            this.valid = valid;
            this.reason = reason;
            this.prompt.set(prompt);
            this.model.set(model);
            this.status.set(valid ? "pending" : "invalid");
        }

        void update(BatchJobs.ItemRow r) {
            status.set(r.status());
            if (r.model() != null) {
                model.set(r.model());
            }
            check.set(r.checkPassed() == null ? "" : r.checkPassed() ? "pass" : "fail"
                    + (r.checkDetail() == null ? "" : ": " + r.checkDetail()));
            response.set(r.response() == null ? "" : r.response());
            error.set(r.error() == null ? "" : r.error());
            e2eMs.set(r.e2eMs());
            ttftMs.set(r.ttftMs());
            outputTokens.set(r.outputTokens());
            attempts.set(r.attempts() == 0 ? null : r.attempts());
            costUsd.set(r.costUsd());
        }

        public int index() { return index; }
        public Integer line() { return line; }
        public String requestId() { return requestId; }
        public boolean valid() { return valid; }
        public String reason() { return reason == null ? "" : reason; }
        public StringProperty promptProperty() { return prompt; }
        public StringProperty statusProperty() { return status; }
        public StringProperty modelProperty() { return model; }
        public StringProperty checkProperty() { return check; }
        public StringProperty responseProperty() { return response; }
        public StringProperty errorProperty() { return error; }
        public ObjectProperty<Double> e2eMsProperty() { return e2eMs; }
        public ObjectProperty<Double> ttftMsProperty() { return ttftMs; }
        public ObjectProperty<Integer> outputTokensProperty() { return outputTokens; }
        public ObjectProperty<Integer> attemptsProperty() { return attempts; }
        public ObjectProperty<BigDecimal> costUsdProperty() { return costUsd; }
    }

    private final BatchJobs jobs;
    private final ScheduledExecutorService work;
    private final FxExecutor fx;

    private final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.EMPTY);
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>(this, "file");
    private final StringProperty fileSummary = new SimpleStringProperty(this, "fileSummary", "No file: open a CSV or JSONL file, or drop one here.");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final FilteredList<Entry> results = new FilteredList<>(entries, e -> true);
    private final StringProperty statusFilter = new SimpleStringProperty(this, "statusFilter", ALL);
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObservableList<String> profiles = FXCollections.observableArrayList();
    private final StringProperty model = new SimpleStringProperty(this, "model", BatchSettings.DEFAULT_MODEL);
    private final StringProperty profile = new SimpleStringProperty(this, "profile");
    private final BooleanProperty route = new SimpleBooleanProperty(this, "route", false);
    private final StringProperty concurrency = new SimpleStringProperty(this, "concurrency", "4");
    private final ObjectProperty<Priority> priority = new SimpleObjectProperty<>(this, "priority", Priority.BATCH);
    private final StringProperty rpm = new SimpleStringProperty(this, "rpm", "");
    private final StringProperty tpm = new SimpleStringProperty(this, "tpm", "");
    private final StringProperty budget = new SimpleStringProperty(this, "budget", "");
    private final StringProperty maxTokens = new SimpleStringProperty(this, "maxTokens", "256");
    private final StringProperty dryRunText = new SimpleStringProperty(this, "dryRun", "");
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", 0);
    private final StringProperty countsText = new SimpleStringProperty(this, "counts", "");
    private final StringProperty retriesText = new SimpleStringProperty(this, "retries", "");
    private final StringProperty limiterText = new SimpleStringProperty(this, "limiter", "");
    private final StringProperty spendText = new SimpleStringProperty(this, "spend", "");
    private final StringProperty etaText = new SimpleStringProperty(this, "eta", "");
    private final StringProperty summaryText = new SimpleStringProperty(this, "summary", "");
    private final StringProperty jobId = new SimpleStringProperty(this, "jobId");
    private final ObservableList<BatchJobs.JobInfo> interrupted = FXCollections.observableArrayList();

    private final AtomicReference<BatchProgress> latest = new AtomicReference<>();
    private final AtomicBoolean itemsDirty = new AtomicBoolean();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long lastItemsNanos;
    /** How long the last read of the items took: the next read waits {@link #ITEMS_READ_SHARE} times as long. */
    private volatile long lastReadNanos;
    /** Where the next read of a running job's items starts ({@link BatchJobs#ALL_ITEMS}: every item). */
    private volatile long itemsCursor = BatchJobs.ALL_ITEMS;
    private final BooleanProperty liveSort = new SimpleBooleanProperty(this, "liveSort", false);
    private volatile String currentJob;
    private ScheduledFuture<?> poller;
    private BatchEngine.Handle handle;
    private BatchSettings runningSettings;
    /** The summary of the last run that finished here (with its wall time), and its job. */
    private BatchSummary lastSummary;
    private String lastSummaryJob;
    private final Map<Long, Entry> byItem = new HashMap<>();
    private volatile CompletableFuture<BatchSummary> finished = CompletableFuture.completedFuture(null);

    public BatchViewModel(BatchJobs jobs, List<String> models, List<String> profiles, ScheduledExecutorService work,
                          FxExecutor fx) {
        this.jobs = jobs;
        this.work = work;
        this.fx = fx;
        this.models.setAll(models);
        this.profiles.setAll(profiles);
        if (!models.isEmpty() && !models.contains(model.get())) {
            model.set(models.get(0));
        }
        statusFilter.addListener((o, a, b) -> results.setPredicate(e -> b == null || ALL.equals(b)
                || b.equals(e.statusProperty().get())));
    }

    /** Jobs a previous session left interrupted: offered for resuming. */
    public void offerInterrupted(List<BatchJobs.JobInfo> jobs) {
        interrupted.setAll(jobs);
    }

    /** Reads a CSV or JSONL file (the file chooser, drag and drop and tests all come here). */
    public CompletableFuture<Void> importFile(Path path) {
        fx.checkUiThread();
        if (isActive()) {
            error.set("A batch is running: cancel it before opening another file.");
            return CompletableFuture.completedFuture(null);
        }
        error.set("");
        return CompletableFuture.supplyAsync(() -> jobs.preview(path), work).handleAsync((p, err) -> {
            if (err != null) {
                Throwable c = err.getCause() != null ? err.getCause() : err;
                error.set("Cannot open " + path.getFileName() + ": " + c.getMessage());
                return null;
            }
            file.set(path);
            jobId.set(null);
            byItem.clear();
            summaryText.set("");
            dryRunText.set("");
            entries.setAll(p.rows().stream().map(r -> new Entry(r.index(), r.line(), r.requestId(), r.valid(),
                    r.reason(), r.prompt(), r.model())).toList());
            fileSummary.set(path.getFileName() + ": " + p.rows().size() + " rows, " + p.valid() + " valid, "
                    + p.invalid() + " invalid");
            progress.set(0);
            countsText.set("");
            limiterText.set("");
            state.set(State.LOADED);
            return null;
        }, fx);
    }

    /** The settings from the form. @throws IllegalArgumentException when a field is wrong */
    public BatchSettings settings() {
        Integer r = intOrNull(rpm.get(), "rpm");
        Long t = tpm.get() == null || tpm.get().isBlank() ? null : Long.parseLong(tpm.get().strip());
        BigDecimal b = budget.get() == null || budget.get().isBlank() ? null : new BigDecimal(budget.get().strip());
        Integer c = intOrNull(concurrency.get(), "concurrency");
        return new BatchSettings(route.get() ? null : model.get(), route.get(), intOrNull(maxTokens.get(), "max tokens"),
                c == null ? 4 : c, r, t, b, priority.get(), null, null, profile.get(), null);
    }

    private static Integer intOrNull(String s, String what) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, was " + s);
        }
    }

    /** The dry-run estimate of the loaded file (tokens, cost per model), for the confirmation. */
    public CompletableFuture<String> dryRun() {
        fx.checkUiThread();
        Path f = file.get();
        if (f == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no file"));
        }
        BatchSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        // the rows' counts are taken here, on the FX thread, where the list lives
        long valid = entries.stream().filter(Entry::valid).count();
        long invalid = entries.size() - valid;
        return CompletableFuture.supplyAsync(() -> describe(jobs.dryRun(f, s), s, valid, invalid), work)
                .whenCompleteAsync((text, err) -> {
                    if (err != null) {
                        error.set(rootMessage(err));
                    } else {
                        dryRunText.set(text);
                    }
                }, fx);
    }

    private static String describe(List<EstimateService.ModelEstimate> est, BatchSettings s, long valid, long invalid) {
        StringBuilder sb = new StringBuilder();
        sb.append(valid).append(" valid rows (").append(invalid).append(" invalid, not sent); worst case at ")
                .append(s.effectiveMaxTokens()).append(" output tokens per row")
                .append(s.route() && s.model() == null ? "; each row priced at the model the router picks for it" : "")
                .append('\n');
        BigDecimal total = BigDecimal.ZERO;
        for (EstimateService.ModelEstimate e : est) {
            BigDecimal usd = e.perDayUsd().amount();
            total = total.add(usd);
            sb.append(String.format(Locale.ROOT, "%s: %d requests, %d input tokens each, up to $%s%n", e.model(),
                    e.requests(), e.inputTokens(), usd.setScale(4, RoundingMode.HALF_UP).toPlainString()));
        }
        sb.append("Total: up to $").append(total.setScale(4, RoundingMode.HALF_UP).toPlainString());
        if (s.budgetUsd() != null) {
            sb.append(" (budget $").append(s.budgetUsd().toPlainString()).append(')');
        }
        return sb.toString();
    }

    /** Creates the job for the loaded file and starts it; the returned future ends with the run. */
    public CompletableFuture<BatchSummary> start() {
        fx.checkUiThread();
        Path f = file.get();
        if (f == null || isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        BatchSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        error.set("");
        state.set(State.RUNNING);
        CompletableFuture<BatchJobs.JobInfo> created = CompletableFuture.supplyAsync(() -> jobs.create(f, s, "jsonl"), work);
        return run(created, s);
    }

    /** Resumes a job (interrupted, or to retry its failed items) with its remembered settings. */
    public CompletableFuture<BatchSummary> resume(BatchJobs.JobInfo job) {
        fx.checkUiThread();
        if (isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        interrupted.removeIf(j -> j.jobId().equals(job.jobId()));
        BatchSettings s = job.settings();
        file.set(Path.of(job.inputPath()));
        fileSummary.set(Path.of(job.inputPath()).getFileName() + ": resumed job " + job.jobId());
        state.set(State.RUNNING);
        error.set("");
        CompletableFuture<BatchJobs.JobInfo> loaded = CompletableFuture.supplyAsync(() -> {
            List<BatchJobs.ItemRow> items = jobs.items(job.jobId());
            CompletableFuture.runAsync(() -> loadEntries(items), fx).join();
            return job;
        }, work);
        return run(loaded, s);
    }

    /** Puts the failed items back and runs them again (nothing else is sent). */
    public CompletableFuture<BatchSummary> retryFailed() {
        fx.checkUiThread();
        String id = jobId.get();
        if (id == null || isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        BatchSettings s = runningSettings;
        state.set(State.RUNNING);
        error.set("");
        return run(CompletableFuture.supplyAsync(() -> jobs.info(id), work), s, true);
    }

    private void loadEntries(List<BatchJobs.ItemRow> items) {
        byItem.clear();
        int i = 0;
        List<Entry> list = new java.util.ArrayList<>();
        for (BatchJobs.ItemRow r : items) {
            Entry e = new Entry(i++, r.line(), r.requestId(), r.invalidReason() == null, r.invalidReason(), r.prompt(),
                    r.model());
            e.update(r);
            byItem.put(r.itemId(), e);
            list.add(e);
        }
        entries.setAll(list);
    }

    /** A job the engine has taken, with the settings it runs with. */
    private record Started(BatchJobs.JobInfo info, BatchSettings settings, BatchEngine.Handle handle) {
    }

    private CompletableFuture<BatchSummary> run(CompletableFuture<BatchJobs.JobInfo> job, BatchSettings given) {
        return run(job, given, false);
    }

    /** {@code failedOnly}: put the job's failed items back and run them, nothing else. */
    private CompletableFuture<BatchSummary> run(CompletableFuture<BatchJobs.JobInfo> job, BatchSettings given,
                                                boolean failedOnly) {
        CompletableFuture<BatchSummary> done = new CompletableFuture<>();
        finished = done;
        lastSummary = null; // a new run of the job: its summary is made when it ends
        lastSummaryJob = null;
        job.thenApplyAsync(info -> {
            // on the worker: starting reads the provider's profile and its key (the database, the keyring)
            BatchSettings s = given != null ? given : info.settings();
            latest.set(null);
            currentJob = info.jobId();
            BatchListener listener = new BatchListener() {
                @Override
                public void onProgress(BatchProgress p) {
                    latest.set(p);
                    itemsDirty.set(true);
                }
            };
            BatchEngine.Handle h = failedOnly ? jobs.retryFailed(info.jobId(), s, listener)
                    : jobs.start(info.jobId(), s, listener);
            return new Started(info, s, h);
        }, work).thenAcceptAsync(started -> {
            BatchJobs.JobInfo info = started.info();
            BatchSettings s = started.settings();
            BatchEngine.Handle h = started.handle();
            runningSettings = s;
            jobId.set(info.jobId());
            handle = h;
            itemsCursor = BatchJobs.ALL_ITEMS;
            startPolling();
            AtomicReference<String> stopped = new AtomicReference<>();
            h.result().thenApplyAsync(outcome -> {
                        stopped.set(outcome.stopDetail() != null ? outcome.stopDetail()
                                : "budget".equals(outcome.stopReason()) ? "the budget cannot cover the next row"
                                : outcome.stopReason());
                        return jobs.finish(info.jobId(), s, outcome);
                    }, work)
                    .whenCompleteAsync((summary, err) -> {
                        stopPolling();
                        handle = null;
                        BatchProgress p = h.progress();
                        applyProgress(p);
                        if (err != null) {
                            error.set("The batch stopped: " + rootMessage(err) + ". It can be resumed.");
                            state.set(State.FAILED);
                        } else {
                            lastSummary = summary;
                            lastSummaryJob = info.jobId();
                            summaryText.set((stopped.get() == null ? "" : "Stopped: " + stopped.get() + "\n")
                                    + summary.describe().strip());
                            state.set(State.FINISHED);
                        }
                        refreshItemsNow().whenComplete((v, e2) -> {
                            if (err != null) {
                                done.completeExceptionally(err);
                            } else {
                                done.complete(summary);
                            }
                        });
                    }, fx);
        }, fx).exceptionally(err -> {
            fx.execute(() -> {
                error.set(rootMessage(err));
                state.set(file.get() == null ? State.EMPTY : State.LOADED);
            });
            done.completeExceptionally(err);
            return null;
        });
        return done;
    }

    private void startPolling() {
        stopPolling();
        poller = work.scheduleWithFixedDelay(this::poll, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    private void stopPolling() {
        if (poller != null) {
            poller.cancel(false);
            poller = null;
        }
    }

    /**
     * Off the FX thread: at most one FX hop per period, the items read at most every ITEMS_REFRESH_MS; the
     * first read of a run takes every item, the next ones what changed since the one before.
     */
    private void poll() {
        BatchEngine.Handle h = handle;
        BatchProgress p = h == null ? latest.get() : h.progress();
        List<BatchJobs.ItemRow> items = null;
        boolean full = false;
        String id = currentJob;
        long now = System.nanoTime();
        long interval = Math.max(ITEMS_REFRESH_MS * 1_000_000L, ITEMS_READ_SHARE * lastReadNanos);
        if (id != null && itemsDirty.get() && now - lastItemsNanos >= interval
                && refreshing.compareAndSet(false, true)) {
            itemsDirty.set(false);
            try {
                long cursor = itemsCursor;
                BatchJobs.ItemUpdates u = jobs.itemUpdates(id, cursor);
                itemsCursor = u.next();
                items = u.rows();
                full = cursor == BatchJobs.ALL_ITEMS;
            } catch (RuntimeException e) {
                items = null;
            } finally {
                long end = System.nanoTime();
                lastReadNanos = end - now;
                lastItemsNanos = end;
                refreshing.set(false);
            }
        }
        List<BatchJobs.ItemRow> rows = items;
        boolean allRows = full;
        fx.execute(() -> {
            if (p != null) {
                applyProgress(p);
            }
            if (rows != null) {
                applyItems(rows, allRows);
            }
        });
    }

    private CompletableFuture<Void> refreshItemsNow() {
        String id = jobId.get();
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (rowsMapped()) {
            // the rows are shown already: what changed since the last read (the store's cursor is exact)
            long cursor = itemsCursor;
            return CompletableFuture.supplyAsync(() -> jobs.itemUpdates(id, cursor), work)
                    .thenAcceptAsync(u -> {
                        itemsCursor = u.next();
                        applyItems(u.rows(), cursor == BatchJobs.ALL_ITEMS);
                    }, fx);
        }
        return CompletableFuture.supplyAsync(() -> jobs.items(id), work)
                .thenAcceptAsync(rows -> applyItems(rows, true), fx);
    }

    /** True when every row shown is tied to its stored item (FX thread). */
    private boolean rowsMapped() {
        return !entries.isEmpty() && entries.size() == byItem.size();
    }

    /** {@code all}: the rows are every item of the job; otherwise some of them, changed since a read before. */
    private void applyItems(List<BatchJobs.ItemRow> rows, boolean all) {
        if (!all) {
            if (!rowsMapped()) {
                itemsCursor = BatchJobs.ALL_ITEMS; // the rows are not tied to the items yet: read them all
                return;
            }
        } else if (byItem.isEmpty() || byItem.size() != rows.size()) {
            if (entries.size() == rows.size()) {
                byItem.clear();
                for (int i = 0; i < rows.size(); i++) {
                    byItem.put(rows.get(i).itemId(), entries.get(i));
                }
            } else if (!rows.isEmpty() && rows.get(0).prompt() == null) {
                itemsCursor = BatchJobs.ALL_ITEMS;
                return; // an update without the prompts cannot make the rows: the next full read will
            } else {
                loadEntries(rows);
                return;
            }
        }
        boolean statusChanged = false;
        for (BatchJobs.ItemRow r : rows) {
            Entry e = byItem.get(r.itemId());
            if (e != null) {
                boolean changed = !r.status().equals(e.statusProperty().get());
                if (changed || r.attempts() != 0 && e.attemptsProperty().get() == null) {
                    e.update(r);
                    statusChanged |= changed;
                }
            }
        }
        // the rows update in place; only a status filter or a sorted table needs the list redone
        String f = statusFilter.get();
        if (statusChanged && (liveSort.get() || f != null && !ALL.equals(f))) {
            results.setPredicate(e -> f == null || ALL.equals(f) || f.equals(e.statusProperty().get()));
        }
    }

    private void applyProgress(BatchProgress p) {
        int valid = p.total() - p.invalid();
        int finishedCount = p.done() + p.failed() + p.notRun();
        progress.set(valid == 0 ? 1 : (double) finishedCount / valid);
        countsText.set(String.format(Locale.ROOT, "%d/%d done · %d failed · %d in flight · %d queued · %d not run · %d invalid",
                p.done(), valid, p.failed(), p.inFlight(), p.queued(), p.notRun(), p.invalid()));
        retriesText.set(p.retries() + " retries");
        limiterText.set(p.limiter() == null ? "" : "limiter: " + p.limiter());
        spendText.set("$" + p.spentUsd().setScale(4, RoundingMode.HALF_UP).toPlainString() + " spent");
        etaText.set(p.eta() == null ? "ETA –" : "ETA " + eta(p.eta()));
        if (state.get() == State.RUNNING && p.paused()) {
            state.set(State.PAUSED);
        } else if (state.get() == State.PAUSED && !p.paused()) {
            state.set(State.RUNNING);
        }
    }

    private static String eta(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    public void pause() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            work.execute(h::pause);
            state.set(State.PAUSED);
        }
    }

    public void resumeRun() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            work.execute(h::resume);
            state.set(State.RUNNING);
        }
    }

    public void cancel() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            work.execute(h::cancel);
        }
    }

    /** Writes the job's results as the batch engine exports them ({@code jsonl} or {@code csv}). */
    public CompletableFuture<Void> export(Path output, String format) {
        String id = jobId.get();
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing run yet"));
        }
        return CompletableFuture.runAsync(() -> jobs.export(id, output, format), work)
                .whenCompleteAsync((v, err) -> error.set(err == null ? "" : rootMessage(err)), fx);
    }

    /** Writes the job's JSON summary. */
    public CompletableFuture<Void> exportSummary(Path output) {
        String id = jobId.get();
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing run yet"));
        }
        // the summary the run ended with (its wall time is the run's); else one made from the stored results
        BatchSummary known = id.equals(lastSummaryJob) ? lastSummary : null;
        return CompletableFuture.runAsync(() -> {
            try {
                BatchSummary summary = known != null ? known : jobs.summary(id);
                Files.writeString(output, summary.toJsonText() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, work).whenCompleteAsync((v, err) -> error.set(err == null ? "" : rootMessage(err)), fx);
    }

    /** Ends the poller (the view is closed for good). */
    public void dispose() {
        stopPolling();
    }

    public boolean isActive() {
        return state.get() == State.RUNNING || state.get() == State.PAUSED;
    }

    /** Completes when the current run ended and the panel shows its last state. */
    public CompletableFuture<BatchSummary> finished() {
        return finished;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException)) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    public ObjectProperty<State> stateProperty() { return state; }
    public ObjectProperty<Path> fileProperty() { return file; }
    public StringProperty fileSummaryProperty() { return fileSummary; }
    public StringProperty errorProperty() { return error; }
    public ObservableList<Entry> entries() { return entries; }
    public FilteredList<Entry> results() { return results; }
    public StringProperty statusFilterProperty() { return statusFilter; }
    /** True while the results table is sorted: a refresh then re-sorts it (set by the view). */
    public BooleanProperty liveSortProperty() { return liveSort; }
    public ObservableList<String> models() { return models; }
    public ObservableList<String> profiles() { return profiles; }
    public StringProperty modelProperty() { return model; }
    public StringProperty profileProperty() { return profile; }
    public BooleanProperty routeProperty() { return route; }
    public StringProperty concurrencyProperty() { return concurrency; }
    public ObjectProperty<Priority> priorityProperty() { return priority; }
    public StringProperty rpmProperty() { return rpm; }
    public StringProperty tpmProperty() { return tpm; }
    public StringProperty budgetProperty() { return budget; }
    public StringProperty maxTokensProperty() { return maxTokens; }
    public StringProperty dryRunTextProperty() { return dryRunText; }
    public DoubleProperty progressProperty() { return progress; }
    public StringProperty countsTextProperty() { return countsText; }
    public StringProperty retriesTextProperty() { return retriesText; }
    /** The run's limiter in words ("limiter: limited by provider: 240/min, remaining 0, resets in 0.8 s"). */
    public StringProperty limiterTextProperty() { return limiterText; }
    public StringProperty spendTextProperty() { return spendText; }
    public StringProperty etaTextProperty() { return etaText; }
    public StringProperty summaryTextProperty() { return summaryText; }
    public StringProperty jobIdProperty() { return jobId; }
    public ObservableList<BatchJobs.JobInfo> interrupted() { return interrupted; }
}
