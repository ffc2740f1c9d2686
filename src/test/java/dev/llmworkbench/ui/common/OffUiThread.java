package dev.llmworkbench.ui.common;

import dev.llmworkbench.ui.app.WorkbenchApp;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;

/**
 * Test set-up that does blocking I/O (opening a database, seeding a job) from a TestFX {@code @Start} method,
 * which runs on the FX thread: the work runs on a thread of its own while the caller waits, as the launcher
 * thread runs {@code Application.init()} before the window exists.
 */
public final class OffUiThread {
    private OffUiThread() {
    }

    /** Runs {@code work} on a thread of its own and returns its result (a failure is rethrown). */
    public static <T> T call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-set-up");
        t.setDaemon(true);
        t.start();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the set-up failed: " + e.getMessage(), e);
        }
    }

    /** Launches {@code app} as JavaFX does: {@code init()} off the FX thread, then {@code start} on it. */
    public static void start(WorkbenchApp app, Stage stage) {
        call(() -> {
            app.init();
            return null;
        });
        app.start(stage);
    }
}
