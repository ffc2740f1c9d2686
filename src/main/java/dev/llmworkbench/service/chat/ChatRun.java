package dev.llmworkbench.service.chat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** A chat job under way: cancel it, or wait for its outcome (which never completes exceptionally). */
public interface ChatRun {
    /** Stops the job at once: a waiting request leaves the queue, a stream is closed, text so far is kept. */
    void cancel();

    CompletableFuture<ChatOutcome> result();

    /** Blocks until the outcome is known. */
    default ChatOutcome await() {
        try {
            return result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return result().join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a chat run never fails exceptionally", e.getCause());
        }
    }
}
