package dev.llmworkbench.service.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.history.HistoryService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A benchmark as the history records it, the same for the command line and the desktop: the run opened first, every
 * measured request stored as it ends (handed to the database's writer, so the network's threads go on), then the
 * summary, or the reason the run did not finish. Thread-safe.
 */
public final class BenchRecording {
    private static final Gson GSON = new Gson();
    private final HistoryService history;
    private final long runId;
    private final List<CompletableFuture<?>> writes = new ArrayList<>();

    private BenchRecording(HistoryService history, long runId) {
        this.history = history;
        this.runId = runId;
    }

    /** Opens the run ({@code settings}: the plan's JSON and how it was sent); throws when the history cannot. */
    public static BenchRecording open(HistoryService history, String prompt, String provider, String model,
                                      JsonObject settings) {
        return new BenchRecording(history, history.startBenchmark(prompt, provider, model, GSON.toJson(settings)).id());
    }

    public long runId() {
        return runId;
    }

    /** Stores one measured request (by the writer; returns at once). */
    public void record(ChatJob job, ChatOutcome outcome, Instant sentAt) {
        CompletableFuture<?> f = history.recordResultLater(runId, job, outcome, sentAt);
        synchronized (writes) {
            writes.add(f);
        }
    }

    /** A listener that stores each measured request as it ends. */
    public BenchListener listener() {
        return new BenchListener() {
            @Override
            public void onOutcome(ChatJob job, ChatOutcome outcome, Instant sentAt) {
                record(job, outcome, sentAt);
            }
        };
    }

    /** Waits until every request handed in is stored; the first failure's message, or null when all were. */
    public String awaitStored() {
        List<CompletableFuture<?>> all;
        synchronized (writes) {
            all = new ArrayList<>(writes);
        }
        for (CompletableFuture<?> f : all) {
            try {
                f.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return String.valueOf(cause.getMessage());
            }
        }
        return null;
    }

    /** Records the summary of a run that ended. */
    public void finish(BenchResult result) {
        history.finishBenchmark(runId, GSON.toJson(result.toJson()), result.ok());
    }

    /** Records that the run did not finish, and why ({@code stopped}, an error's message). */
    public void fail(String reason) {
        JsonObject failed = new JsonObject();
        failed.addProperty("error", reason);
        history.finishBenchmark(runId, GSON.toJson(failed), false);
    }
}
