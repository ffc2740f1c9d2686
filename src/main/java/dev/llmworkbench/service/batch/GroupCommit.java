package dev.llmworkbench.service.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Items handed in from any thread (the requests' threads), taken in groups of at most {@code max} by one
 * task at a time on {@code executor}: what finished meanwhile is stored in one transaction (group commit),
 * and no network thread waits for the store.
 */
final class GroupCommit<T> {
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Executor executor;
    private final int max;
    private final Consumer<List<T>> group;

    GroupCommit(Executor executor, int max, Consumer<List<T>> group) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.max = max;
        this.group = Objects.requireNonNull(group, "group");
    }

    void add(T item) {
        queue.add(item);
        if (draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            List<T> batch = new ArrayList<>();
            T t;
            while (batch.size() < max && (t = queue.poll()) != null) {
                batch.add(t);
            }
            if (batch.isEmpty()) {
                draining.set(false);
                // an item added after the poll and before the flag was cleared is taken now
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            group.accept(batch);
        }
    }
}
