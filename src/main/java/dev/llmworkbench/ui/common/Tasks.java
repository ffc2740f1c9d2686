package dev.llmworkbench.ui.common;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background work of a view model, one way: the work runs on a named executor (never the UI thread), its
 * result comes back on the UI thread, and a failure goes to one handler with its message in plain words
 * (the cause, unwrapped from {@link CompletionException}/{@link ExecutionException}) after it was logged.
 * Nothing is fire-and-forget: the returned future completes once the UI-thread step has run, and a failure
 * of that step is logged and shown the same way.
 *
 * <ul>
 *   <li>{@link #run}: a failure becomes a value ({@code onError}'s), the future does not fail;</li>
 *   <li>{@link #call} and {@link #exec}: the failure is shown, then the future fails with its cause;</li>
 *   <li>{@link #follow}: the same for a result made elsewhere (a chat run, an engine's handle);</li>
 *   <li>{@link #thenWork}: more work on the work executor after a result made elsewhere.</li>
 * </ul>
 */
public final class Tasks {
    private static final Logger LOG = Logger.getLogger(Tasks.class.getName());
    /** What a failure without a message of its own is called (never an exception's class name). */
    static final String UNEXPECTED = "an unexpected error (the details are in the log)";

    /** Work with no result that may throw. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private final Executor work;
    private final Executor ui;

    /**
     * @param work a named executor of the composition root (blocking work: the store, the keyring, the network)
     * @param ui   the UI thread ({@link FxExecutor#platform()}, or a test's UI thread)
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
        return submit(job).handleAsync((value, err) -> {
            if (err == null) {
                try {
                    return onDone.apply(value);
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "showing the result of " + what + " failed", e);
                    return onError.apply(message(e));
                }
            }
            Throwable c = cause(err);
            LOG.log(Level.WARNING, what + " failed", c);
            return onError.apply(message(c));
        }, ui);
    }

    /**
     * Runs {@code job} off the UI thread, then on the UI thread {@code onDone} with its result; on a failure
     * {@code onError} with what went wrong in words, and the returned future fails with the cause.
     */
    public <T> CompletableFuture<T> call(String what, Callable<T> job, Consumer<? super T> onDone,
                                         Consumer<String> onError) {
        return follow(what, submit(job), onDone, onError);
    }

    /** As {@link #call} for work without a result. */
    public CompletableFuture<Void> exec(String what, Work job, Runnable onDone, Consumer<String> onError) {
        Objects.requireNonNull(job, "job");
        return call(what, () -> {
            job.run();
            return null;
        }, v -> onDone.run(), onError);
    }

    /**
     * Shows on the UI thread the result of work made elsewhere ({@code source}): {@code onDone} with it, or
     * {@code onError} with what went wrong in words; the returned future completes after that, with the same
     * result or the failure's cause.
     */
    public <T> CompletableFuture<T> follow(String what, CompletionStage<T> source, Consumer<? super T> onDone,
                                           Consumer<String> onError) {
        Objects.requireNonNull(onDone, "onDone");
        Objects.requireNonNull(onError, "onError");
        CompletableFuture<T> shown = new CompletableFuture<>();
        source.whenCompleteAsync((value, err) -> {
            Throwable failure = err == null ? null : cause(err);
            if (failure == null) {
                try {
                    onDone.accept(value);
                    shown.complete(value);
                    return;
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "showing the result of " + what + " failed", e);
                    failure = e;
                }
            } else {
                LOG.log(Level.WARNING, what + " failed", failure);
            }
            try {
                onError.accept(message(failure));
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "showing the failure of " + what + " failed", e);
                failure.addSuppressed(e);
            }
            shown.completeExceptionally(failure);
        }, ui);
        return shown;
    }

    /**
     * Goes on with {@code step} on the work executor once {@code source} has its result (what a run made on its
     * own threads is stored off them and off the UI thread); a failure of either passes on, for {@link #follow}.
     */
    public <T, R> CompletableFuture<R> thenWork(CompletionStage<T> source, Function<? super T, R> step) {
        Objects.requireNonNull(step, "step");
        return source.<R>thenApplyAsync(step, work).toCompletableFuture();
    }

    private <T> CompletableFuture<T> submit(Callable<T> job) {
        Objects.requireNonNull(job, "job");
        return CompletableFuture.supplyAsync(() -> {
            try {
                return job.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, work);
    }

    /** The failure behind the wrappers a future adds. */
    public static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** A failure in words, on one line: its message, else "an unexpected error" (never a class name). */
    public static String message(Throwable t) {
        Throwable c = cause(t);
        String m = c.getMessage();
        if (m == null || m.isBlank()) {
            return UNEXPECTED;
        }
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
