package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.service.batch.BatchInput;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.store.RemoteShardStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The desktop's provider batch jobs over {@link RemoteBatchService}: each call names a job, which keeps its
 * settings; the provider is the one those settings name (the composition root's targets, never another one
 * silently). Blocking, each on the caller's thread: called off the UI thread.
 */
public final class RemoteJobs {
    private static final Set<JobStatus> UNFINISHED = Set.of(JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.INTERRUPTED);

    private final Supplier<RemoteBatchService> remote;
    private final BatchService batches;
    private final RemoteShardStore shards;
    private final Function<String, BatchTarget> targets;
    private final Runnable wake;

    /**
     * @param remote  the service over the current prices (a new one after a price change)
     * @param targets where a job's batches go, by its settings' profile name (null: the default provider)
     * @param wake    cuts the service's current wait between two polls short (after a cancel)
     */
    public RemoteJobs(Supplier<RemoteBatchService> remote, BatchService batches, RemoteShardStore shards,
                      Function<String, BatchTarget> targets, Runnable wake) {
        this.remote = Objects.requireNonNull(remote);
        this.batches = Objects.requireNonNull(batches);
        this.shards = Objects.requireNonNull(shards);
        this.targets = Objects.requireNonNull(targets);
        this.wake = Objects.requireNonNull(wake);
    }

    /** A file's worst case live and on the provider's batch service (both from one pricing of its valid rows). */
    public record Estimate(int rows, int invalid, RemoteDryRun dryRun) {
        /** The two prices in words, the saving, the files and batches and the window. */
        public String describe() {
            RemoteDryRun d = dryRun;
            return String.format(Locale.ROOT, "%d rows (%d invalid, not sent). Live from this computer: worst case $%s. "
                            + "Provider batch service: worst case $%s, saving $%s; %d %s in %d %s, completion window %s.%s",
                    rows, invalid, Amounts.plain(d.liveUsd()), Amounts.plain(d.batchUsd()), Amounts.plain(d.savingUsd()), d.files(),
                    d.files() == 1 ? "file" : "files", d.files(), d.files() == 1 ? "batch" : "batches",
                    d.completionWindow(), d.unpriced() == 0 ? "" : " " + d.unpriced() + " rows have no price (not counted).");
        }

        /** The two prices, the saving, the batches and the window on one short line (the panel's). */
        public String brief() {
            RemoteDryRun d = dryRun;
            return String.format(Locale.ROOT, "Live: worst case $%s · provider batch: worst case $%s, saving $%s · %d %s, "
                    + "window %s%s", Amounts.plain(d.liveUsd()), Amounts.plain(d.batchUsd()), Amounts.plain(d.savingUsd()), d.files(),
                    d.files() == 1 ? "batch" : "batches", d.completionWindow(),
                    d.unpriced() == 0 ? "" : " · " + d.unpriced() + " rows without a price");
        }
    }

    /** What a running job stands at: its items by status and its shards, as stored, and the figures of them. */
    public record Progress(Map<ItemStatus, Integer> counts, List<RemoteShardRecord> shards) {
        public Progress {
            counts = Map.copyOf(counts);
            shards = List.copyOf(shards);
        }

        public int count(ItemStatus s) {
            return counts.getOrDefault(s, 0);
        }

        /** Every row of the job, the invalid ones included. */
        public int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The rows that are sent: every row but the invalid ones. */
        public int valid() {
            return total() - count(ItemStatus.INVALID);
        }

        /** The rows whose result has not come back yet: pending or in flight. */
        public int waiting() {
            return count(ItemStatus.PENDING) + count(ItemStatus.IN_FLIGHT);
        }

        /** The rows {@link RemoteJobs#requeueFailedAndNotRun} sends again: the failed and the not run. */
        public int retryable() {
            return count(ItemStatus.FAILED) + count(ItemStatus.NOT_RUN);
        }

        /** {@code 3/10 done · 1 failed · 6 not back yet · 0 not run · 0 invalid}. */
        public String describe() {
            return String.format(Locale.ROOT, "%d/%d done · %d failed · %d not back yet · %d not run · %d invalid",
                    count(ItemStatus.DONE), valid(), count(ItemStatus.FAILED), waiting(), count(ItemStatus.NOT_RUN),
                    count(ItemStatus.INVALID));
        }
    }

    /** The provider's limits for the settings' provider, with the completion window and poll interval given. */
    public RemoteSettings settingsFor(BatchSettings s, String window, Duration poll) {
        if (window == null || !window.strip().matches("\\d+[hd]")) {
            throw new IllegalArgumentException("the completion window must be hours or days, like 24h or 7d; was "
                    + window);
        }
        if (poll != null && (poll.isNegative() || poll.isZero())) {
            throw new IllegalArgumentException("the poll interval must be more than 0 s");
        }
        return RemoteSettings.defaults(targets.apply(s.profile()).profile().dialect()).with(null, null, window.strip(),
                poll);
    }

    /** Prices the file's valid rows worst case, live and at the batch price, and counts the files they make. */
    public Estimate estimate(Path input, BatchSettings s, String window, Duration poll) {
        RemoteSettings rs = settingsFor(s, window, poll);
        List<BatchRow> rows = new ArrayList<>();
        int invalid = 0;
        try (BatchInput.Rows it = BatchInput.open(input, BatchInput.DEFAULT_MAX_LINE_BYTES)) {
            while (it.hasNext()) {
                BatchInput.Row r = it.next();
                if (r.valid()) {
                    rows.add(r.row());
                } else {
                    invalid++;
                }
            }
        }
        return new Estimate(rows.size(), invalid, remote.get().dryRun(rows, targets.apply(s.profile()).profile(), s, rs));
    }

    /** A new job of the file's rows, to be run by the provider's batch engine (nothing is sent yet). */
    public BatchService.JobInfo create(Path input, BatchSettings s, String window, Duration poll) {
        RemoteSettings rs = settingsFor(s, window, poll);
        BatchService.JobInfo info = batches.create(input, s, "jsonl");
        shards.setEngine(info.jobId(), RemoteShardStore.PROVIDER_BATCH, rs.toJson());
        return info;
    }

    /** Plans, uploads and creates the batch of every shard not yet submitted (a shard uploaded before is not uploaded again). */
    public void submit(String jobId, RemoteListener listener) {
        BatchSettings s = settings(jobId);
        remote.get().submit(jobId, targets.apply(s.profile()), s, listener);
    }

    /** Polls until every shard is terminal, reconciling each as it ends. */
    public void await(String jobId, RemoteListener listener) throws InterruptedException {
        remote.get().await(jobId, targets.apply(settings(jobId).profile()), listener);
    }

    /** Writes the job's export and summary; the wall time runs from the job's creation. */
    public RemoteSummary finish(String jobId) {
        BatchService.JobInfo info = batches.info(jobId);
        return remote.get().finish(jobId, info.settings(), info.createdAt());
    }

    /** Cancels every unfinished shard at the provider; the next look at them comes at once. */
    public int cancel(String jobId) {
        int n = remote.get().cancel(jobId, targets.apply(settings(jobId).profile()));
        wake.run();
        return n;
    }

    /** Puts the failed and not-run rows back, so that the next {@link #submit} sends only them, as new shards. */
    public int requeueFailedAndNotRun(String jobId) {
        return remote.get().retryFailedAndNotRun(jobId);
    }

    public Progress progress(String jobId) {
        return new Progress(batches.store().counts(jobId), remote.get().shards(jobId));
    }

    public RemoteSettings remoteSettings(String jobId) {
        return remote.get().remoteSettings(jobId);
    }

    public boolean isRemote(String jobId) {
        return remote.get().isRemote(jobId);
    }

    /** Provider batch jobs a previous session left running (their batches may still run at the provider), newest first. */
    public List<BatchService.JobInfo> unfinished() {
        return batches.store().listJobs().stream().filter(j -> UNFINISHED.contains(j.status()))
                .filter(j -> remote.get().isRemote(j.id())).map(j -> batches.info(j.id())).toList();
    }

    private BatchSettings settings(String jobId) {
        return batches.info(jobId).settings();
    }

}
