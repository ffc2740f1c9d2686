package dev.llmworkbench.resilience;

/** A handle on something scheduled; cancelling after it ran (or twice) does nothing. */
@FunctionalInterface
public interface Cancellable {
    /** @return true if this call stopped the task from running */
    boolean cancel();
}
