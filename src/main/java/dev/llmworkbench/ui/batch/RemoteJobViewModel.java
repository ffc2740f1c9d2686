package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.remote.RemoteJobs;
import dev.llmworkbench.service.batch.remote.RemoteListener;
import dev.llmworkbench.service.batch.remote.RemoteSettings;
import dev.llmworkbench.service.batch.remote.RemoteSummary;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.Tasks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The batch panel's provider batch mode: the choice between running live from this computer and the provider's
 * batch service, the completion window, the estimate of both, and a provider batch job while it runs: each
 * shard's state and counts, the time since its submission, the next look at the provider, Cancel, the results
 * as shards complete, "Retry failed / not run" as a new provider batch, and the jobs a previous session left
 * running at the provider (offered for watching). Every count comes from the store.
 *
 * <p>Threads: public methods on the FX thread; short work on {@code work}, the blocking submit-and-poll of a
 * job on {@code watchWork} (it waits between polls for as long as the job's poll interval).
 */
public final class RemoteJobViewModel {
    /** The completion windows offered (any {@code Nh} or {@code Nd} may be typed). */
    public static final List<String> WINDOWS = List.of("24h", "48h", "72h", "7d", "14d");

    /** One shard as the table shows it. */
    public record ShardRow(int shard, String state, String counts, int lines, String submitted, String batchId,
                           String note) {
    }

    private final BatchViewModel panel;
    private final BatchResults rows;
    private final RunFollower follower;
    private final RemoteJobs jobs;
    private final ScheduledExecutorService work;
    private final Tasks tasks;
    private final Tasks watchTasks;
    private final FxExecutor fx;
    private final Clock clock = Clock.systemUTC();

    private final BooleanProperty providerBatch = new SimpleBooleanProperty(this, "providerBatch", false);
    private final StringProperty window = new SimpleStringProperty(this, "window", RemoteSettings.DEFAULT_WINDOW);
    private final StringProperty pollSeconds = new SimpleStringProperty(this, "pollSeconds",
            String.valueOf(RemoteSettings.DEFAULT_POLL.toSeconds()));
    private final StringProperty estimate = new SimpleStringProperty(this, "estimate", "");
    private final StringProperty job = new SimpleStringProperty(this, "job");
    private final BooleanProperty watching = new SimpleBooleanProperty(this, "watching", false);
    private final ObservableList<ShardRow> shardRows = FXCollections.observableArrayList();
    private final StringProperty counts = new SimpleStringProperty(this, "counts", "");
    private final StringProperty next = new SimpleStringProperty(this, "next", "");
    private final IntegerProperty retryable = new SimpleIntegerProperty(this, "retryable", 0);
    private final ObservableList<BatchService.JobInfo> offered = FXCollections.observableArrayList();

    private List<RemoteShardRecord> shards = List.of();
    private volatile Instant nextLookAt;
    private ScheduledFuture<?> ticker;
    private CompletableFuture<RemoteSummary> finished = CompletableFuture.completedFuture(null);

    /** {@code jobs} null: no provider batch service here (the choice is not offered). */
    RemoteJobViewModel(BatchViewModel panel, BatchResults rows, RunFollower follower, RemoteJobs jobs,
                       ScheduledExecutorService work, Executor watchWork, FxExecutor fx) {
        this.panel = panel;
        this.rows = rows;
        this.follower = follower;
        this.jobs = jobs;
        this.work = work;
        this.fx = fx;
        this.tasks = new Tasks(work, fx);
        this.watchTasks = new Tasks(watchWork != null ? watchWork : work, fx);
        // another job (a file opened, a live run) takes the panel: the provider batch job is no longer shown
        panel.jobIdProperty().addListener((o, a, b) -> {
            if (b == null || !b.equals(job.get())) {
                job.set(null);
                shardRows.clear();
                counts.set("");
                next.set("");
                retryable.set(0);
            }
        });
    }

    /** Whether the provider batch service can be chosen here. */
    public boolean available() {
        return jobs != null;
    }

    /** Provider batch jobs a previous session left running: offered for watching. */
    public void offer(List<BatchService.JobInfo> unfinished) {
        offered.setAll(unfinished);
    }

    /** The worst case of the loaded file live and on the provider's batch service, in {@link #estimateProperty()}. */
    public CompletableFuture<RemoteJobs.Estimate> estimate() {
        fx.checkUiThread();
        Path f = panel.fileProperty().get();
        if (jobs == null || f == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no file"));
        }
        BatchSettings s;
        Duration poll;
        String w = window.get();
        try {
            s = panel.settings();
            poll = poll();
        } catch (IllegalArgumentException e) {
            panel.errorProperty().set(e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return tasks.call("estimating " + f.getFileName() + " live and as a provider batch",
                () -> jobs.estimate(f, s, w, poll), e -> {
                    estimate.set(e.brief());
                    panel.dryRunTextProperty().set(e.describe());
                    panel.errorProperty().set("");
                }, panel.errorProperty()::set);
    }

    /** Creates a provider batch job of the loaded file, submits it and watches it to its end. */
    public CompletableFuture<RemoteSummary> submit() {
        fx.checkUiThread();
        Path f = panel.fileProperty().get();
        if (jobs == null || f == null || panel.isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        BatchSettings s;
        Duration poll;
        String w = window.get();
        try {
            s = panel.settings();
            poll = poll();
        } catch (IllegalArgumentException e) {
            panel.errorProperty().set(e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        begin();
        rows.cursor(BatchService.ALL_ITEMS);
        return run(tasks.call("creating a provider batch job for " + f.getFileName(), () -> jobs.create(f, s, w, poll),
                info -> show(info.jobId(), s, w), this::notStarted).thenApply(BatchService.JobInfo::jobId), false);
    }

    /** Watches a job a previous session left running: submits what it had not, polls the rest (nothing is uploaded twice). */
    public CompletableFuture<RemoteSummary> watch(BatchService.JobInfo info) {
        fx.checkUiThread();
        if (jobs == null || panel.isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        offered.removeIf(j -> j.jobId().equals(info.jobId()));
        providerBatch.set(true);
        Path input = Path.of(info.inputPath());
        panel.fileProperty().set(input);
        panel.fileSummaryProperty().set(input.getFileName() + ": provider batch job " + info.jobId()
                + ", left running by the last session");
        begin();
        return run(tasks.call("reading job " + info.jobId(), () -> jobs.remoteSettings(info.jobId()),
                rs -> show(info.jobId(), info.settings(), rs.completionWindow()), this::notStarted)
                .thenApply(rs -> info.jobId()), false);
    }

    /** Watches the job shown again (after a failure: the provider unreachable for a while). */
    public CompletableFuture<RemoteSummary> watchAgain() {
        String id = job.get();
        if (id == null || panel.isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        begin();
        return run(CompletableFuture.completedFuture(id), false);
    }

    /** "Retry failed / not run" as a new provider batch: only those rows, as new shards of the same job. */
    public CompletableFuture<RemoteSummary> retryAsBatch() {
        String id = job.get();
        if (id == null || panel.isActive() || retryable.get() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        begin();
        return run(CompletableFuture.completedFuture(id), true);
    }

    /** Cancels the job's unfinished batches at the provider; what they finished is still collected. */
    public CompletableFuture<Void> cancel() {
        String id = job.get();
        if (id == null || !watching.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return tasks.exec("cancelling the provider batch job " + id, () -> jobs.cancel(id),
                () -> panel.stopTextProperty().set("Cancelled: the provider stops the batches; the rows it had not "
                        + "run become not run."), m -> panel.errorProperty().set("Could not cancel: " + m));
    }

    private void begin() {
        panel.errorProperty().set("");
        panel.stopTextProperty().set("");
        panel.summaryTextProperty().set("");
        panel.stateProperty().set(BatchViewModel.State.RUNNING);
        watching.set(true);
        nextLookAt = null;
        next.set("");
    }

    private void show(String id, BatchSettings s, String w) {
        job.set(id);
        panel.jobIdProperty().set(id);
        panel.jobTextProperty().set("Job " + id + " · provider batch" + (s.profile() == null ? "" : " · " + s.profile())
                + " · window " + w);
    }

    private void notStarted(String message) {
        panel.errorProperty().set(message);
        panel.stateProperty().set(panel.fileProperty().get() == null ? BatchViewModel.State.EMPTY
                : BatchViewModel.State.LOADED);
        watching.set(false);
    }

    private CompletableFuture<RemoteSummary> run(CompletableFuture<String> jobId, boolean requeue) {
        CompletableFuture<RemoteSummary> done = new CompletableFuture<>();
        finished = done;
        startTicker();
        jobId.thenCompose(id -> {
            RemoteListener listener = listener(id);
            return watchTasks.call("the provider batch job " + id, () -> {
                if (requeue) {
                    jobs.requeueFailedAndNotRun(id);
                }
                publish(id, jobs.progress(id), true);
                jobs.submit(id, listener);
                jobs.await(id, listener);
                publish(id, jobs.progress(id), true);
                return jobs.finish(id);
            }, this::ended, this::failed);
        }).whenComplete((rs, err) -> fx.execute(() -> {
            stopTicker();
            follower.refreshNow(job.get()).whenComplete((v, e2) -> {
                if (err != null) {
                    done.completeExceptionally(Tasks.cause(err));
                } else {
                    done.complete(rs);
                }
            });
        }));
        return done;
    }

    private void ended(RemoteSummary rs) {
        watching.set(false);
        nextLookAt = null;
        next.set("");
        panel.summaryTextProperty().set(rs.summary().describe().strip() + "\n" + rs.describe());
        panel.stateProperty().set(BatchViewModel.State.FINISHED);
    }

    private void failed(String message) {
        watching.set(false);
        nextLookAt = null;
        next.set("");
        panel.errorProperty().set("The provider batch job stopped: " + message + ". What was collected is kept; "
                + "Watch again goes on where it stopped.");
        panel.stateProperty().set(BatchViewModel.State.FAILED);
    }

    /** The service's events, on the watch thread: the stored state read there, shown with one hop each. */
    private RemoteListener listener(String id) {
        return new RemoteListener() {
            @Override
            public void submitted(RemoteShardRecord shard, int count) {
                publish(id, jobs.progress(id), false);
            }

            @Override
            public void polled(List<RemoteShardRecord> now, Duration wait) {
                nextLookAt = wait.isZero() ? null : clock.instant().plus(wait);
                publish(id, jobs.progress(id), false);
            }

            @Override
            public void reconciled(RemoteShardRecord shard) {
                publish(id, jobs.progress(id), true);
            }
        };
    }

    private void publish(String id, RemoteJobs.Progress p, boolean items) {
        fx.execute(() -> {
            if (!id.equals(job.get())) {
                return;
            }
            shards = p.shards();
            counts.set(p.describe());
            retryable.set(p.retryable());
            tick();
            if (items) {
                follower.refreshNow(id);
            }
        });
    }

    private void tick() {
        Instant now = clock.instant();
        shardRows.setAll(shards.stream().map(s -> row(s, now)).toList());
        Instant at = nextLookAt;
        next.set(!watching.get() || at == null ? "" : "next look at the provider in "
                + ago(Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at)));
    }

    private void startTicker() {
        stopTicker();
        ticker = work.scheduleAtFixedRate(() -> fx.execute(this::tick), 1, 1, TimeUnit.SECONDS);
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    static ShardRow row(RemoteShardRecord s, Instant now) {
        String state = s.state().finished()
                ? s.state().wireName().replace('_', ' ') + (s.providerStatus() == null ? "" : " (" + s.providerStatus() + ")")
                : s.providerStatus() != null ? s.providerStatus() : s.state().wireName();
        String c = s.total() == 0 && s.completed() == 0 && s.failed() == 0 ? "–"
                : s.completed() + "/" + s.total() + (s.failed() > 0 ? ", " + s.failed() + " failed" : "");
        String since = s.submittedAt() == null ? "" : ago(Duration.between(s.submittedAt(), now)) + " ago";
        return new ShardRow(s.shardNo(), state, c, s.lines(), since, s.batchId() == null ? "" : s.batchId(),
                s.error() == null ? "" : s.error());
    }

    static String ago(Duration d) {
        long sec = Math.max(0, d.toSeconds());
        if (sec < 60) {
            return sec + " s";
        }
        if (sec < 3600) {
            return sec / 60 + " min " + sec % 60 + " s";
        }
        return sec / 3600 + " h " + sec % 3600 / 60 + " min";
    }

    private Duration poll() {
        Double sec = NumberFields.decimal(pollSeconds.get(), "look every");
        if (sec == null) {
            return null;
        }
        if (!(sec > 0)) {
            throw new IllegalArgumentException("look every must be more than 0 seconds, was '"
                    + pollSeconds.get().strip() + "'");
        }
        return Duration.ofMillis(Math.round(sec * 1000));
    }

    /** Stops the ticker (the view is closed for good); a job's watch ends with the app's threads. */
    void dispose() {
        stopTicker();
    }

    /** Completes when the current job's watch ended and the panel shows its last state. */
    public CompletableFuture<RemoteSummary> finished() {
        return finished;
    }

    /** True: the provider's batch service; false: live from this computer. */
    public BooleanProperty providerBatchProperty() { return providerBatch; }
    /** The completion window ({@code 24h} by default; DashScope takes up to {@code 336h} / {@code 14d}). */
    public StringProperty windowProperty() { return window; }
    /** How often the provider is asked, in seconds (default 30). */
    public StringProperty pollSecondsProperty() { return pollSeconds; }
    public ReadOnlyStringProperty estimateProperty() { return estimate; }
    /** The provider batch job the panel shows, or null. */
    public ReadOnlyStringProperty jobProperty() { return job; }
    /** True while a job is being submitted or polled. */
    public ReadOnlyBooleanProperty watchingProperty() { return watching; }
    public ObservableList<ShardRow> shards() { return shardRows; }
    /** The job's rows by status, from the store. */
    public ReadOnlyStringProperty countsProperty() { return counts; }
    /** When the next look at the provider comes ("next look at the provider in 12 s"), while watching. */
    public ReadOnlyStringProperty nextProperty() { return next; }
    /** The job's failed and not-run rows ("Retry failed / not run" sends them). */
    public ReadOnlyIntegerProperty retryableProperty() { return retryable; }
    public ObservableList<BatchService.JobInfo> offered() { return offered; }
}
