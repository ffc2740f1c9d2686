package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.Tasks;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
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

    /** The status filter "all" (as {@link #statusFilterProperty()} names it). */
    public static final String ALL = BatchResults.ALL;
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
        private final ObjectProperty<ItemStatus> status = new SimpleObjectProperty<>();
        private StringBinding statusName;
        private final StringProperty model = new SimpleStringProperty();
        private final StringProperty check = new SimpleStringProperty("");
        private final StringProperty response = new SimpleStringProperty("");
        private final StringProperty error = new SimpleStringProperty("");
        private final ObjectProperty<Double> e2eMs = new SimpleObjectProperty<>();
        private final ObjectProperty<Double> ttftMs = new SimpleObjectProperty<>();
        private final ObjectProperty<Integer> outputTokens = new SimpleObjectProperty<>();
        private final ObjectProperty<Integer> attempts = new SimpleObjectProperty<>();
        private final ObjectProperty<Double> queueMs = new SimpleObjectProperty<>();
        private final ObjectProperty<BigDecimal> costUsd = new SimpleObjectProperty<>();

        Entry(int index, Integer line, String requestId, boolean valid, String reason, String prompt, String model) {
            this.index = index;
            this.line = line;
            this.requestId = requestId;
            this.valid = valid;
            this.reason = reason;
            this.prompt.set(prompt);
            this.model.set(model);
            this.status.set(valid ? ItemStatus.PENDING : ItemStatus.INVALID);
        }

        void update(BatchService.ItemRow r) {
            status.set(r.itemStatus());
            if (r.model() != null) {
                model.set(r.model());
            }
            check.set(r.checkPassed() == null ? "" : r.checkPassed() ? "pass" : "fail"
                    + (r.checkDetail() == null ? "" : ": " + r.checkDetail()));
            response.set(r.response() == null ? "" : r.response());
            error.set(r.error() != null ? r.error() : r.itemStatus() == ItemStatus.NOT_RUN && r.invalidReason() != null
                    ? r.invalidReason() : "");
            e2eMs.set(r.e2eMs());
            ttftMs.set(r.ttftMs());
            outputTokens.set(r.outputTokens());
            attempts.set(r.attempts() == 0 ? null : r.attempts());
            queueMs.set(r.queueMs());
            costUsd.set(r.costUsd());
        }

        public int index() { return index; }
        public Integer line() { return line; }
        public String requestId() { return requestId; }
        public boolean valid() { return valid; }
        public String reason() { return reason == null ? "" : reason; }
        public StringProperty promptProperty() { return prompt; }
        /** The row's status. */
        public ReadOnlyObjectProperty<ItemStatus> itemStatusProperty() { return status; }
        /** The row's status as the exports name it ("done", "not_run"), following {@link #itemStatusProperty()}. */
        public StringBinding statusProperty() {
            if (statusName == null) {
                statusName = Bindings.createStringBinding(() -> status.get().wireName(), status);
            }
            return statusName;
        }
        public StringProperty modelProperty() { return model; }
        public StringProperty checkProperty() { return check; }
        public StringProperty responseProperty() { return response; }
        public StringProperty errorProperty() { return error; }
        public ObjectProperty<Double> e2eMsProperty() { return e2eMs; }
        public ObjectProperty<Double> ttftMsProperty() { return ttftMs; }
        public ObjectProperty<Integer> outputTokensProperty() { return outputTokens; }
        public ObjectProperty<Integer> attemptsProperty() { return attempts; }
        /** How long the row waited in the limiter's queue before it was sent (its retries' waits included). */
        public ObjectProperty<Double> queueMsProperty() { return queueMs; }
        public ObjectProperty<BigDecimal> costUsdProperty() { return costUsd; }
    }

    private final BatchService jobs;
    private final FxExecutor fx;
    private final Tasks tasks;
    private final BatchForm form;
    private final BatchResults rows = new BatchResults();
    private final RunFigures figures = new RunFigures();

    private final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.EMPTY);
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>(this, "file");
    private final StringProperty fileSummary = new SimpleStringProperty(this, "fileSummary", "No file: open a CSV or JSONL file, or drop one here.");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final StringProperty dryRunText = new SimpleStringProperty(this, "dryRun", "");
    private final StringProperty summaryText = new SimpleStringProperty(this, "summary", "");
    private final StringProperty jobId = new SimpleStringProperty(this, "jobId");
    private final StringProperty stopText = new SimpleStringProperty(this, "stopText", "");
    private final StringProperty jobText = new SimpleStringProperty(this, "jobText", "");
    private final ObservableList<BatchService.JobInfo> interrupted = FXCollections.observableArrayList();

    private final RunFollower follower;
    private final RemoteJobViewModel remote;
    private BatchEngine.Handle handle;
    private BatchSettings runningSettings;
    /** The summary of the last run that finished here (with its wall time), and its job. */
    private BatchSummary lastSummary;
    private String lastSummaryJob;
    private volatile CompletableFuture<BatchSummary> finished = CompletableFuture.completedFuture(null);

    /** {@code remoteJobs}: the provider batch service, its jobs watched on {@code watchWork} (null: not offered). */
    public BatchViewModel(BatchService jobs, dev.llmworkbench.service.batch.remote.RemoteJobs remoteJobs,
                          java.util.concurrent.Executor watchWork, List<String> models, List<String> profiles,
                          ScheduledExecutorService work, FxExecutor fx) {
        this.jobs = jobs;
        this.fx = fx;
        this.tasks = new Tasks(work, fx);
        this.form = new BatchForm(models, profiles);
        this.follower = new RunFollower(jobs, rows, work, fx, tasks, this::applyProgress,
                m -> error.set("Cannot read the job's rows: " + m));
        this.remote = new RemoteJobViewModel(this, rows, follower, remoteJobs, work, watchWork, fx);
    }

    /** Jobs a previous session left interrupted: offered for resuming. */
    public void offerInterrupted(List<BatchService.JobInfo> jobs) {
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
        return tasks.run("reading " + path.getFileName(), () -> jobs.preview(path), p -> {
            file.set(path);
            jobId.set(null);
            jobText.set("");
            stopText.set("");
            summaryText.set("");
            dryRunText.set("");
            rows.load(p);
            fileSummary.set(path.getFileName() + ": " + p.rows().size() + " rows, " + p.valid() + " valid, "
                    + p.invalid() + " invalid");
            figures.clear();
            state.set(State.LOADED);
            return null;
        }, m -> {
            error.set("Cannot open " + path.getFileName() + ": " + m);
            return null;
        });
    }

    /** The settings from the form. @throws IllegalArgumentException when a field is wrong */
    public BatchSettings settings() {
        return form.settings();
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
        long valid = rows.validCount();
        long invalid = rows.entries().size() - valid;
        return tasks.call("estimating " + f.getFileName(),
                () -> BatchService.describeDryRun(jobs.dryRun(f, s), s, valid, invalid), dryRunText::set, error::set);
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
        stopText.set("");
        state.set(State.RUNNING);
        return run(tasks.call("creating a job for " + f.getFileName(), () -> jobs.create(f, s, "jsonl"), info -> { },
                this::notStarted), s, false);
    }

    /** Resumes a job (interrupted, or to retry its failed items) with its remembered settings. */
    public CompletableFuture<BatchSummary> resume(BatchService.JobInfo job) {
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
        // the items are read on the worker, shown on the FX thread; no thread waits for another
        CompletableFuture<BatchService.JobInfo> loaded = tasks.call("reading job " + job.jobId(),
                () -> jobs.items(job.jobId()), items -> rows.load(job.jobId(), items), this::notStarted)
                .thenApply(items -> job);
        return run(loaded, s, false);
    }

    /** Puts the failed items back and runs them again (nothing else is sent: rows not run stay so). */
    public CompletableFuture<BatchSummary> retryFailed() {
        return again(true);
    }

    /**
     * Runs the rows a cancel or a budget stop left not run (nothing else: failed rows stay failed), with the
     * budget now in the form (raised, after a budget stop).
     */
    public CompletableFuture<BatchSummary> continueRun() {
        return again(false);
    }

    private CompletableFuture<BatchSummary> again(boolean failedOnly) {
        fx.checkUiThread();
        String id = jobId.get();
        if (id == null || isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        BatchSettings s = runningSettings;
        if (s != null) {
            try {
                s = s.withBudgetUsd(settings().budgetUsd());
            } catch (IllegalArgumentException e) {
                error.set(e.getMessage());
                return CompletableFuture.failedFuture(e);
            }
        }
        state.set(State.RUNNING);
        error.set("");
        stopText.set("");
        return run(tasks.call("reading job " + id, () -> jobs.info(id), info -> { }, this::notStarted), s, failedOnly);
    }

    /** A job the engine has taken, with the settings it runs with. */
    private record Started(BatchService.JobInfo info, BatchSettings settings, BatchEngine.Handle handle) {
    }

    /**
     * {@code job}: the job to run, read or made off the UI thread (a failure there is shown already);
     * {@code failedOnly}: put the job's failed items back and run them, nothing else.
     */
    private CompletableFuture<BatchSummary> run(CompletableFuture<BatchService.JobInfo> job, BatchSettings given,
                                                boolean failedOnly) {
        CompletableFuture<BatchSummary> done = new CompletableFuture<>();
        finished = done;
        lastSummary = null; // a new run of the job: its summary is made when it ends
        lastSummaryJob = null;
        job.thenCompose(info -> tasks.call("starting job " + info.jobId(), () -> {
            // on the worker: starting reads the provider's profile and its key (the database, the keyring)
            BatchSettings s = given != null ? given : info.settings();
            BatchListener listener = follower.listener(info.jobId());
            BatchEngine.Handle h = failedOnly ? jobs.retryFailed(info.jobId(), s, listener)
                    : jobs.start(info.jobId(), s, listener);
            return new Started(info, s, h);
        }, this::showStarted, this::notStarted)).thenAccept(started -> follow(started, done)).exceptionally(err -> {
            done.completeExceptionally(Tasks.cause(err));
            return null;
        });
        return done;
    }

    /** A job could not be read, made or started: said in words, and the panel back to its file. */
    private void notStarted(String message) {
        error.set(message);
        state.set(file.get() == null ? State.EMPTY : State.LOADED);
    }

    private void showStarted(Started started) {
        BatchService.JobInfo info = started.info();
        BatchSettings s = started.settings();
        runningSettings = s;
        jobId.set(info.jobId());
        jobText.set("Job " + info.jobId() + " on " + (s.route() ? "the router's models"
                : s.model() == null ? "each row's model" : s.model())
                + (s.profile() == null ? "" : " · " + s.profile()));
        handle = started.handle();
        follower.start(started.handle());
    }

    /** Follows a started run to its end: its summary is made off the UI thread, then shown; then {@code done}. */
    private void follow(Started started, CompletableFuture<BatchSummary> done) {
        BatchService.JobInfo info = started.info();
        BatchEngine.Handle h = started.handle();
        AtomicReference<String> stopped = new AtomicReference<>();
        CompletableFuture<BatchSummary> summarized = tasks.thenWork(h.result(), outcome -> {
            stopped.set(outcome.stopText());
            return jobs.finish(info.jobId(), started.settings(), outcome);
        });
        tasks.follow("the batch job " + info.jobId(), summarized, summary -> {
            ended(h);
            lastSummary = summary;
            lastSummaryJob = info.jobId();
            stopText.set(stopped.get() == null ? "" : stopped.get());
            summaryText.set((stopped.get() == null ? "" : stopped.get() + "\n") + summary.describe().strip());
            state.set(State.FINISHED);
        }, m -> {
            ended(h);
            error.set("The batch stopped: " + m + ". It can be resumed.");
            state.set(State.FAILED);
        }).whenComplete((summary, err) -> follower.refreshNow(jobId.get()).whenComplete((v, e2) -> {
            if (err != null) {
                done.completeExceptionally(Tasks.cause(err));
            } else {
                done.complete(summary);
            }
        }));
    }

    private void ended(BatchEngine.Handle h) {
        follower.stop();
        handle = null;
        applyProgress(h.progress());
    }

    private void applyProgress(BatchProgress p) {
        figures.apply(p);
        if (state.get() == State.RUNNING && p.paused()) {
            state.set(State.PAUSED);
        } else if (state.get() == State.PAUSED && !p.paused()) {
            state.set(State.RUNNING);
        }
    }

    public void pause() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            control("pausing the batch", h::pause);
            state.set(State.PAUSED);
        }
    }

    public void resumeRun() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            control("resuming the batch", h::resume);
            state.set(State.RUNNING);
        }
    }

    public void cancel() {
        BatchEngine.Handle h = handle;
        if (h != null) {
            control("cancelling the batch", h::cancel);
        }
    }

    /** Pause, resume and cancel take the engine's lock: off the UI thread, a failure said in the error line. */
    private void control(String what, Runnable action) {
        tasks.exec(what, action::run, () -> { }, m -> error.set("Could not finish " + what + ": " + m));
    }

    /** Writes the job's results as the batch engine exports them ({@code jsonl} or {@code csv}). */
    public CompletableFuture<Void> export(Path output, String format) {
        String id = jobId.get();
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing run yet"));
        }
        return tasks.exec("exporting job " + id, () -> jobs.export(id, output, format), () -> error.set(""),
                error::set);
    }

    /** Writes the job's JSON summary. */
    public CompletableFuture<Void> exportSummary(Path output) {
        String id = jobId.get();
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing run yet"));
        }
        // the summary the run ended with (its wall time is the run's); else one made from the stored results
        BatchSummary known = id.equals(lastSummaryJob) ? lastSummary : null;
        return tasks.exec("exporting the summary of job " + id, () -> jobs.exportSummary(id, known, output),
                () -> error.set(""), error::set);
    }

    /** Ends the poller (the view is closed for good). */
    public void dispose() {
        follower.stop();
        remote.dispose();
    }


    public boolean isActive() {
        return state.get() == State.RUNNING || state.get() == State.PAUSED;
    }

    /** Completes when the current run ended and the panel shows its last state. */
    public CompletableFuture<BatchSummary> finished() {
        return finished;
    }

    public ObjectProperty<State> stateProperty() { return state; }
    public ObjectProperty<Path> fileProperty() { return file; }
    public StringProperty fileSummaryProperty() { return fileSummary; }
    public StringProperty errorProperty() { return error; }
    public ObservableList<Entry> entries() { return rows.entries(); }
    public FilteredList<Entry> results() { return rows.results(); }
    /** The status the results table shows; null: every status. */
    public ObjectProperty<ItemStatus> filterProperty() { return rows.filterProperty(); }
    /** {@link #filterProperty()} by the status's export name ("invalid", "not_run"), or {@link #ALL}. */
    public StringProperty statusFilterProperty() { return rows.filterNameProperty(); }
    /** True while the results table is sorted: a refresh then re-sorts it (set by the view). */
    public BooleanProperty liveSortProperty() { return rows.liveSortProperty(); }
    public ObservableList<String> models() { return form.models(); }
    public ObservableList<String> profiles() { return form.profiles(); }
    public StringProperty modelProperty() { return form.modelProperty(); }
    public StringProperty profileProperty() { return form.profileProperty(); }
    public BooleanProperty routeProperty() { return form.routeProperty(); }
    public StringProperty concurrencyProperty() { return form.concurrencyProperty(); }
    public ObjectProperty<Priority> priorityProperty() { return form.priorityProperty(); }
    public StringProperty rpmProperty() { return form.rpmProperty(); }
    public StringProperty tpmProperty() { return form.tpmProperty(); }
    public StringProperty budgetProperty() { return form.budgetProperty(); }
    public StringProperty maxTokensProperty() { return form.maxTokensProperty(); }
    public StringProperty dryRunTextProperty() { return dryRunText; }
    public DoubleProperty progressProperty() { return figures.progressProperty(); }
    public StringProperty countsTextProperty() { return figures.countsProperty(); }
    public StringProperty retriesTextProperty() { return figures.retriesProperty(); }
    /** The run's limiter in words ("limiter: limited by provider: 240/min, remaining 0, resets in 0.8 s"). */
    public StringProperty limiterTextProperty() { return figures.limiterProperty(); }
    public StringProperty spendTextProperty() { return figures.spendProperty(); }
    public StringProperty etaTextProperty() { return figures.etaProperty(); }
    public StringProperty summaryTextProperty() { return summaryText; }
    /** Why the last run stopped before its end (budget, cancel), for the header; empty when it ran to the end. */
    public StringProperty stopTextProperty() { return stopText; }
    /** The job the panel shows ("Job 3f2a… on qwen-plus · Simulator"): the table's rows are its items. */
    public StringProperty jobTextProperty() { return jobText; }
    /** The current job's failed rows ("Retry failed" sends them). */
    public javafx.beans.property.ReadOnlyIntegerProperty failedCountProperty() { return figures.failedProperty(); }
    /** The current job's rows not run ("Continue" sends them). */
    public javafx.beans.property.ReadOnlyIntegerProperty notRunCountProperty() { return figures.notRunProperty(); }
    public StringProperty jobIdProperty() { return jobId; }
    public ObservableList<BatchService.JobInfo> interrupted() { return interrupted; }
    /** The provider batch mode of the panel. */
    public RemoteJobViewModel remote() { return remote; }
}
