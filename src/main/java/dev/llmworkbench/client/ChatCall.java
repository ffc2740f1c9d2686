package dev.llmworkbench.client;

import dev.llmworkbench.domain.Completion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A chat completion under way. {@link #result()} always completes normally (never exceptionally):
 * with a successful {@link Completion}, or one whose {@code error()} says what went wrong and which
 * holds the partial output.
 */
public interface ChatCall {
    /**
     * Closes the connection at once; the result completes (immediately) with what arrived so far and
     * an error of kind {@code CANCELLED}. No listener callback follows. Does nothing once complete.
     */
    void cancel();

    CompletableFuture<Completion> result();

    /** Blocks until done. If the waiting thread is interrupted, the call is cancelled. */
    default Completion await() {
        try {
            return result().get();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            return result().join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a chat call failed unexpectedly", e.getCause());
        }
    }
}
