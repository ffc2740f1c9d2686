package dev.llmworkbench.service.batch;

/**
 * Follows a batch. Called on the engine's dispatcher thread and on the service's and client's threads,
 * never on a UI thread; implementations must be quick, thread-safe, and hop to their own thread.
 */
public interface BatchListener {
    BatchListener NONE = new BatchListener() { };

    /** After an item was sent, ended, or the run changed state. */
    default void onProgress(BatchProgress progress) { }

    /** The run stopped sending: {@code reason} says why (budget, cancelled). */
    default void onStopped(String reason) { }
}
