package dev.llmworkbench.resilience;

/**
 * A monotonic nanosecond source: only differences between two readings mean anything. Injected
 * everywhere time is measured, so tests use a fake clock (FakeTime, in the tests) and take no real time.
 */
@FunctionalInterface
public interface Ticker {
    long nanos();

    /** The real ticker: {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
