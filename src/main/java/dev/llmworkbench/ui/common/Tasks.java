package dev.llmworkbench.ui.common;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background work of a view model, one way: the work runs on a named executor (never the UI thread), its
 * result comes back on the UI thread, and a failure goes to one handler with its message in plain words
 * (the cause, unwrapped from {@link CompletionException}/{@link ExecutionException}) after it was logged.
 * Nothing is fire-and-forget: the returned future completes once the UI-thread step has run.
 */
public final class Tasks {
    private static final Logger LOG = Logger.getLogger(Tasks.class.getName());

    private final Executor work;
    private final Executor ui;

    /**
     * @param work a named executor of the composition root (blocking work: the store, the keyring, the network)
     * @param ui   the UI thread ({@link FxExecutor#platform()}, or a same-thread executor in tests)
     */
    public Tasks(Executor work, Executor ui) {
        this.work = Objects.requireNonNull(work, "work");
        this.ui = Objects.requireNonNull(ui, "ui");
    }

    /**
     * Runs {@code job} off the UI thread, then on the UI thread {@code onDone} with its result, or
     * {@code onError} with what went wrong in words; the future completes with what the one that ran returned.
     */
    public <T, R> CompletableFuture<R> run(String what, Callable<T> job, Function<? super T, R> onDone,
                                           Function<String, R> onError) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return job.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, work).handleAsync((value, err) -> {
            if (err == null) {
                return onDone.apply(value);
            }
            Throwable c = cause(err);
            LOG.log(Level.WARNING, what + " failed", c);
            return onError.apply(message(c));
        }, ui);
    }

    /** The failure behind the wrappers a future adds. */
    public static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** A failure in words: its message, else what it is. */
    public static String message(Throwable t) {
        Throwable c = cause(t);
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
