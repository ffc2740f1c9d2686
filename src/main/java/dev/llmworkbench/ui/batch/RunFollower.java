package dev.llmworkbench.ui.batch;

import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.Tasks;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Follows a running job for the panel: every {@link BatchViewModel#REFRESH_MS} ms one hop to the FX thread
 * with the latest progress and, at most every {@link BatchViewModel#ITEMS_REFRESH_MS} ms, the items that
 * changed (the first read of a run takes every item, the next ones what changed since the one before).
 *
 * <p>Threads: {@link #listener}, {@link #start}, {@link #stop} and {@link #refreshNow} on the FX thread
 * (the listener's calls come from the engine); the poll runs on {@code work}.
 */
final class RunFollower {
    private static final Logger LOG = Logger.getLogger(RunFollower.class.getName());
    private final BatchService jobs;
    private final BatchResults rows;
    private final ScheduledExecutorService work;
    private final FxExecutor fx;
    private final Tasks tasks;
    private final Consumer<BatchProgress> onProgress;
    private final Consumer<String> onError;

    private final AtomicReference<BatchProgress> latest = new AtomicReference<>();
    private final AtomicBoolean itemsDirty = new AtomicBoolean();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile long lastItemsNanos;
    /** How long the last read of the items took: the next read waits ITEMS_READ_SHARE times as long. */
    private volatile long lastReadNanos;
    private volatile String currentJob;
    private volatile BatchEngine.Handle handle;
    private ScheduledFuture<?> poller;

    /**
     * @param onProgress the progress, on the FX thread
     * @param onError    a read of the items that failed, in words, on the FX thread
     */
    RunFollower(BatchService jobs, BatchResults rows, ScheduledExecutorService work, FxExecutor fx, Tasks tasks,
                Consumer<BatchProgress> onProgress, Consumer<String> onError) {
        this.jobs = jobs;
        this.rows = rows;
        this.work = work;
        this.fx = fx;
        this.tasks = tasks;
        this.onProgress = onProgress;
        this.onError = onError;
    }

    /** The listener of the job's next run (called on the worker, before the engine starts it). */
    BatchListener listener(String jobId) {
        latest.set(null);
        currentJob = jobId;
        return new BatchListener() {
            @Override
            public void onProgress(BatchProgress p) {
                latest.set(p);
                itemsDirty.set(true);
            }
        };
    }

    /** The run has started: follow it from its first item. */
    void start(BatchEngine.Handle h) {
        stop();
        handle = h;
        rows.cursor(BatchService.ALL_ITEMS);
        poller = work.scheduleWithFixedDelay(this::poll, BatchViewModel.REFRESH_MS, BatchViewModel.REFRESH_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Stops polling (the run ended, or the view is closed for good). */
    void stop() {
        if (poller != null) {
            poller.cancel(false);
            poller = null;
        }
        handle = null;
    }

    private void poll() {
        BatchEngine.Handle h = handle;
        BatchProgress p = h == null ? latest.get() : h.progress();
        List<BatchService.ItemRow> items = null;
        boolean full = false;
        String id = currentJob;
        long now = System.nanoTime();
        long interval = Math.max(BatchViewModel.ITEMS_REFRESH_MS * 1_000_000L,
                BatchViewModel.ITEMS_READ_SHARE * lastReadNanos);
        if (id != null && itemsDirty.get() && now - lastItemsNanos >= interval
                && refreshing.compareAndSet(false, true)) {
            itemsDirty.set(false);
            try {
                long cursor = rows.cursor();
                BatchService.ItemUpdates u = jobs.itemUpdates(id, cursor);
                rows.cursor(u.next());
                items = u.rows();
                full = cursor == BatchService.ALL_ITEMS;
            } catch (RuntimeException e) {
                // the next poll reads again (the items stay marked changed); the final read after the run says it
                itemsDirty.set(true);
                LOG.log(Level.WARNING, "the job's items could not be read", e);
                items = null;
            } finally {
                long end = System.nanoTime();
                lastReadNanos = end - now;
                lastItemsNanos = end;
                refreshing.set(false);
            }
        }
        List<BatchService.ItemRow> read = items;
        boolean allRows = full;
        fx.execute(() -> {
            if (p != null) {
                onProgress.accept(p);
            }
            if (read != null) {
                rows.apply(id, read, allRows);
            }
        });
    }

    /** Reads the job's items now (after a run): what changed when the rows are tied to the items, else all. */
    CompletableFuture<Void> refreshNow(String id) {
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (rows.rowsMapped(id)) {
            // the rows are shown already: what changed since the last read (the store's cursor is exact)
            long cursor = rows.cursor();
            return tasks.call("reading the changed items of job " + id, () -> jobs.itemUpdates(id, cursor), u -> {
                rows.cursor(u.next());
                rows.apply(id, u.rows(), cursor == BatchService.ALL_ITEMS);
            }, onError).thenAccept(u -> { });
        }
        return tasks.call("reading the items of job " + id, () -> jobs.items(id),
                all -> rows.apply(id, all, true), onError).thenAccept(all -> { });
    }
}
