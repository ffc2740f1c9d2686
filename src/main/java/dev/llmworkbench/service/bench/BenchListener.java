package dev.llmworkbench.service.bench;

import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import java.time.Instant;

/**
 * Follows a benchmark live (a view model, the command line's history recorder). {@link #onRequest} and
 * {@link #onOutcome} are called on the client's threads as each measured request ends; the level events on the
 * thread that runs the benchmark. Implementations must be quick and hop to their own thread themselves; an
 * exception thrown here is logged and does not stop the benchmark.
 */
public interface BenchListener {
    BenchListener NONE = new BenchListener() { };

    /** Both listeners, {@code first} then {@code second}, told of everything. */
    static BenchListener both(BenchListener first, BenchListener second) {
        return new BenchListener() {
            @Override
            public void onLevelStarted(int index, BenchResult.Load load, int warmup) {
                first.onLevelStarted(index, load, warmup);
                second.onLevelStarted(index, load, warmup);
            }

            @Override
            public void onRequest(RequestResult result) {
                first.onRequest(result);
                second.onRequest(result);
            }

            @Override
            public void onOutcome(ChatJob job, ChatOutcome outcome, Instant sentAt) {
                first.onOutcome(job, outcome, sentAt);
                second.onOutcome(job, outcome, sentAt);
            }

            @Override
            public void onLevelDone(int index, LevelResult level) {
                first.onLevelDone(index, level);
                second.onLevelDone(index, level);
            }
        };
    }

    /** Level {@code index} (0-based) starts its warm-up of {@code warmup} requests. */
    default void onLevelStarted(int index, BenchResult.Load load, int warmup) { }

    /** A measured request ended, with its figures. */
    default void onRequest(RequestResult result) { }

    /** A measured request ended: the job as sent, what the chat service returned (to store it), and when it was sent. */
    default void onOutcome(ChatJob job, ChatOutcome outcome, Instant sentAt) { }

    /** Level {@code index} is over, with its figures. */
    default void onLevelDone(int index, LevelResult level) { }
}
