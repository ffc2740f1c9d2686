package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.batch.ItemPlanner.Prepared;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ResultRecords;
import dev.llmworkbench.store.BatchStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a stored batch job: sends its pending items through {@link ChatService} (limiter, retries, budget)
 * with at most {@code concurrency} in flight, commits each result the moment its request ends
 * ({@link BatchStore#complete}), and never sends an item that has a stored result. The run's budget is a
 * hard cap that is used to the end: an item it refuses waits for the items in flight to settle; with none in
 * flight its output is cut to what is left ({@link ItemPlanner}); only an item that cannot be covered even so
 * stops the run, the rest ending {@code not_run}. Starting a job that a crashed process left behind first
 * requeues its in-flight items (sent again, their reservations released: the spend is what is recorded).
 *
 * <p>Threads: the dispatcher runs on the executor given to the constructor (one task per run); listeners
 * are called on it and on the service's and client's threads.
 */
public final class BatchEngine {
    private static final Logger LOG = Logger.getLogger(BatchEngine.class.getName());
    private static final int PAGE = 512;

    /** Where a run's requests go: a profile, its key (never stored) and timeouts. */
    public record Target(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
    }

    /**
     * How a run ended. {@code stopReason}: null when it ran to the end, else {@code budget} or
     * {@code cancelled}; {@code stopDetail} says why in words (or null). {@code resent}: items that were
     * in flight when an earlier process died, sent again by this run (their reservations were released,
     * not counted as spent: {@code requeuedReservationUsd} is what they had reserved). {@code limiter}: the
     * state of the run's busiest limiter key at the end, or null when nothing was sent.
     */
    public record Outcome(String jobId, JobStatus status, String stopReason, BatchProgress progress, Duration wall,
                          BigDecimal requeuedReservationUsd, int resent, String stopDetail, RateLimiter.State limiter) {
    }

    private final ChatService chat;
    private final BatchStore store;
    private final Executor dispatcher;
    private final Ticker ticker;
    private final Clock clock;

    public BatchEngine(ChatService chat, BatchStore store, Executor dispatcher, Ticker ticker, Clock clock) {
        this.chat = chat;
        this.store = store;
        this.dispatcher = dispatcher;
        this.ticker = ticker;
        this.clock = clock;
    }

    /**
     * Starts (or resumes) the job; returns at once. Items an earlier run left {@code not_run} (a cancel, a
     * budget stop) are sent too.
     */
    public Handle start(String jobId, Target target, BatchSettings settings, BatchListener listener) {
        return start(jobId, target, settings, listener, false);
    }

    /**
     * As {@link #start(String, Target, BatchSettings, BatchListener)}; with {@code pendingOnly} the items
     * left {@code not_run} stay so and only the pending ones are sent (a retry of the failed items, which
     * the store has put back to pending).
     */
    public Handle start(String jobId, Target target, BatchSettings settings, BatchListener listener,
                        boolean pendingOnly) {
        Handle h = new Handle(jobId, target, settings, listener == null ? BatchListener.NONE : listener, pendingOnly);
        dispatcher.execute(h::runSafely);
        return h;
    }

    /** A run under way: pause, resume, cancel, or wait for its outcome. */
    public final class Handle {
        private final String jobId;
        private final Target target;
        private final BatchSettings settings;
        private final BatchListener listener;
        private final boolean pendingOnly;
        private final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private final Map<Long, ChatRun> running = new ConcurrentHashMap<>();
        private final Set<LimiterKey> keys = ConcurrentHashMap.newKeySet();
        private String stopDetail;
        private final Object lock = new Object();
        private RunBudget budget;
        private ItemPlanner planner;
        private long startNanos;
        private int total;
        private int invalid;
        private int pending;
        private int inFlight;
        private int done;
        private int failed;
        private int notRun;
        private int retries;
        private int finishedHere;
        private long promptTokens;
        private long completionTokens;
        private boolean paused;
        private boolean cancelled;
        private String stopReason;

        private Handle(String jobId, Target target, BatchSettings settings, BatchListener listener,
                       boolean pendingOnly) {
            this.jobId = jobId;
            this.target = target;
            this.settings = settings;
            this.listener = listener;
            this.pendingOnly = pendingOnly;
        }

        public String jobId() {
            return jobId;
        }

        public CompletableFuture<Outcome> result() {
            return result;
        }

        /** Stops sending new items; those in flight finish. */
        public void pause() {
            synchronized (lock) {
                if (!paused && !cancelled) {
                    paused = true;
                    store.updateJobStatus(jobId, JobStatus.PAUSED);
                }
                lock.notifyAll();
            }
            listener.onProgress(progress());
        }

        public void resume() {
            synchronized (lock) {
                if (paused && !cancelled) {
                    paused = false;
                    store.updateJobStatus(jobId, JobStatus.RUNNING);
                }
                lock.notifyAll();
            }
            listener.onProgress(progress());
        }

        /** Stops sending, cancels the requests in flight; the items not finished end {@code not_run}. */
        public void cancel() {
            List<ChatRun> runs;
            synchronized (lock) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                if (stopReason == null) {
                    stopReason = "cancelled";
                }
                runs = new ArrayList<>(running.values());
                lock.notifyAll();
            }
            runs.forEach(ChatRun::cancel);
        }

        public BatchProgress progress() {
            synchronized (lock) {
                Duration elapsed = Duration.ofNanos(Math.max(0, ticker.nanos() - startNanos));
                Duration eta = null;
                if (finishedHere > 0) {
                    long left = pending + inFlight;
                    eta = Duration.ofNanos((long) ((double) elapsed.toNanos() / finishedHere * left));
                }
                RateLimiter.State limiter = limiterState();
                return new BatchProgress(total, pending, inFlight, done, failed, notRun, invalid, retries,
                        promptTokens, completionTokens, budget == null ? BigDecimal.ZERO : budget.spent(), elapsed,
                        eta, paused, limiter == null ? null : limiter.describe());
            }
        }

        /** The state of the run's limiter key that holds it back most (a paused or slowed one first). */
        private RateLimiter.State limiterState() {
            RateLimiter.State best = null;
            for (LimiterKey k : keys) {
                RateLimiter.State st = chat.limiter().state(k);
                if (best == null || st.severity() > best.severity()) {
                    best = st;
                }
            }
            return best;
        }

        private void runSafely() {
            try {
                run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "batch " + jobId + " stopped by an error", e);
                try {
                    store.updateJobStatus(jobId, JobStatus.INTERRUPTED);
                } catch (RuntimeException ignored) {
                    // the database may be gone
                }
                result.completeExceptionally(e);
            }
        }

        private void run() {
            startNanos = ticker.nanos();
            BatchStore.Recovery recovery = store.resumeRecovery(jobId);
            if (!pendingOnly && store.requeueNotRun(jobId) > 0) {
                LOG.fine("requeued not-run items of " + jobId);
            }
            budget = new RunBudget(settings.budgetUsd());
            planner = new ItemPlanner(chat, target, settings, budget);
            // what the crashed process had reserved is released, not counted: the spend is what is recorded
            store.forEachItemWithResult(jobId, ir -> {
                if (ir.result() != null && ir.result().costUsd() != null) {
                    budget.addSpent(ir.result().costUsd());
                }
            });
            Map<ItemStatus, Integer> counts = store.counts(jobId);
            synchronized (lock) {
                for (int n : counts.values()) {
                    total += n;
                }
                invalid = counts.get(ItemStatus.INVALID);
                pending = counts.get(ItemStatus.PENDING);
                done = counts.get(ItemStatus.DONE);
                failed = counts.get(ItemStatus.FAILED);
            }
            store.updateJobStatus(jobId, JobStatus.RUNNING);
            listener.onProgress(progress());
            dispatch();
            awaitIdle();
            String reason;
            synchronized (lock) {
                reason = stopReason;
            }
            if (reason != null) {
                int skipped = store.markNotRun(jobId);
                synchronized (lock) {
                    notRun += skipped;
                    pending -= skipped;
                }
                listener.onStopped(reason);
            }
            JobStatus status = "cancelled".equals(reason) ? JobStatus.CANCELLED : JobStatus.DONE;
            store.updateJobStatus(jobId, status);
            BatchProgress p = progress();
            listener.onProgress(p);
            String detail;
            synchronized (lock) {
                detail = stopDetail;
            }
            result.complete(new Outcome(jobId, status, reason, p, p.elapsed(), recovery.reserved().usd(),
                    recovery.requeued().size(), detail, limiterState()));
        }

        private void dispatch() {
            while (true) {
                List<BatchItemRecord> page = store.pendingItems(jobId, PAGE);
                if (page.isEmpty()) {
                    return;
                }
                int i = 0;
                while (i < page.size()) {
                    int free = awaitSlots();
                    if (free <= 0) {
                        return;
                    }
                    List<Prepared> group = new ArrayList<>(Math.min(free, page.size() - i));
                    while (group.size() < free && i < page.size()) {
                        long seen = finishedCount();
                        Prepared p = prepare(page.get(i), false);
                        if (p == null) {
                            // refused: send what is ready, then wait for the requests in flight to settle
                            launch(group);
                            group = new ArrayList<>();
                            p = awaitAffordable(page.get(i), seen);
                            if (p == null) {
                                return;
                            }
                            group.add(p);
                            i++;
                            break; // the free slots were counted before the wait: count them again
                        }
                        group.add(p);
                        i++;
                    }
                    launch(group);
                }
            }
        }

        /**
         * With the lock held: waits while {@code condition} holds and the run is neither cancelled nor
         * stopped (an interrupt cancels it).
         */
        private void waitWhile(java.util.function.BooleanSupplier condition) {
            while (!cancelled && stopReason == null && condition.getAsBoolean()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                    stopReason = "cancelled";
                }
            }
        }

        private long finishedCount() {
            synchronized (lock) {
                return finishedHere;
            }
        }

        /**
         * An item the budget refused: waits while requests are in flight until one settles and tries
         * again; with nothing in flight, clamps its output to what is left. Null when the run must stop
         * (nothing in flight and the item cannot be covered even clamped, or a cancel).
         */
        private Prepared awaitAffordable(BatchItemRecord item, long seen) {
            while (true) {
                boolean idle;
                synchronized (lock) {
                    long before = seen;
                    waitWhile(() -> inFlight > 0 && finishedHere == before);
                    if (cancelled || stopReason != null) {
                        return null;
                    }
                    idle = inFlight == 0;
                    seen = finishedHere;
                }
                Prepared p = prepare(item, idle);
                if (p != null) {
                    return p;
                }
                if (idle) {
                    synchronized (lock) {
                        if (stopReason == null) {
                            stopReason = "budget";
                            stopDetail = "the budget of $" + budget.cap().toPlainString() + " is spent to $"
                                    + budget.spent().toPlainString() + "; the next row (line " + item.line()
                                    + ") cannot be covered even with its output cut to 1 token";
                        }
                    }
                    return null;
                }
            }
        }

        /**
         * Waits for free slots while not paused; returns how many (0 when the run must stop sending).
         */
        private int awaitSlots() {
            synchronized (lock) {
                waitWhile(() -> paused || inFlight >= settings.concurrency());
                return cancelled || stopReason != null ? 0 : settings.concurrency() - inFlight;
            }
        }

        private void awaitIdle() {
            synchronized (lock) {
                while (inFlight > 0) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private Prepared prepare(BatchItemRecord item, boolean clamp) {
            Prepared p = planner.prepare(item, clamp);
            keys.add(planner.lastKey());
            return p;
        }

        /**
         * Marks a group of items in flight in one transaction (a crash after this re-sends them on
         * resume), then sends them.
         */
        private void launch(List<Prepared> group) {
            if (group.isEmpty()) {
                return;
            }
            synchronized (lock) {
                // a pause or a cancel that came while the group was prepared: nothing of it goes out (the
                // items stay pending), and "paused with nothing in flight" is never followed by a send
                if (paused || cancelled) {
                    for (Prepared p : group) {
                        budget.settle(p.worst(), BigDecimal.ZERO);
                    }
                    return;
                }
                inFlight += group.size();
                pending -= group.size();
            }
            List<BatchStore.Launch> launches = new ArrayList<>(group.size());
            for (Prepared p : group) {
                launches.add(new BatchStore.Launch(p.item().id(), p.reservation()));
            }
            boolean[] moved;
            try {
                moved = store.markInFlightAll(jobId, launches);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    inFlight -= group.size();
                    pending += group.size();
                    lock.notifyAll();
                }
                for (Prepared p : group) {
                    budget.settle(p.worst(), BigDecimal.ZERO);
                }
                throw e;
            }
            for (int k = 0; k < group.size(); k++) {
                Prepared p = group.get(k);
                if (!moved[k]) {
                    budget.settle(p.worst(), BigDecimal.ZERO);
                    synchronized (lock) {
                        inFlight--;
                        pending++;
                        lock.notifyAll();
                    }
                    continue;
                }
                Instant startedAt = clock.instant();
                ChatRun run = chat.start(p.job(), null, p.estimate(), p.hold());
                running.put(p.item().id(), run);
                boolean cancelNow;
                synchronized (lock) {
                    cancelNow = cancelled;
                }
                if (cancelNow) {
                    run.cancel();
                }
                run.result().whenComplete((o, err) -> finished(p, startedAt, o));
            }
        }

        /** A finished item waiting for the group commit. */
        private record Finished(BatchItemRecord item, ResultRecord record, BigDecimal worst, BigDecimal cost,
                                ChatOutcome outcome) {
        }

        private final ConcurrentLinkedQueue<Finished> toWrite = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean writing = new AtomicBoolean();

        private void finished(Prepared p, Instant startedAt, ChatOutcome o) {
            BatchItemRecord item = p.item();
            BigDecimal worst = p.worst();
            running.remove(item.id());
            BigDecimal cost = o == null || o.costUsd() == null ? BigDecimal.ZERO : o.costUsd().amount();
            ApiError e = o == null ? ApiError.of(ApiError.Kind.NETWORK, null, "no outcome") : o.completion().error();
            boolean cancelledItem = e != null && e.kind() == ApiError.Kind.CANCELLED && isCancelled();
            if (cancelledItem || o == null) {
                try {
                    store.markNotRun(jobId, List.of(item.id()));
                } catch (RuntimeException ex) {
                    LOG.log(Level.SEVERE, "could not mark item " + item.requestId() + " not run", ex);
                } finally {
                    budget.settle(worst, cost);
                }
                account(item, o, true);
                listener.onProgress(progress());
                return;
            }
            ResultRecord record;
            try {
                record = record(item, p.row(), p.job(), startedAt, o, p.note());
            } catch (RuntimeException ex) {
                LOG.log(Level.SEVERE, "could not record the result of item " + item.requestId(), ex);
                budget.settle(worst, cost);
                account(item, o, true);
                listener.onProgress(progress());
                return;
            }
            toWrite.add(new Finished(item, record, worst, cost, o));
            if (writing.compareAndSet(false, true)) {
                dispatcher.execute(this::writeResults);
            }
        }

        /**
         * Group commit: stores every result that finished meanwhile in one transaction, then counts
         * them. An item is counted done (and its slot freed) only once its result is committed.
         */
        private void writeResults() {
            while (true) {
                List<Finished> batch = new ArrayList<>();
                Finished f;
                while (batch.size() < 512 && (f = toWrite.poll()) != null) {
                    batch.add(f);
                }
                if (batch.isEmpty()) {
                    writing.set(false);
                    if (toWrite.isEmpty() || !writing.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                List<ResultRecord> stored = null;
                try {
                    List<BatchStore.Completed> rows = new ArrayList<>(batch.size());
                    for (Finished b : batch) {
                        rows.add(new BatchStore.Completed(b.item().id(), b.record()));
                    }
                    stored = store.completeAll(rows);
                } catch (RuntimeException ex) {
                    LOG.log(Level.SEVERE, "could not store " + batch.size() + " results of " + jobId, ex);
                }
                for (int i = 0; i < batch.size(); i++) {
                    Finished b = batch.get(i);
                    budget.settle(b.worst(), b.cost());
                    if (budget.cap() != null && b.cost().compareTo(b.worst()) > 0) {
                        synchronized (lock) {
                            if (stopReason == null) {
                                stopReason = "budget";
                                stopDetail = "the provider billed $" + b.cost().toPlainString() + " for the row on line "
                                        + b.item().line() + ", more than the $" + b.worst().toPlainString()
                                        + " reserved for it; stopped sending so that the budget is not passed";
                            }
                        }
                    }
                    account(b.item(), b.outcome(), stored == null || stored.get(i) == null);
                }
                listener.onProgress(progress());
            }
        }

        /** Counts a finished item and frees its slot. */
        private void account(BatchItemRecord item, ChatOutcome o, boolean stoppedHere) {
            synchronized (lock) {
                inFlight--;
                finishedHere++;
                if (o != null) {
                    retries += Math.max(0, o.attempts().size() - 1);
                    Usage u = o.completion().usage();
                    if (u != null) {
                        promptTokens += u.promptOrZero();
                        completionTokens += u.completionOrZero();
                    }
                }
                if (stoppedHere) {
                    notRun++;
                } else if (o != null && o.ok()) {
                    done++;
                } else {
                    failed++;
                }
                lock.notifyAll();
            }
        }

        private boolean isCancelled() {
            synchronized (lock) {
                return cancelled;
            }
        }

        private ResultRecord record(BatchItemRecord item, BatchRow row, ChatJob job, Instant startedAt, ChatOutcome o,
                                    String note) {
            Completion c = o.completion();
            Checks.Verdict v = c.ok() ? Checks.evaluate(row.expected(), row.checks(), c.text()) : null;
            return ResultRecords.from(0, job, o, startedAt, clock.instant(), note).itemId(item.id())
                    .check(v == null ? null : v.passed(), v == null ? null : v.detail()).build();
        }
    }
}
