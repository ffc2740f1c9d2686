package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.store.UiThreadIo;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.beans.InvalidationListener;
import javafx.beans.Observable;

/**
 * One real thread that stands for the FX thread in view-model tests: the view model's UI steps run on it, its
 * workers' steps elsewhere, and the test calls the view model and reads its state through {@link #call}, as the
 * view would. The thread is marked as a UI thread for {@link UiThreadIo}: with the build's
 * {@code -Dllmworkbench.checkFxIo=true}, a store, secret-store or preferences call on it fails the test.
 */
public final class UiThread implements AutoCloseable {
    private static final long TIMEOUT_S = 10;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-ui-thread");
        t.setDaemon(true);
        return t;
    });
    private final Thread uiThread;
    private final FxExecutor executor;

    public UiThread() {
        try {
            uiThread = thread.submit(() -> {
                UiThreadIo.markUiThread();
                return Thread.currentThread();
            }).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the UI thread did not start", e);
        }
        executor = FxExecutor.on(thread, () -> Thread.currentThread() == uiThread);
    }

    /** The executor to give the view model for its UI steps. */
    public FxExecutor executor() {
        return executor;
    }

    /** Runs {@code c} on the UI thread and returns its result (its failure rethrown as it was). */
    public <T> T call(Callable<T> c) throws Exception {
        if (Thread.currentThread() == uiThread) {
            return c.call();
        }
        try {
            return thread.submit(c).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            if (e.getCause() instanceof Error err) {
                throw err; // a failed assertion made on the UI thread
            }
            throw e;
        }
    }

    /** Runs {@code r} on the UI thread and waits for it. */
    public void run(Runnable r) throws Exception {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Calls {@code c} on the UI thread and waits for the future it returns (the UI step included). */
    public <T> T await(Callable<CompletableFuture<T>> c) throws Exception {
        return call(c).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /**
     * Waits until {@code condition} holds: it is checked on the UI thread now and again each time {@code source}
     * changes there, and the check that finds it true counts down the latch. {@code condition} must read
     * {@code source}, so that an invalidated property is valid again and reports its next change.
     */
    public void await(Observable source, BooleanSupplier condition) throws Exception {
        CountDownLatch met = new CountDownLatch(1);
        InvalidationListener check = o -> {
            if (condition.getAsBoolean()) {
                met.countDown();
            }
        };
        run(() -> {
            source.addListener(check);
            check.invalidated(source);
        });
        try {
            assertThat(met.await(TIMEOUT_S, TimeUnit.SECONDS)).as("condition within " + TIMEOUT_S + " s").isTrue();
        } finally {
            run(() -> source.removeListener(check));
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
