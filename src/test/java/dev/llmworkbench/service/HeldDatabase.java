package dev.llmworkbench.service;

import dev.llmworkbench.store.Database;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** For tests of what must not wait for the database (the window's reads): holds it from another thread. */
public final class HeldDatabase {
    private HeldDatabase() {
    }

    /**
     * Runs {@code read} while another thread holds the database in a write transaction (as a batch's
     * export or a big read does); throws a TimeoutException if it waits more than 2 s.
     */
    public static <T> T readWhileHeld(Database db, Supplier<T> read) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> db.write(c -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        if (!holding.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("could not take the database");
        }
        try {
            return CompletableFuture.supplyAsync(read).get(2, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
    }
}
