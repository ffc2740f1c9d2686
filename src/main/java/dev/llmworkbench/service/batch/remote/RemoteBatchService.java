package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.client.ApiException;
import com.google.gson.GsonBuilder;
import dev.llmworkbench.client.BatchClient;
import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RemoteBatch;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.domain.ShardState;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.service.batch.RowPlans;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.store.RemoteShardStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a batch job on a provider's own batch engine (OpenAI-compatible files + batches), crash-safe: the
 * job's rows are cut into shards ({@link ShardPlanner}), each shard's state is stored before and after every
 * provider call ({@link RemoteShardStore}), each batch carries {@code metadata {"workbench_job",
 * "workbench_shard"}} and, on resume, a shard whose creation was under way is first looked for with
 * {@code GET /batches}; so no shard is created twice as a batch, an uploaded file is never uploaded again and
 * no result is lost. Then it polls (at most once per the job's poll interval, longer after errors, honouring
 * Retry-After) and reconciles each terminal batch ({@link Reconciler}). Blocking, on the caller's thread;
 * waits go through the injected {@link Waiter}.
 */
public final class RemoteBatchService {
    /** The most a poll waits after repeated errors. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    /** A seam for tests: called after each provider call, before its answer is stored (a crash there). */
    @FunctionalInterface
    interface Steps {
        void after(String step, int shardNo);
    }

    private final BatchService batches;
    private final RemoteShardStore shards;
    private final ChatService chat;
    private final Path workDir;
    private final Clock clock;
    private final Waiter waiter;
    private Steps steps = (s, n) -> { };

    public RemoteBatchService(BatchService batches, RemoteShardStore shards, ChatService chat, Path workDir,
                              Clock clock, Waiter waiter) {
        this.batches = Objects.requireNonNull(batches);
        this.shards = Objects.requireNonNull(shards);
        this.chat = Objects.requireNonNull(chat);
        this.workDir = Objects.requireNonNull(workDir);
        this.clock = Objects.requireNonNull(clock);
        this.waiter = Objects.requireNonNull(waiter);
    }

    void steps(Steps s) {
        this.steps = s;
    }

    /** Reads the input (lines up to {@code maxLineBytes}) into a new job run by the provider's batch engine. */
    public BatchService.Prepared create(Path input, Path output, String format, BatchSettings settings,
                                        RemoteSettings remote, String provider, long maxLineBytes) {
        BatchService.Prepared p = batches.create(input, output, format, settings, provider, maxLineBytes);
        shards.setEngine(p.job().id(), RemoteShardStore.PROVIDER_BATCH, remote.toJson());
        return p;
    }

    /** Whether the job is run by a provider's batch engine. */
    public boolean isRemote(String jobId) {
        return batches.store().engine(jobId).map(RemoteShardStore.PROVIDER_BATCH::equals).orElse(false);
    }

    public RemoteSettings remoteSettings(String jobId) {
        return shards.remoteJson(jobId).map(RemoteSettings::fromJson)
                .orElseThrow(() -> new RemoteBatchException("job " + jobId + " is not a provider batch job", null));
    }

    public BatchJobRecord job(String jobId) {
        return batches.job(jobId).orElseThrow(() -> new RemoteBatchException("no batch job " + jobId, null));
    }

    /** Every shard of the job as last stored. */
    public List<RemoteShardRecord> shards(String jobId) {
        return shards.shards(jobId);
    }

    private Path dir(String jobId) {
        return workDir.resolve(jobId);
    }

    /** Cuts the job's rows not yet in a shard into new shards (nothing when every row has one). */
    public List<RemoteShardRecord> plan(String jobId, ProviderProfile profile, BatchSettings settings) {
        List<BatchItemRecord> todo = shards.unplannedItems(jobId);
        if (!todo.isEmpty()) {
            ShardPlanner planner = new ShardPlanner(profile, new RowPlans(chat, profile, settings),
                    remoteSettings(jobId));
            ShardPlanner.Result r = planner.plan(todo, shards.nextShardNo(jobId), dir(jobId));
            if (!r.refused().isEmpty()) {
                shards.markInvalid(jobId, r.refused());
            }
            shards.addShards(jobId, r.shards());
        }
        return shards.shards(jobId);
    }

    /** The wire client of a target (its profile, key and timeouts). */
    static BatchClient client(BatchTarget target) {
        return new BatchClient(target.profile(), target.key(), target.timeouts(), null);
    }

    /** {@link #submit(String, ProviderProfile, BatchSettings, BatchClient, RemoteListener)} to the target. */
    public void submit(String jobId, BatchTarget target, BatchSettings settings, RemoteListener listener) {
        submit(jobId, target.profile(), settings, client(target), listener);
    }

    /** {@link #await(String, ProviderProfile, BatchClient, RemoteListener)} at the target. */
    public void await(String jobId, BatchTarget target, RemoteListener listener) throws InterruptedException {
        await(jobId, target.profile(), client(target), listener);
    }

    /** {@link #cancel(String, BatchClient)} at the target. */
    public int cancel(String jobId, BatchTarget target) {
        return cancel(jobId, client(target));
    }

    /**
     * Uploads and creates the batch of every shard not yet submitted, in order, each step stored before and
     * after its call. A shard the provider refuses (a 400) is {@code not_submitted}, its rows {@code not_run}
     * with the provider's message; any other error stops here (a resume goes on).
     */
    void submit(String jobId, ProviderProfile profile, BatchSettings settings, BatchClient client,
                RemoteListener listener) {
        List<RemoteShardRecord> all = plan(jobId, profile, settings);
        batches.store().updateJobStatus(jobId, JobStatus.RUNNING);
        int count = all.size();
        for (RemoteShardRecord s : all) {
            if (s.state().finished() || s.state() == ShardState.SUBMITTED) {
                continue;
            }
            try {
                RemoteShardRecord now = submitOne(jobId, s, profile, settings, client);
                if (now.state() == ShardState.SUBMITTED) {
                    listener.submitted(now, count);
                }
            } catch (ApiException e) {
                if (e.error().kind() == ApiError.Kind.BAD_REQUEST) {
                    shards.finishShard(jobId, s.shardNo(), ShardState.NOT_SUBMITTED,
                            "the provider refused shard " + s.shardNo() + ": " + e.error().message());
                } else {
                    throw failure("shard " + s.shardNo() + " was not submitted", e);
                }
            }
        }
    }

    private RemoteShardRecord submitOne(String jobId, RemoteShardRecord s, ProviderProfile profile,
                                        BatchSettings settings, BatchClient client) throws ApiException {
        int no = s.shardNo();
        String fileId = s.fileId();
        BigDecimal reserve = null;
        if (settings.budgetUsd() != null && s.state() != ShardState.CREATING) {
            // the shard's worst case at the batch price is reserved before its batch is created
            reserve = worstAtBatchPrice(rows(shards.shardItems(jobId, no)), profile, settings).batchUsd();
            BigDecimal committed = committed(jobId);
            if (committed.add(reserve).compareTo(settings.budgetUsd()) > 0) {
                shards.finishShard(jobId, no, ShardState.NOT_SUBMITTED, "over the budget: shard " + no
                        + "'s worst case at the batch price is $" + Amounts.plain(reserve) + ", $" + Amounts.plain(committed) + " of $"
                        + Amounts.plain(settings.budgetUsd()) + " is spent or reserved");
                return shards.shard(jobId, no).orElseThrow();
            }
        }
        if (s.state() == ShardState.PLANNED || s.state() == ShardState.UPLOADING) {
            Path file = shardFile(jobId, s, profile, settings);
            String name = jobId + "-shard-" + no + ".jsonl";
            // an upload cut short before its file id was stored: the provider may have the file already
            fileId = s.state() == ShardState.UPLOADING ? ProviderBatches.findFile(client, name, s.bytes()) : null;
            if (fileId == null) {
                shards.setState(jobId, no, ShardState.UPLOADING);
                fileId = client.uploadFile(file, name).id();
                steps.after("uploaded", no);
            }
            shards.recordUpload(jobId, no, fileId);
        }
        String batchId = null;
        if (s.state() == ShardState.CREATING) {
            batchId = ProviderBatches.find(client, jobId, no);
        }
        if (batchId == null) {
            shards.markCreating(jobId, no, reserve != null ? reserve : s.reservedUsd());
            RemoteSettings rs = remoteSettings(jobId);
            batchId = client.createBatch(fileId, dev.llmworkbench.client.BatchLines.ENDPOINT, rs.completionWindow(),
                    Map.of("workbench_job", jobId, "workbench_shard", String.valueOf(no))).id();
            steps.after("created", no);
        }
        shards.recordBatch(jobId, no, batchId);
        return shards.shard(jobId, no).orElseThrow();
    }

    /** The shard's file, written again from its rows when it is gone (and checked against the stored hash). */
    private Path shardFile(String jobId, RemoteShardRecord s, ProviderProfile profile, BatchSettings settings) {
        Path file = Path.of(s.filePath());
        if (Files.isRegularFile(file)) {
            return file;
        }
        ShardPlanner planner = new ShardPlanner(profile, new RowPlans(chat, profile, settings), remoteSettings(jobId));
        String sha = planner.rewrite(shards.shardItems(jobId, s.shardNo()), file);
        if (!sha.equals(s.fileSha256())) {
            throw new RemoteBatchException("the file of shard " + s.shardNo() + " came out different when written "
                    + "again (the rows or settings changed); it was not uploaded", null);
        }
        return file;
    }

    /**
     * Polls every submitted shard until all are terminal, reconciling each as it ends. Waits the poll
     * interval between rounds; after a retryable error, doubles it each time (up to {@link #MAX_BACKOFF})
     * and never less than the provider's Retry-After.
     */
    void await(String jobId, ProviderProfile profile, BatchClient client, RemoteListener listener)
            throws InterruptedException {
        Duration poll = remoteSettings(jobId).poll();
        int errors = 0;
        while (true) {
            List<RemoteShardRecord> open = shards.shards(jobId).stream()
                    .filter(s -> s.state() == ShardState.SUBMITTED).toList();
            if (open.isEmpty()) {
                return;
            }
            Duration wait = poll;
            boolean failedRound = false;
            for (RemoteShardRecord s : open) {
                try {
                    RemoteBatch b = client.getBatch(s.batchId());
                    shards.recordSeen(jobId, s.shardNo(), ProviderBatches.seen(b));
                    if (b.terminal()) {
                        reconcile(jobId, profile, client, shards.shard(jobId, s.shardNo()).orElseThrow(), b);
                        listener.reconciled(shards.shard(jobId, s.shardNo()).orElseThrow());
                    }
                } catch (ApiException e) {
                    if (!e.error().retryable()) {
                        throw failure("shard " + s.shardNo() + " (batch " + s.batchId() + ")", e);
                    }
                    failedRound = true;
                    Duration ra = e.error().retryAfter();
                    if (ra != null && ra.compareTo(wait) > 0) {
                        wait = ra;
                    }
                }
            }
            errors = failedRound ? errors + 1 : 0;
            if (errors > 0) {
                Duration backoff = poll.multipliedBy(1L << Math.min(errors, 10));
                backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
                wait = wait.compareTo(backoff) > 0 ? wait : backoff;
            }
            List<RemoteShardRecord> now = shards.shards(jobId);
            boolean more = now.stream().anyMatch(s -> s.state() == ShardState.SUBMITTED);
            listener.polled(now, more ? wait : Duration.ZERO);
            if (more) {
                waiter.await(wait);
            }
        }
    }

    /** Downloads a terminal batch's files and stores their results; rows left without one become not run. */
    private void reconcile(String jobId, ProviderProfile profile, BatchClient client, RemoteShardRecord s,
                           RemoteBatch b) throws ApiException {
        List<Path> files = new ArrayList<>();
        Path dir = dir(jobId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (b.outputFileId() != null) {
            Path out = dir.resolve("shard-" + s.shardNo() + ".output.jsonl");
            client.downloadFile(b.outputFileId(), out);
            files.add(out);
        }
        if (b.errorFileId() != null) {
            Path err = dir.resolve("shard-" + s.shardNo() + ".error.jsonl");
            client.downloadFile(b.errorFileId(), err);
            files.add(err);
        }
        List<BatchItemRecord> items = shards.shardItems(jobId, s.shardNo());
        Reconciler.Tally t = new Reconciler(batches.store(), shards, chat, profile.name()).read(jobId,
                Reconciler.byCustomId(items), files, s.submittedAt() != null ? s.submittedAt() : clock.instant(),
                clock.instant(), s.model());
        shards.finishShard(jobId, s.shardNo(), ShardState.RECONCILED, ProviderBatches.leftoverReason(b));
        chargeDay(jobId, t);
    }

    /** Counts what a reading stored in the day's spend, as live spend is (the desktop shows it, budgets use it). */
    private void chargeDay(String jobId, Reconciler.Tally t) {
        if (t.costUsd().signum() <= 0) {
            return;
        }
        BatchSettings settings = BatchSettings.fromJson(job(jobId).settingsJson());
        if (chat.ledger().reserve(settings.priority(), BigDecimal.ZERO, 0)
                instanceof BudgetLedger.Granted g) {
            g.reservation().settle(t.costUsd(), t.tokens(), true);
        }
    }

    /** Cancels every unfinished shard: submitted ones at the provider, the others are not submitted any more. */
    int cancel(String jobId, BatchClient client) {
        int cancelled = 0;
        for (RemoteShardRecord s : shards.shards(jobId)) {
            try {
                switch (s.state()) {
                    case SUBMITTED -> {
                        client.cancelBatch(s.batchId());
                        cancelled++;
                    }
                    case CREATING -> {
                        String id = ProviderBatches.find(client, jobId, s.shardNo());
                        if (id != null) {
                            shards.recordBatch(jobId, s.shardNo(), id);
                            client.cancelBatch(id);
                            cancelled++;
                        } else {
                            shards.finishShard(jobId, s.shardNo(), ShardState.NOT_SUBMITTED, "cancelled before "
                                    + "its batch was created");
                        }
                    }
                    case PLANNED, UPLOADING, UPLOADED -> shards.finishShard(jobId, s.shardNo(),
                            ShardState.NOT_SUBMITTED, "cancelled before its batch was created");
                    default -> {
                    }
                }
            } catch (ApiException e) {
                if (e.error().kind() != ApiError.Kind.BAD_REQUEST) { // a 400: it had ended already
                    throw failure("cannot cancel shard " + s.shardNo(), e);
                }
            }
        }
        return cancelled;
    }

    /**
     * Writes the job's shards as OpenAI batch JSONL files into {@code dir} without sending anything (for
     * {@code vllm run-batch} and other offline runners); returns the files.
     */
    public List<Path> exportFiles(String jobId, ProviderProfile profile, BatchSettings settings, Path dir) {
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (RemoteShardRecord s : plan(jobId, profile, settings)) {
                if (s.state().finished()) {
                    continue;
                }
                Path target = dir.resolve("shard-" + s.shardNo() + ".jsonl");
                Files.copy(shardFile(jobId, s, profile, settings), target, StandardCopyOption.REPLACE_EXISTING);
                out.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the batch files into " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** What {@link #importResults} read: lines stored done or failed, lines never run, lines of no row of the job. */
    public record Imported(int done, int failed, int notRun, int unknown) {
    }

    /**
     * Reconciles result files produced elsewhere (the OpenAI output line format, e.g. {@code vllm run-batch})
     * into the job; shards whose every row then has a result or a reason are reconciled.
     */
    public Imported importResults(String jobId, ProviderProfile profile, List<Path> files) {
        List<BatchItemRecord> items = batches.store().items(jobId);
        Reconciler.Tally t = new Reconciler(batches.store(), shards, chat, profile.name()).read(jobId,
                Reconciler.byCustomId(items), files, clock.instant(), clock.instant(), null);
        chargeDay(jobId, t);
        for (RemoteShardRecord s : shards.shards(jobId)) {
            if (!s.state().finished() && shards.shardItems(jobId, s.shardNo()).stream()
                    .noneMatch(i -> i.status() == ItemStatus.PENDING || i.status() == ItemStatus.IN_FLIGHT)) {
                shards.finishShard(jobId, s.shardNo(), ShardState.RECONCILED, null);
            }
        }
        return new Imported(t.done(), t.failed(), t.notRun(), t.unknown());
    }

    /** Prices the rows (worst case) live and at the batch price and counts the files they would make. */
    public RemoteDryRun dryRun(List<BatchRow> rows, ProviderProfile profile, BatchSettings settings,
                               RemoteSettings remote) {
        RowPlans plans = new RowPlans(chat, profile, settings);
        RemotePricing.Worst w = RemotePricing.worst(chat, plans, rows);
        int files = new ShardPlanner(profile, plans, remote).countFiles(rows);
        return new RemoteDryRun(w.liveUsd(), w.batchUsd(), files, remote.completionWindow(), w.unpriced());
    }

    private RemotePricing.Worst worstAtBatchPrice(List<BatchRow> rows, ProviderProfile profile,
                                                  BatchSettings settings) {
        return RemotePricing.worst(chat, new RowPlans(chat, profile, settings), rows);
    }

    private static List<BatchRow> rows(List<BatchItemRecord> items) {
        return items.stream().map(i -> BatchRow.fromJson(i.rowJson())).toList();
    }

    /** What the job has spent (its stored results) and reserved (shards being created or submitted). */
    private BigDecimal committed(String jobId) {
        BigDecimal[] sum = {BigDecimal.ZERO};
        batches.store().forEachItemWithResult(jobId, ir -> {
            if (ir.result() != null && ir.result().costUsd() != null) {
                sum[0] = sum[0].add(ir.result().costUsd());
            }
        });
        for (RemoteShardRecord s : shards.shards(jobId)) {
            if ((s.state() == ShardState.CREATING || s.state() == ShardState.SUBMITTED) && s.reservedUsd() != null) {
                sum[0] = sum[0].add(s.reservedUsd());
            }
        }
        return sum[0];
    }


    /**
     * "Retry failed / not run": puts the job's failed and not-run rows back without a shard (their failed
     * results removed), so that the next {@link #submit} sends only them, as new shards of the same job;
     * returns how many.
     */
    public int retryFailedAndNotRun(String jobId) {
        int n = shards.requeueForRetry(jobId);
        if (n > 0) {
            batches.store().updateJobStatus(jobId, JobStatus.RUNNING);
        }
        return n;
    }

    /** Whether every shard of the job is reconciled or was never submitted. */
    public boolean finished(String jobId) {
        return shards.shards(jobId).stream().allMatch(s -> s.state().finished());
    }

    /** Writes the job's output and summary (with the provider batch fields) and records the summary into its run. */
    public RemoteSummary finish(String jobId, BatchSettings settings, Instant startedAt) {
        BatchJobRecord job = job(jobId);
        batches.store().updateJobStatus(jobId, JobStatus.DONE);
        Duration wall = Duration.between(startedAt, clock.instant());
        BatchSummary summary = batches.finish(job, settings, new BatchOutcome(jobId, JobStatus.DONE, null, null,
                wall.isNegative() ? Duration.ZERO : wall, BigDecimal.ZERO, 0, null, null));
        BigDecimal live = RemotePricing.liveCostOfResults(chat, batches.store(), jobId);
        BigDecimal spent = summary.costUsdTotal() == null ? BigDecimal.ZERO : summary.costUsdTotal();
        RemoteSummary rs = new RemoteSummary(summary, shards.shards(jobId).size(), live, live.subtract(spent));
        if (settings.summaryJson() != null) {
            try {
                Path file = Path.of(settings.summaryJson());
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                Files.writeString(file, new GsonBuilder().serializeNulls().setPrettyPrinting().create()
                        .toJson(rs.toJson()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the summary " + settings.summaryJson() + ": "
                        + e.getMessage(), e);
            }
        }
        return rs;
    }

    private static RemoteBatchException failure(String what, ApiException e) {
        return new RemoteBatchException(what + ": " + e.error().describe(), e.error());
    }
}
