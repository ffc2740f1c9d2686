package dev.llmworkbench.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fake time for tests and simulations (benchmarks, the simulator's what-if runs): one object that is
 * a {@link Ticker}, a {@link Scheduler} and (through {@link #clock()}) a {@link Clock}, all reading
 * the same virtual instant. Time stands still until {@link #advance(Duration)} moves it; tasks that
 * fall due run in order of their due time (ties in the order they were scheduled), on the calling
 * thread, with the time set to their due time while they run. Tasks scheduled by a running task run
 * in the same {@code advance} if they fall due before its end. Thread-safe; concurrent
 * {@code advance} calls are serialised. Never use it in production wiring.
 */
public final class FakeTime implements Ticker, Scheduler {
    private static final long START_NANOS = 1_000_000_000_000L;

    private final Object lock = new Object();
    private final ReentrantLock advancing = new ReentrantLock();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final Instant startInstant;
    private final ZoneId zone;
    private long now = START_NANOS;
    private long seq;

    /** Starts at 2025-01-01T00:00:00Z in UTC. */
    public FakeTime() {
        this(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    }

    public FakeTime(Instant start, ZoneId zone) {
        this.startInstant = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public long nanos() {
        synchronized (lock) {
            return now;
        }
    }

    /** The current virtual instant. */
    public Instant instant() {
        synchronized (lock) {
            return startInstant.plusNanos(now - START_NANOS);
        }
    }

    /** A clock that follows this fake time, in the zone given at construction. */
    public Clock clock() {
        return new FakeClock(zone);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        synchronized (lock) {
            Task t = new Task(now + Math.max(0, delayNanos), seq++, task);
            queue.add(t);
            return () -> {
                synchronized (lock) {
                    return queue.remove(t);
                }
            };
        }
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way. */
    public void advance(Duration d) {
        advanceNanos(d.toNanos());
    }

    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time only moves forward: " + nanos);
        }
        advancing.lock();
        try {
            long target;
            synchronized (lock) {
                target = now + nanos;
            }
            while (true) {
                Task next;
                synchronized (lock) {
                    next = queue.peek();
                    if (next == null || next.due > target) {
                        now = target;
                        return;
                    }
                    queue.poll();
                    now = Math.max(now, next.due);
                }
                next.task.run();
            }
        } finally {
            advancing.unlock();
        }
    }

    /** Runs the tasks already due without moving time. */
    public void runDue() {
        advanceNanos(0);
    }

    /** Advances to the next task's due time and runs everything due then; false if nothing is pending. */
    public boolean runNext() {
        long delay;
        synchronized (lock) {
            Task next = queue.peek();
            if (next == null) {
                return false;
            }
            delay = Math.max(0, next.due - now);
        }
        advanceNanos(delay);
        return true;
    }

    public int pendingTasks() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private record Task(long due, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final class FakeClock extends Clock {
        private final ZoneId clockZone;

        FakeClock(ZoneId clockZone) {
            this.clockZone = clockZone;
        }

        @Override
        public ZoneId getZone() {
            return clockZone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new FakeClock(z);
        }

        @Override
        public Instant instant() {
            return FakeTime.this.instant();
        }
    }
}
