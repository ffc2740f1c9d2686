package dev.llmworkbench.service.batch.remote;

import java.time.Duration;

/** Waits between polls: the composition root's real one sleeps, tests' advance a fake clock. */
@FunctionalInterface
public interface Waiter {
    void await(Duration d) throws InterruptedException;
}
