package dev.llmworkbench.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that can only be observed by asking: a counter kept by another server, a port
 * that a server's own thread closes. Prefer a future, a latch or a listener that the code under test
 * completes; use this only where there is none.
 *
 * <p>The condition is asked on a daemon thread of its own every {@link #INTERVAL}, which completes a future
 * the first time it holds; the caller blocks on that future (no sleep), and fails with {@code what} when
 * the time is up. A small stand-in for Awaitility ({@code await().atMost(timeout).until(condition)}) until
 * that is a test dependency.
 */
public final class Poll {
    /** How often the condition is asked. */
    public static final Duration INTERVAL = Duration.ofMillis(10);

    private Poll() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param what    the condition in words, for the failure message
     * @throws AssertionError when it does not hold within {@code timeout}, or asking it throws
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ScheduledExecutorService asker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-poll: " + what);
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Void> met = new CompletableFuture<>();
        try {
            asker.scheduleWithFixedDelay(() -> {
                try {
                    if (condition.getAsBoolean()) {
                        met.complete(null);
                    }
                } catch (RuntimeException | Error e) {
                    met.completeExceptionally(e);
                }
            }, 0, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
            met.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError("asking failed: " + what, e.getCause());
        } finally {
            asker.shutdownNow();
        }
    }
}
