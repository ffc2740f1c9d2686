package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        assertThat(blank).isEqualTo("failed: an unexpected error (the details are in the log)");
    }

    @Test
    void callShowsTheFailureThenFailsWithItsCause() throws Exception {
        List<String> shown = new ArrayList<>();
        CompletableFuture<Integer> f = tasks.call("a job", () -> {
            throw new IOException("the disk is full");
        }, v -> shown.add("done " + v), e -> shown.add("failed: " + e));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("the disk is full");
        assertThat(shown).containsExactly("failed: the disk is full");
        assertThat(uiThreads).hasSize(1);

        assertThat(tasks.call("a job", () -> 7, v -> shown.add("done " + v), e -> shown.add("failed: " + e))
                .get(5, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(shown).endsWith("done 7");
    }

    @Test
    void execRunsWorkWithoutAResult() throws Exception {
        List<String> shown = new ArrayList<>();
        tasks.exec("a job", () -> shown.add("worked on " + Thread.currentThread().getName()),
                () -> shown.add("shown"), e -> shown.add("failed: " + e)).get(5, TimeUnit.SECONDS);
        assertThat(shown).containsExactly("worked on tasks-test-work", "shown");
    }

    @Test
    void aResultMadeElsewhereIsShownOnTheUiThreadAndItsFailureInWords() throws Exception {
        List<String> shown = new ArrayList<>();
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> f = tasks.follow("a run", source, v -> shown.add("got " + v),
                e -> shown.add("failed: " + e));
        assertThat(f).isNotDone();
        source.complete("an answer");
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("an answer");

        CompletableFuture<String> failed = tasks.follow("a run",
                CompletableFuture.failedFuture(new CompletionException(new IllegalStateException("line one\nline two"))),
                v -> shown.add("got " + v), e -> shown.add("failed: " + e));
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);
        assertThat(shown).containsExactly("got an answer", "failed: line one line two");
        assertThat(uiThreads).hasSize(2);
    }

    @Test
    void aFailureOfTheUiStepIsShownTooNotLost() throws Exception {
        List<String> shown = new ArrayList<>();
        CompletableFuture<Integer> f = tasks.call("a job", () -> 1, v -> {
            throw new IllegalArgumentException("the table is gone");
        }, e -> shown.add("failed: " + e));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().hasMessage("the table is gone");
        assertThat(shown).containsExactly("failed: the table is gone");
        String r = tasks.<Integer, String>run("a job", () -> 1, v -> {
            throw new IllegalArgumentException("the table is gone");
        }, e -> "failed: " + e).get(5, TimeUnit.SECONDS);
        assertThat(r).isEqualTo("failed: the table is gone");
    }

    @Test
    void moreWorkAfterAResultMadeElsewhereRunsOnTheWorkExecutor() throws Exception {
        CompletableFuture<Integer> source = new CompletableFuture<>();
        CompletableFuture<String> next = tasks.thenWork(source, v -> v + " on " + Thread.currentThread().getName());
        source.complete(3);
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("3 on tasks-test-work");
        assertThat(uiThreads).isEmpty();
    }

    @Test
    void wrappersAreTakenOff() {
        IOException io = new IOException("gone");
        assertThat(Tasks.cause(new CompletionException(new ExecutionException(io)))).isSameAs(io);
        assertThat(Tasks.message(new CompletionException(io))).isEqualTo("gone");
    }
}
