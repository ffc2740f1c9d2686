package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.Ticker;
import dev.llmworkbench.service.batch.ItemPlanner.Prepared;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.store.BatchStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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

    private final ChatService chat;
    private final BatchStore store;
    private final Executor dispatcher;
    private final Ticker ticker;
    private final Clock clock;

    /** The chat service the engine sends through (its prices, estimator and limiter plan the rows). */
    ChatService chat() {
        return chat;
    }

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
    public Handle start(String jobId, BatchTarget target, BatchSettings settings, BatchListener listener) {
        return start(jobId, target, settings, listener, false);
    }

    /**
     * As {@link #start(String, BatchTarget, BatchSettings, BatchListener)}; with {@code pendingOnly} the items
     * left {@code not_run} stay so and only the pending ones are sent (a retry of the failed items, which
     * the store has put back to pending).
     */
    public Handle start(String jobId, BatchTarget target, BatchSettings settings, BatchListener listener,
                        boolean pendingOnly) {
        Handle h = new Handle(jobId, target, settings, listener == null ? BatchListener.NONE : listener, pendingOnly);
        dispatcher.execute(h::runSafely);
        return h;
    }

    /** A run under way: pause, resume, cancel, or wait for its outcome. */
    public final class Handle {
        private final String jobId;
        private final BatchTarget target;
        private final BatchSettings settings;
        private final BatchListener listener;
        private final boolean pendingOnly;
        private final CompletableFuture<BatchOutcome> result = new CompletableFuture<>();
        private final Map<Long, ChatRun> running = new ConcurrentHashMap<>();
        private String stopDetail;
        private final Object lock = new Object();
        private RunBudget budget;
        private volatile ItemPlanner planner;
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

        private Handle(String jobId, BatchTarget target, BatchSettings settings, BatchListener listener,
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

        public CompletableFuture<BatchOutcome> result() {
            return result;
        }

        /** Stops sending new items; those in flight finish. */
        public void pause() {
            setPaused(true);
        }

        public void resume() {
            setPaused(false);
        }

        private void setPaused(boolean pause) {
            synchronized (lock) {
                if (paused != pause && !cancelled) {
                    paused = pause;
                    store.updateJobStatus(jobId, pause ? JobStatus.PAUSED : JobStatus.RUNNING);
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
                RateLimiter.State l = limiterState();
                return new BatchProgress(total, pending, inFlight, done, failed, notRun, invalid, retries, promptTokens,
                        completionTokens, budget == null ? BigDecimal.ZERO : budget.spent(), elapsed, eta, paused,
                        l == null ? null : l.describe());
            }
        }

        private RateLimiter.State limiterState() {
            return planner == null ? null : planner.limiterState();
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
            budget = RunBudget.resumed(settings.budgetUsd(), store, jobId);
            planner = new ItemPlanner(chat, target, settings, budget);
            chat.clients().ensureCapacity(settings.concurrency());
            Map<ItemStatus, Integer> counts = store.counts(jobId);
            synchronized (lock) {
                total = counts.values().stream().mapToInt(Integer::intValue).sum();
                invalid = counts.get(ItemStatus.INVALID);
                pending = counts.get(ItemStatus.PENDING);
                done = counts.get(ItemStatus.DONE);
                failed = counts.get(ItemStatus.FAILED);
                notRun = counts.get(ItemStatus.NOT_RUN); // after a retry of the failed rows only, they stay
            }
            store.updateJobStatus(jobId, JobStatus.RUNNING);
            listener.onProgress(progress());
            dispatch();
            awaitIdle();
            String reason;
            String detail;
            synchronized (lock) {
                reason = stopReason;
                detail = stopDetail;
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
            result.complete(new BatchOutcome(jobId, status, reason, p, p.elapsed(), recovery.reserved().usd(),
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
                        Prepared p = planner.prepare(page.get(i), false);
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

        /** With the lock held: waits while {@code condition} holds; an interrupt cancels the run and ends the wait. */
        private void waitFor(java.util.function.BooleanSupplier condition) {
            while (condition.getAsBoolean()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                    stopReason = stopReason == null ? "cancelled" : stopReason;
                    return;
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
                    waitFor(() -> !cancelled && stopReason == null && inFlight > 0 && finishedHere == before);
                    if (cancelled || stopReason != null) {
                        return null;
                    }
                    idle = inFlight == 0;
                    seen = finishedHere;
                }
                Prepared p = planner.prepare(item, idle);
                if (p != null) {
                    return p;
                }
                if (idle) {
                    stop("budget", StopTexts.budgetSpent(budget.cap(), budget.spent(), item.line()), false);
                    return null;
                }
            }
        }

        /** Waits for free slots while not paused; returns how many (0 when the run must stop sending). */
        private int awaitSlots() {
            synchronized (lock) {
                waitFor(() -> !cancelled && stopReason == null && (paused || inFlight >= settings.concurrency()));
                return cancelled || stopReason != null ? 0 : settings.concurrency() - inFlight;
            }
        }

        private void awaitIdle() {
            synchronized (lock) {
                waitFor(() -> inFlight > 0);
            }
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
                    unsent(group, false);
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
                unsent(group, true);
                throw e;
            }
            for (int k = 0; k < group.size(); k++) {
                Prepared p = group.get(k);
                if (!moved[k]) { // it has a result already, or is no longer pending
                    unsent(List.of(p), true);
                    continue;
                }
                Instant startedAt = clock.instant();
                ChatRun run = chat.start(p.job(), null, p.estimate(), p.hold());
                running.put(p.item().id(), run);
                if (isCancelled()) {
                    run.cancel();
                }
                run.result().whenComplete((o, err) -> finished(p, startedAt, o));
            }
        }

        /** Items that were not sent after all: their reservations released, counted back as pending if counted. */
        private void unsent(List<Prepared> items, boolean counted) {
            for (Prepared p : items) {
                budget.settle(p.worst(), BigDecimal.ZERO);
            }
            if (counted) {
                synchronized (lock) {
                    inFlight -= items.size();
                    pending += items.size();
                    lock.notifyAll();
                }
            }
        }

        private final GroupCommit<Finished> toWrite = new GroupCommit<>(dispatcher, 512, this::writeResults);

        private void finished(Prepared p, Instant startedAt, ChatOutcome o) {
            BatchItemRecord item = p.item();
            running.remove(item.id());
            BigDecimal cost = o == null || o.costUsd() == null ? BigDecimal.ZERO : o.costUsd().amount();
            ApiError e = o == null ? ApiError.of(ApiError.Kind.NETWORK, null, "no outcome") : o.completion().error();
            boolean cancelledItem = e != null && e.kind() == ApiError.Kind.CANCELLED && isCancelled();
            ResultRecord record = null;
            try {
                record = cancelledItem || o == null ? null : p.result(o, startedAt, clock.instant());
            } catch (RuntimeException ex) {
                LOG.log(Level.SEVERE, "could not make the result of item " + item.requestId() + " (not run)", ex);
            }
            // stored or marked not run (no record) by the group commit: the network's thread never waits on SQLite
            toWrite.add(new Finished(item, record, p.worst(), cost, o));
        }

        /** Group commit ({@link GroupCommit}): the results that finished meanwhile in one transaction, then each
         *  counted; an item is counted done (and its slot freed) only once its result is committed. */
        private void writeResults(List<Finished> batch) {
            List<ResultRecord> stored = null;
            try {
                List<BatchStore.Completed> rows = new ArrayList<>(batch.size());
                // a row cancelled mid-stream keeps what it was billed: the job's spend read back is the run's
                java.util.Map<Long, BigDecimal> notRun = new java.util.LinkedHashMap<>();
                for (Finished b : batch) {
                    if (b.record() == null) {
                        notRun.put(b.item().id(), b.cost());
                    } else {
                        rows.add(new BatchStore.Completed(b.item().id(), b.record()));
                    }
                }
                if (!notRun.isEmpty()) {
                    store.markNotRun(jobId, notRun);
                }
                stored = store.completeAll(rows);
            } catch (RuntimeException ex) {
                // the run ends (nothing more is sent): its rows are not run, and a resume sends them again
                LOG.log(Level.FINE, "could not store " + batch.size() + " results of " + jobId, ex);
                stop("storage", StopTexts.notStored(ex), true);
            }
            int k = 0;
            for (Finished b : batch) {
                if (b.record() == null) {
                    budget.settle(b.worst(), b.cost());
                    account(b.item(), b.outcome(), true);
                } else {
                    if (budget.settleOver(b.worst(), b.cost())) {
                        stop("budget", StopTexts.billedOver(b.cost(), b.item().line(), b.worst()), false);
                    }
                    account(b.item(), b.outcome(), stored == null || stored.get(k++) == null);
                }
            }
            listener.onProgress(progress());
        }

        /** Stops sending, for the first reason given (or over a budget stop when {@code overBudget}). */
        private void stop(String reason, String detail, boolean overBudget) {
            synchronized (lock) {
                if (stopReason == null || overBudget && "budget".equals(stopReason)) {
                    stopReason = reason;
                    stopDetail = detail;
                }
                lock.notifyAll();
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

    }
}
