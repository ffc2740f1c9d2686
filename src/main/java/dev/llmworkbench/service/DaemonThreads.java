package dev.llmworkbench.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place threads are made (ArchitectureTest): named daemon threads with an uncaught-exception
 * handler, and the executors built from them. A composition root owns one instance and closes it on
 * exit, which shuts every executor it made down.
 *
 * <p>Every thread made here does background work (HTTP, batches, the store, the simulator), so it runs at
 * {@link #BACKGROUND_PRIORITY}, below the UI's threads (the FX thread and the renderer, at the normal
 * priority): when a batch keeps every core busy the window still gets a core as soon as it needs one. On
 * Windows Java priorities reach the OS as they are; on Linux (and macOS) only with
 * {@code -XX:ThreadPriorityPolicy=1}, which the Linux launchers pass (a lower priority is a higher nice
 * value, which needs no privilege); the macOS installer does not pass it yet.
 */
public final class DaemonThreads implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DaemonThreads.class.getName());
    /** The priority of every thread made here: below {@link Thread#NORM_PRIORITY}, the UI's. */
    public static final int BACKGROUND_PRIORITY = Thread.MIN_PRIORITY;
    private final List<ExecutorService> owned = new ArrayList<>();

    /** A thread factory naming threads {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(BACKGROUND_PRIORITY);
            t.setUncaughtExceptionHandler((th, e) ->
                    LOG.log(Level.SEVERE, "uncaught exception in " + th.getName(), e));
            return t;
        };
    }

    /**
     * A cached pool that nobody here shuts down: its owner does (an HTTP client's dispatcher, whose idle
     * threads end after a minute).
     */
    public static ExecutorService unownedCached(String prefix) {
        return Executors.newCachedThreadPool(factory(prefix));
    }

    /**
     * A pool of at most {@code threads} threads that nobody here shuts down (its owner does: an HTTP client's
     * dispatcher), each ending after a minute idle; work beyond {@code threads} waits in its queue instead of
     * starting one more thread. Its size may be changed later ({@link ThreadPoolExecutor#setMaximumPoolSize}).
     */
    public static ThreadPoolExecutor unownedBounded(String prefix, int threads) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory(prefix));
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    public synchronized ExecutorService cached(String prefix) {
        return own(Executors.newCachedThreadPool(factory(prefix)));
    }

    public synchronized ExecutorService fixed(String prefix, int threads) {
        return own(Executors.newFixedThreadPool(threads, factory(prefix)));
    }

    public synchronized ScheduledExecutorService scheduled(String prefix, int threads) {
        return own(Executors.newScheduledThreadPool(threads, factory(prefix)));
    }

    private <E extends ExecutorService> E own(E e) {
        owned.add(e);
        return e;
    }

    /** Shuts every executor down, waiting briefly for running tasks. */
    @Override
    public synchronized void close() {
        for (ExecutorService e : owned) {
            e.shutdownNow();
        }
        for (ExecutorService e : owned) {
            try {
                e.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        owned.clear();
    }
}
