package dev.llmworkbench.service.batch.remote;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Waiter} that really waits, and that {@link #wake()} cuts short: after a cancel the next look at the
 * provider's batches comes at once, not a poll interval later. Thread-safe.
 */
public final class Wakeup implements Waiter {
    private final Object lock = new Object();
    private long wakes;

    @Override
    public void await(Duration d) throws InterruptedException {
        synchronized (lock) {
            long seen = wakes;
            long end = System.nanoTime() + d.toNanos();
            while (wakes == seen) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** Ends every wait under way now. */
    public void wake() {
        synchronized (lock) {
            wakes++;
            lock.notifyAll();
        }
    }
}
