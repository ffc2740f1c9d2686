package dev.llmworkbench.service.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pause, resume and cancel of a running batch, against the simulator over real HTTP. */
class BatchEngineControlTest {
    @TempDir
    Path dir;
    private BatchRig rig;
    private Database db;
    private BatchService service;

    @BeforeEach
    void setUp() {
        rig = new BatchRig(dir, RetryPolicy.defaults(() -> 0.5));
        db = rig.db();
        service = rig.service();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private record Started(BatchService.Prepared prepared, BatchEngine.Handle handle) {
    }

    /**
     * Follows a run's progress reports: each future from {@link #until} completes with the first report,
     * after it was asked for, that matches. The engine reports after every change (an item sent or ended,
     * pause, resume), so a state is awaited by asking for it before the step that leads to it.
     */
    private static final class ProgressWatch implements BatchListener {
        private record Waiting(Predicate<BatchProgress> condition, CompletableFuture<BatchProgress> met) {
        }

        private final List<Waiting> waiting = new CopyOnWriteArrayList<>();

        CompletableFuture<BatchProgress> until(Predicate<BatchProgress> condition) {
            Waiting w = new Waiting(condition, new CompletableFuture<>());
            waiting.add(w);
            return w.met();
        }

        @Override
        public void onProgress(BatchProgress progress) {
            for (Waiting w : waiting) {
                if (!w.met().isDone() && w.condition().test(progress)) {
                    w.met().complete(progress);
                }
            }
        }
    }

    private Started start(Simulator sim, int rows, int concurrency, BatchListener listener) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append("{\"prompt\":\"question ").append(i).append("\",\"max_tokens\":20}\n");
        }
        Path input = Files.writeString(dir.resolve("in.jsonl"), sb.toString());
        ProviderProfile profile = ProviderProfile.of("sim", sim.baseUrl());
        BatchSettings settings = new BatchSettings("qwen3-235b-a22b", false, null, concurrency, null, null, null, null,
                profile.baseUrl(), null, null, null);
        BatchService.Prepared p = service.create(input, dir.resolve("out.jsonl"), "jsonl", settings, profile.name());
        BatchEngine.Handle h = service.start(p.job().id(), new BatchTarget(profile, null, Timeouts.defaults()),
                settings, listener);
        return new Started(p, h);
    }

    @Test
    void pausedRunsSendNothingNewAndResumeFinishesEveryItemOnce() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=400")))) {
            ProgressWatch watch = new ProgressWatch();
            CompletableFuture<BatchProgress> twoDone = watch.until(p -> p.done() >= 2);
            Started s = start(sim, 12, 2, watch);
            twoDone.get(20, TimeUnit.SECONDS);
            // the requests in flight finish; then nothing is in flight while paused
            CompletableFuture<BatchProgress> drained = watch.until(p -> p.paused() && p.inFlight() == 0);
            s.handle().pause();
            drained.get(20, TimeUnit.SECONDS);
            BatchProgress paused = s.handle().progress();
            assertThat(paused.paused()).isTrue();
            assertThat(service.job(s.prepared().job().id()).orElseThrow().status()).isEqualTo(JobStatus.PAUSED);
            assertThat(sim.requestCount()).isEqualTo(paused.done() + paused.failed());
            assertThat(paused.done()).isLessThan(12);

            s.handle().resume();
            BatchOutcome o = s.handle().result().get(30, TimeUnit.SECONDS);
            assertThat(o.progress().done()).isEqualTo(12);
            assertThat(sim.requestCount()).isEqualTo(12);
            assertThat(service.store().counts(o.jobId())).containsEntry(ItemStatus.DONE, 12);
        }
    }

    @Test
    void cancellingStopsTheRequestsInFlightAndMarksTheRestNotRun() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=5")))) {
            Started s = start(sim, 10, 2, BatchListener.NONE);
            // two slow requests under way: the simulator counts what it received and tells nobody
            Poll.until("the simulator received two requests", Duration.ofSeconds(20), () -> sim.requestCount() >= 2);
            s.handle().cancel();
            BatchOutcome o = s.handle().result().get(20, TimeUnit.SECONDS);
            assertThat(o.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(o.stopReason()).isEqualTo("cancelled");
            var counts = service.store().counts(o.jobId());
            assertThat(counts.get(ItemStatus.NOT_RUN)).isEqualTo(10 - counts.get(ItemStatus.DONE) - counts.get(ItemStatus.FAILED));
            int finished = counts.get(ItemStatus.DONE) + counts.get(ItemStatus.FAILED);
            assertThat(counts.get(ItemStatus.NOT_RUN)).isGreaterThanOrEqualTo(2);
            assertThat(counts.get(ItemStatus.IN_FLIGHT)).isZero();
            assertThat(counts.get(ItemStatus.PENDING)).isZero();
            // only the two requests in flight at the cancel were sent beyond those that finished
            assertThat(sim.requestCount()).isLessThanOrEqualTo(finished + 2L);
        }
    }

    @Test
    void retryingTheFailedItemsSendsThemAndNothingElse() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0")))) {
            Started s = start(sim, 8, 2, BatchListener.NONE);
            BatchOutcome first = s.handle().result().get(30, TimeUnit.SECONDS);
            String job = first.jobId();
            BatchStore store = service.store();
            assertThat(store.counts(job)).containsEntry(ItemStatus.DONE, 8);
            // as if two had failed and a cancel had left two not run
            var items = store.items(job);
            db.write(c -> {
                try (var st = c.createStatement()) {
                    st.executeUpdate("UPDATE batch_items SET status = 'failed' WHERE id IN (" + items.get(1).id() + ", "
                            + items.get(5).id() + ")");
                    st.executeUpdate("UPDATE batch_items SET status = 'not_run' WHERE id IN (" + items.get(6).id() + ", "
                            + items.get(7).id() + ")");
                    st.executeUpdate("DELETE FROM results WHERE item_id IN (" + items.get(6).id() + ", "
                            + items.get(7).id() + ")");
                }
                return null;
            });
            long sent = sim.requestCount();
            ProviderProfile profile = ProviderProfile.of("sim", sim.baseUrl());
            BatchSettings settings = new BatchSettings("qwen3-235b-a22b", false, null, 2, null, null, null, null,
                    profile.baseUrl(), null, null, null);
            BatchOutcome retried = service.retryFailed(job, new BatchTarget(profile, null,
                    Timeouts.defaults()), settings, null).result().get(30, TimeUnit.SECONDS);
            assertThat(sim.requestCount() - sent).as("only the two failed items were sent").isEqualTo(2);
            assertThat(store.item(items.get(1).id()).orElseThrow().status()).isEqualTo(ItemStatus.DONE);
            assertThat(store.item(items.get(5).id()).orElseThrow().status()).isEqualTo(ItemStatus.DONE);
            assertThat(store.item(items.get(6).id()).orElseThrow().status()).isEqualTo(ItemStatus.NOT_RUN);
            assertThat(store.item(items.get(7).id()).orElseThrow().status()).isEqualTo(ItemStatus.NOT_RUN);
            assertThat(retried.progress().done()).isEqualTo(6);
        }
    }

    @Test
    void aRowCancelledMidStreamKeepsWhatItWasBilledSoTheJobsSpendFromTheStoreIsTheRunsSpend() throws Exception {
        // every stream sends about half its answer at once, then goes silent: the two rows in flight at the cancel
        // have streamed text (billed for what arrived) and end not run, without a result
        // the client is seen waiting for more of a stream after text arrived: everything before was read and
        // counted, so a cancel now is a cancel mid-stream (not before the first chunk)
        java.util.concurrent.CountDownLatch waitingAfterText = new java.util.concurrent.CountDownLatch(2);
        rig.close();
        rig = new BatchRig(dir, RetryPolicy.defaults(() -> 0.5), chain -> {
            okhttp3.Response r = chain.proceed(chain.request());
            okhttp3.ResponseBody body = r.body();
            okio.Source watched = new okio.ForwardingSource(body.source()) {
                private boolean sawText;
                private boolean counted;

                @Override
                public long read(okio.Buffer sink, long byteCount) throws java.io.IOException {
                    if (sawText && !counted) {
                        counted = true;
                        waitingAfterText.countDown();
                    }
                    long start = sink.size();
                    long n = super.read(sink, byteCount);
                    if (n > 0 && sink.snapshot().substring((int) start).utf8().contains("\"content\":\"")) {
                        sawText = true;
                    }
                    return n;
                }
            };
            return r.newBuilder().body(okhttp3.ResponseBody.Companion.create(okio.Okio.buffer(watched),
                    body.contentType(), -1L)).build();
        });
        db = rig.db();
        service = rig.service();
        String job;
        java.math.BigDecimal spentBefore;
        BatchStore store = service.store();
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0,stall=1")))) {
            Started s = start(sim, 6, 2, BatchListener.NONE);
            assertThat(waitingAfterText.await(20, TimeUnit.SECONDS)).as("two streams sent text, then went silent").isTrue();
            job = s.prepared().job().id();
            s.handle().cancel();
            BatchOutcome cancelled = s.handle().result().get(20, TimeUnit.SECONDS);
            assertThat(store.counts(job)).containsEntry(ItemStatus.NOT_RUN, 6);
            java.math.BigDecimal billed = store.items(job).stream().map(i -> i.billedUsd())
                    .filter(java.util.Objects::nonNull).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
            assertThat(billed).as("the run billed the streamed text").isPositive()
                    .isEqualByComparingTo(cancelled.progress().spentUsd());
            // what the store says the job cost is what the run said it spent
            assertThat(service.summary(job).costUsdTotal()).isEqualByComparingTo(cancelled.progress().spentUsd());
            var line = BatchExport.line(new BatchStore.ItemResult(store.items(job).stream()
                    .filter(i -> i.billedUsd() != null).findFirst().orElseThrow(), null));
            assertThat(line.get("note").getAsString()).contains("cancelled mid-stream was billed");
            assertThat(line.get("engine").getAsString()).isEqualTo("live");
            assertThat(line.get("provider_request_id").isJsonNull()).isTrue();
            assertThat(new java.math.BigDecimal(line.get("cost_usd").getAsString())).isPositive();
            spentBefore = cancelled.progress().spentUsd();
        }
        // Continue on a server that answers: the job's spend read back counts the earlier billed attempts too
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0")))) {
            ProviderProfile profile = ProviderProfile.of("sim", sim.baseUrl());
            BatchSettings settings = new BatchSettings("qwen3-235b-a22b", false, null, 2, null, null, null, null,
                    profile.baseUrl(), null, null, null);
            BatchOutcome continued = service.start(job, new BatchTarget(profile, null, Timeouts.defaults()), settings,
                    BatchListener.NONE).result().get(30, TimeUnit.SECONDS);
            assertThat(store.counts(job)).containsEntry(ItemStatus.DONE, 6);
            java.math.BigDecimal results = java.math.BigDecimal.ZERO;
            for (var ir : store.itemsWithResults(job)) {
                results = results.add(ir.result().costUsd());
            }
            assertThat(continued.progress().spentUsd()).as("the run's spend: the earlier billed attempts and the results")
                    .isEqualByComparingTo(results.add(spentBefore));
            assertThat(service.summary(job).costUsdTotal()).isEqualByComparingTo(continued.progress().spentUsd());
        }
    }
}
