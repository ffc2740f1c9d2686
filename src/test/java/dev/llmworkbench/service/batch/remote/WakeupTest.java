package dev.llmworkbench.service.batch.remote;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** A wait between polls ends when it is due, or at once when woken (after a cancel). */
class WakeupTest {
    @Test
    void aWakeEndsAWaitOfAnHour() throws Exception {
        Wakeup w = new Wakeup();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> wait = CompletableFuture.runAsync(() -> {
            waiting.countDown();
            try {
                w.await(Duration.ofHours(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        // the wake may come before the wait begins: then a second one ends it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!wait.isDone() && System.nanoTime() < deadline) { // a broken wake fails here, not after the hour
            w.wake();
            try {
                wait.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // still waiting: wake again
            }
        }
        assertThat(wait).isCompleted();
    }

    @Test
    void anUnwokenWaitEndsWhenDue() throws Exception {
        Wakeup w = new Wakeup();
        long start = System.nanoTime();
        w.await(Duration.ofMillis(30));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }
}
