package dev.llmworkbench.ui.common;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;

/**
 * The one way for the UI to hop onto the JavaFX application thread. {@link #platform()} runs a task
 * directly when the caller is already on the FX thread and otherwise hands it to
 * {@link Platform#runLater(Runnable)}; {@link #sameThread()} runs every task at once on the calling
 * thread, for view-model tests that have no FX toolkit.
 *
 * <p>Never use this for streamed text: one task per token floods the FX event queue. Use a
 * {@link StreamingTextBuffer} instead, which drains once per frame.
 */
public final class FxExecutor implements Executor {
    private static final FxExecutor PLATFORM = new FxExecutor(Platform::runLater, Platform::isFxApplicationThread);
    private static final FxExecutor SAME_THREAD = new FxExecutor(Runnable::run, () -> true);

    private final Executor later;
    private final BooleanSupplier onUiThread;

    private FxExecutor(Executor later, BooleanSupplier onUiThread) {
        this.later = later;
        this.onUiThread = onUiThread;
    }

    /** The real FX thread: direct when already on it, else {@code Platform.runLater}. */
    public static FxExecutor platform() {
        return PLATFORM;
    }

    /** Runs every task at once on the calling thread, which counts as the UI thread (tests). */
    public static FxExecutor sameThread() {
        return SAME_THREAD;
    }

    /**
     * A UI thread of one's own: {@code thread} runs the tasks, {@code isUiThread} tells whether the caller is on
     * it (tests: one real thread that stands for the FX thread, so that a view model's UI steps and its workers'
     * steps never run on the same thread by accident).
     */
    public static FxExecutor on(Executor thread, BooleanSupplier isUiThread) {
        return new FxExecutor(Objects.requireNonNull(thread, "thread"), Objects.requireNonNull(isUiThread, "isUiThread"));
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (onUiThread.getAsBoolean()) {
            task.run();
        } else {
            later.execute(task);
        }
    }

    /**
     * Runs the task on the UI thread after what it is doing now (the current event, this pulse's
     * layout), even when called on it; at once for {@link #sameThread()}.
     */
    public void later(Runnable task) {
        later.execute(Objects.requireNonNull(task, "task"));
    }

    /** Whether the calling thread is this executor's UI thread. */
    public boolean isUiThread() {
        return onUiThread.getAsBoolean();
    }

    /**
     * Fails fast when called off this executor's UI thread.
     *
     * @throws IllegalStateException off the UI thread
     */
    public void checkUiThread() {
        if (!isUiThread()) {
            throw new IllegalStateException("not on the FX application thread: " + Thread.currentThread().getName());
        }
    }

    @Override
    public String toString() {
        return this == SAME_THREAD ? "FxExecutor[same thread]" : this == PLATFORM ? "FxExecutor[FX application thread]"
                : "FxExecutor[" + later + "]";
    }
}
