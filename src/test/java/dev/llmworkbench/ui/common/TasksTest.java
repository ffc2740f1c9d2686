package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TasksTest {
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> new Thread(r, "tasks-test-work"));
    private final List<String> uiThreads = new ArrayList<>();
    private final Tasks tasks = new Tasks(work, r -> {
        uiThreads.add(Thread.currentThread().getName());
        r.run();
    });

    @AfterEach
    void stop() {
        work.shutdownNow();
    }

    @Test
    void theWorkRunsOffTheUiThreadAndItsResultComesBackThroughTheUiExecutor() throws Exception {
        List<String> workThread = new ArrayList<>();
        String r = tasks.run("a job", () -> {
            workThread.add(Thread.currentThread().getName());
            return 21;
        }, v -> "got " + v * 2, e -> "failed: " + e).get(5, TimeUnit.SECONDS);
        assertThat(r).isEqualTo("got 42");
        assertThat(workThread).containsExactly("tasks-test-work");
        assertThat(uiThreads).hasSize(1);
    }

    @Test
    void aFailureReachesTheOneHandlerAsItsCausesMessage() throws Exception {
        String r = tasks.<Integer, String>run("a job", () -> {
            throw new IOException("the disk is full");
        }, v -> "done", e -> "failed: " + e).get(5, TimeUnit.SECONDS);
        assertThat(r).isEqualTo("failed: the disk is full");
        String blank = tasks.<Integer, String>run("a job", () -> {
            throw new IllegalStateException();
        }, v -> "done", e -> "failed: " + e).get(5, TimeUnit.SECONDS);
        assertThat(blank).isEqualTo("failed: IllegalStateException");
    }

    @Test
    void wrappersAreTakenOff() {
        IOException io = new IOException("gone");
        assertThat(Tasks.cause(new CompletionException(new ExecutionException(io)))).isSameAs(io);
        assertThat(Tasks.message(new CompletionException(io))).isEqualTo("gone");
    }
}
