package dev.llmworkbench.resilience;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay. Every wait in this package goes through one, so tests drive it with
 * a fake clock (FakeTime, in the tests). The real one wraps an executor that the composition root creates and shuts down
 * (this package never creates threads).
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, {@code delayNanos} from now (≤ 0: as soon as possible). */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduler over the given executor; its threads run the tasks. */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return (task, delayNanos) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
