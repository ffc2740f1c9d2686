package dev.llmworkbench.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The database's single writer: writes handed in from any thread wait in a bounded queue and are committed
 * in groups, one transaction per group, by one task at a time on the executor the composition root gave
 * ({@link Database#open(java.nio.file.Path, Executor)}), so that a thread that hands a write in never waits
 * on SQLite (unless the queue is full: then it waits for room, which is the back-pressure).
 *
 * <p>Group commit without a deliberate delay: a group is what was queued while the previous one committed
 * (at most {@link #MAX_GROUP}), so a write waits at most for the group before it, well under the tens of
 * milliseconds of a flush interval, and nothing is held back at the end. A write's future completes
 * (on the writer's thread) only once its group is committed. When a work of a group fails, the group is
 * rolled back and each of its works is run again in a transaction of its own, so that only the failing
 * one fails.
 */
final class Writer {
    static final int CAPACITY = 4096;
    static final int MAX_GROUP = 256;

    /** A queued write and its outcome. */
    static final class Pending<T> {
        final Database.SqlWork<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Pending(Database.SqlWork<T> work) {
            this.work = work;
        }

        void apply(java.sql.Connection c) throws java.sql.SQLException {
            result = work.apply(c);
        }

        void complete() {
            future.complete(result);
        }
    }

    private final BlockingQueue<Pending<?>> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ReentrantLock draining = new ReentrantLock();
    private final Executor executor;
    private final Database db;
    private volatile Thread current;

    Writer(Database db, Executor executor) {
        this.db = Objects.requireNonNull(db, "db");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Queues {@code work} (waiting for room when the queue is full); its future completes once committed. */
    <T> CompletableFuture<T> submit(Database.SqlWork<T> work) {
        Pending<T> p = new Pending<>(work);
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for room in the database's write queue", e);
        }
        schedule();
        return p.future;
    }

    /** True on the thread that is committing a group now (a write from there runs at once). */
    boolean isWriterThread() {
        return current == Thread.currentThread();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drain(); // the executor is shut down (the program is ending): the caller writes
            }
        }
    }

    private void drain() {
        while (true) {
            if (!drainOnce()) {
                scheduled.set(false);
                // a write queued after the last poll and before the flag was cleared is taken now
                if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    /** Commits one group; false when the queue was empty. */
    private boolean drainOnce() {
        draining.lock();
        current = Thread.currentThread();
        try {
            List<Pending<?>> group = new ArrayList<>();
            queue.drainTo(group, MAX_GROUP);
            if (group.isEmpty()) {
                return false;
            }
            db.commitGroup(group);
            return true;
        } finally {
            current = null;
            draining.unlock();
        }
    }

    /** Commits everything queued, on the calling thread (at close, after the executor may be gone). */
    void drainAll() {
        while (drainOnce()) {
            // next group
        }
    }
}
