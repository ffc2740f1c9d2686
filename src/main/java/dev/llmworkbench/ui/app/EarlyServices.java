package dev.llmworkbench.ui.app;

import dev.llmworkbench.service.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The launched app's default services (the database and its migrations, the price catalogue, the simulator),
 * begun on a thread of their own as the program starts, so that opening them overlaps JavaFX starting its
 * toolkit instead of following it (each about a second on the way to the first window). A class of its own,
 * with nothing of the window in it: beginning costs the launcher's thread no class loading.
 */
final class EarlyServices {
    private static volatile CompletableFuture<AppServices> begun;

    private EarlyServices() {
    }

    /** Begins to open the default services (called by {@link Launcher#main} before it launches the app). */
    static void begin() {
        CompletableFuture<AppServices> f = new CompletableFuture<>();
        Thread t = DaemonThreads.factory("workbench-start").newThread(() -> {
            try {
                f.complete(AppServices.createDefault());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        });
        t.setPriority(Thread.NORM_PRIORITY); // on the way to the first window: not below it, as background work is
        begun = f;
        t.start();
    }

    /** The services begun, waited for (a failure to open them is thrown here), or new ones when none were begun. */
    static AppServices take() {
        CompletableFuture<AppServices> f = begun;
        begun = null;
        if (f == null) {
            return AppServices.createDefault();
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
