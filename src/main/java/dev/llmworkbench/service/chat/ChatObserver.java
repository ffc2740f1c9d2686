package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.StreamListener;
import java.time.Duration;
import java.time.Instant;

/**
 * Follows a chat job: the streamed text (as {@link StreamListener}) plus the service's own events.
 * Called on the service's and the client's threads, never on the UI thread; implementations must be
 * quick and hop to their own thread themselves. {@link #onAttemptStarted} marks a new attempt: text
 * of a failed earlier attempt is superseded by what follows.
 */
public interface ChatObserver extends StreamListener {
    ChatObserver NONE = new ChatObserver() { };

    /** The job is waiting in the limiter (estimated tokens reserved). */
    default void onQueued(long reservedTokens) { }

    /** Attempt {@code number} (1-based) is being sent. */
    default void onAttemptStarted(int number) { }

    /** An attempt failed and another follows after {@code wait} (at {@code at}). */
    default void onRetryScheduled(Attempt failed, Duration wait, Instant at) { }
}
