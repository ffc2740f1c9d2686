package dev.llmworkbench.store;

import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.RunKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchStoreTest {
    @TempDir
    Path dir;
    Database db;
    TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    RunStore runs;
    ResultStore results;
    BatchStore batches;
    long runId;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("wb.db"));
        runs = new RunStore(db, clock);
        results = new ResultStore(db);
        batches = new BatchStore(db, clock);
        runId = runs.create(RunKind.BATCH, "batch", "in.csv", "sim", List.of("qwen3-8b"), null).id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static List<BatchItemRecord.New> rows(int n) {
        List<BatchItemRecord.New> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(BatchItemRecord.New.valid(i + 2, "r" + i, "{\"prompt\":\"p" + i + "\"}"));
        }
        return out;
    }

    private ResultRecord ok(String text) {
        return ResultRecord.builder(0).model("qwen3-8b").responseText(text).usage(Usage.of(3, 4))
                .costUsd(new BigDecimal("0.0001")).build();
    }

    private BatchJobRecord job(List<BatchItemRecord.New> items) {
        return batches.createJob(runId, "/in.csv", "/out.jsonl", "jsonl",
                "{\"model\":\"qwen3-8b\",\"concurrency\":4,\"api_key_env\":\"DASHSCOPE_API_KEY\"}", items);
    }

    @Test
    void createsAJobWithItsItemsIncludingInvalidRows() {
        List<BatchItemRecord.New> items = new ArrayList<>(rows(3));
        items.add(BatchItemRecord.New.invalid(9, null, "{\"max_tokens\":\"x\"}", "max_tokens is not a number"));
        BatchJobRecord job = job(items);

        assertThat(job.id()).matches("b-20261124-[0-9a-f]{6}");
        assertThat(job.runId()).isEqualTo(runId);
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.inputPath()).isEqualTo("/in.csv");
        assertThat(job.format()).isEqualTo("jsonl");
        // the NAME of the key's variable is kept: it is not a key
        assertThat(job.settingsJson()).contains("\"api_key_env\":\"DASHSCOPE_API_KEY\"");
        List<BatchItemRecord> all = batches.items(job.id());
        assertThat(all).extracting(BatchItemRecord::seq).containsExactly(0, 1, 2, 3);
        assertThat(all.get(1).line()).isEqualTo(3);
        assertThat(all.get(1).requestId()).isEqualTo("r1");
        assertThat(all.get(1).rowJson()).isEqualTo("{\"prompt\":\"p1\"}");
        assertThat(all.get(3).status()).isEqualTo(ItemStatus.INVALID);
        assertThat(all.get(3).invalidReason()).isEqualTo("max_tokens is not a number");
        assertThat(batches.counts(job.id())).containsEntry(ItemStatus.PENDING, 3).containsEntry(ItemStatus.INVALID, 1)
                .containsEntry(ItemStatus.DONE, 0);
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::seq).containsExactly(0, 1, 2);
        assertThat(batches.pendingItems(job.id(), 2)).hasSize(2);
        assertThat(batches.findJobByRun(runId)).contains(job);
        assertThat(batches.listJobs()).containsExactly(job);
        assertThatThrownBy(() -> batches.complete(all.get(3).id(), ok("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tenThousandItemsGoInOneBatchedTransaction() {
        BatchJobRecord job = job(rows(10_000));
        assertThat(batches.counts(job.id()).get(ItemStatus.PENDING)).isEqualTo(10_000);
        List<BatchItemRecord> first = batches.pendingItems(job.id(), 3);
        assertThat(first).extracting(BatchItemRecord::requestId).containsExactly("r0", "r1", "r2");
    }

    @Test
    void changedSinceReadsWhatChangedFromTheLastReadOnEvenWhenTheClockStepsBack() {
        BatchJobRecord job = job(rows(5));
        List<BatchItemRecord> items = batches.items(job.id());
        BatchStore.Changes all = batches.changedSince(job.id(), Long.MIN_VALUE);
        assertThat(all.items()).hasSize(5);
        assertThat(all.next()).isEqualTo(clock.millis());

        // what was written in the cursor's millisecond comes once more; after that, nothing changed, nothing comes
        clock.advance(java.time.Duration.ofMillis(1));
        BatchStore.Changes again = batches.changedSince(job.id(), all.next());
        assertThat(again.items()).hasSize(5);
        BatchStore.Changes none = batches.changedSince(job.id(), again.next());
        assertThat(none.items()).isEmpty();

        clock.advance(java.time.Duration.ofSeconds(10));
        batches.markInFlight(job.id(), List.of(items.get(3).id(), items.get(1).id()));
        clock.advance(java.time.Duration.ofMillis(5));
        batches.complete(items.get(3).id(), ok("answer 3"));
        BatchStore.Changes some = batches.changedSince(job.id(), none.next());
        assertThat(some.items()).extracting(ir -> ir.item().requestId()).containsExactly("r1", "r3");
        assertThat(some.items().get(1).result().responseText()).isEqualTo("answer 3");
        assertThat(some.items().get(0).result()).isNull();
        clock.advance(java.time.Duration.ofMillis(1));
        BatchStore.Changes last = batches.changedSince(job.id(), some.next());
        assertThat(last.items()).extracting(ir -> ir.item().requestId()).as("written in the cursor's millisecond")
                .containsExactly("r3");

        // a write after a read is found by the next read, even in the read's millisecond
        BatchStore.Changes before = batches.changedSince(job.id(), last.next());
        assertThat(before.items()).isEmpty();
        batches.complete(items.get(1).id(), ok("answer 1"));
        assertThat(batches.changedSince(job.id(), before.next()).items()).extracting(ir -> ir.item().requestId())
                .containsExactly("r1");

        // the clock steps back (a time server): a write after the last read is still found by the next
        BatchStore.Changes after = batches.changedSince(job.id(), before.next());
        clock.advance(java.time.Duration.ofMinutes(-5));
        batches.markInFlight(job.id(), List.of(items.get(4).id()));
        assertThat(batches.changedSince(job.id(), after.next()).items()).extracting(ir -> ir.item().requestId())
                .contains("r4");
        // a cursor from elsewhere, ahead of this store's time: everything, rather than miss a change
        assertThat(batches.changedSince(job.id(), Long.MAX_VALUE - 1).items()).hasSize(5);
    }

    @Test
    void completeStoresTheResultAndMovesTheItemTogether() {
        BatchJobRecord job = job(rows(3));
        List<BatchItemRecord> items = batches.items(job.id());
        long a = items.get(0).id();
        long b = items.get(1).id();
        assertThat(batches.markInFlight(job.id(), a, new Reservation(new BigDecimal("0.002"), 1100))).isTrue();
        assertThat(batches.markInFlight(job.id(), a, Reservation.NONE)).as("already in flight").isFalse();
        assertThat(batches.markInFlight(job.id(), List.of(b))).isEqualTo(1);
        assertThat(batches.reservedInFlight(job.id()).usd()).isEqualByComparingTo("0.002");
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::id).doesNotContain(a, b);

        ResultRecord stored = batches.complete(a, ok("answer A"));
        assertThat(stored.runId()).isEqualTo(runId);
        assertThat(stored.itemId()).isEqualTo(a);
        assertThat(results.findByItem(a)).contains(stored);
        BatchItemRecord doneA = batches.item(a).orElseThrow();
        assertThat(doneA.status()).isEqualTo(ItemStatus.DONE);
        assertThat(doneA.reservation()).isEqualTo(Reservation.NONE);

        batches.complete(b, ResultRecord.builder(0).error(ApiError.of(ApiError.Kind.AUTH, 401, "bad key")).build());
        assertThat(batches.item(b).orElseThrow().status()).isEqualTo(ItemStatus.FAILED);

        // a second result for the same item is refused and nothing changes
        assertThatThrownBy(() -> batches.complete(a, ok("again"))).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith(" is done: it cannot take a result");
        assertThatThrownBy(() -> batches.complete(999_999L, ok("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("no batch item 999999");
        assertThat(results.countByRun(runId)).isEqualTo(2);
        assertThat(results.findByItem(a).orElseThrow().responseText()).isEqualTo("answer A");
        // a done item can't be put in flight again
        assertThat(batches.markInFlight(job.id(), List.of(a))).isZero();
        assertThat(batches.release(a)).isFalse();
    }

    @Test
    void completeIsAtomicWhenTheStatusUpdateFails() {
        BatchJobRecord job = job(rows(2));
        long target = batches.items(job.id()).get(1).id();
        batches.markInFlight(job.id(), List.of(target));
        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER boom BEFORE UPDATE OF status ON batch_items WHEN NEW.status = 'done' "
                        + "AND NEW.seq = 1 BEGIN SELECT RAISE(ABORT, 'boom'); END");
            }
            return null;
        });
        assertThatThrownBy(() -> batches.complete(target, ok("lost?"))).isInstanceOf(StoreException.class);
        assertThat(results.findByItem(target)).as("the result insert was rolled back").isEmpty();
        assertThat(batches.item(target).orElseThrow().status()).isEqualTo(ItemStatus.IN_FLIGHT);
    }

    @Test
    void resumeRecoveryRequeuesInFlightItemsAndReportsTheirReservations() {
        BatchJobRecord job = job(rows(5));
        List<BatchItemRecord> items = batches.items(job.id());
        batches.updateJobStatus(job.id(), JobStatus.RUNNING);
        batches.markInFlight(job.id(), items.get(0).id(), new Reservation(new BigDecimal("0.01"), 100));
        batches.complete(items.get(0).id(), ok("A"));
        batches.markInFlight(job.id(), items.get(1).id(), new Reservation(new BigDecimal("0.02"), 200));
        batches.markInFlight(job.id(), items.get(2).id(), new Reservation(new BigDecimal("0.03"), 300));
        // "crash": nothing else happens; a new process opens the database
        db.close();
        db = Database.open(dir.resolve("wb.db"));
        batches = new BatchStore(db, clock);
        results = new ResultStore(db);

        assertThat(batches.markInterrupted()).extracting(BatchJobRecord::id).containsExactly(job.id());
        assertThat(batches.interruptedJobs()).extracting(BatchJobRecord::status).containsExactly(JobStatus.INTERRUPTED);
        BatchStore.Recovery rec = batches.resumeRecovery(job.id());
        assertThat(rec.requeued()).extracting(BatchItemRecord::seq).containsExactly(1, 2);
        assertThat(rec.reserved()).isEqualTo(new Reservation(new BigDecimal("0.05"), 500));
        assertThat(batches.counts(job.id())).containsEntry(ItemStatus.PENDING, 4).containsEntry(ItemStatus.DONE, 1)
                .containsEntry(ItemStatus.IN_FLIGHT, 0);
        // the done item is never offered again
        assertThat(batches.pendingItems(job.id(), 100)).extracting(BatchItemRecord::seq).containsExactly(1, 2, 3, 4);
        assertThat(batches.resumeRecovery(job.id()).requeued()).as("idempotent").isEmpty();
    }

    @Test
    void anItemLeftInFlightWithAResultIsNeverSentAgain() {
        BatchJobRecord job = job(rows(2));
        long a = batches.items(job.id()).get(0).id();
        batches.markInFlight(job.id(), List.of(a));
        // simulate a state complete() cannot produce: a result stored while the item still says in_flight
        db.write(c -> ResultStore.insert(c, db.redactor(), ok("A").withRunId(runId).withItemId(a)));
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::id).doesNotContain(a);
        BatchStore.Recovery rec = batches.resumeRecovery(job.id());
        assertThat(rec.requeued()).isEmpty();
        assertThat(batches.item(a).orElseThrow().status()).isEqualTo(ItemStatus.DONE);
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::seq).containsExactly(1);
    }

    @Test
    void forEachItemWithResultWalksEveryItemInOrderAPageAtATimeWithoutHoldingTheDatabase() throws Exception {
        int n = BatchStore.PAGE * 2 + 34;
        BatchJobRecord job = job(rows(n));
        List<BatchItemRecord> items = batches.items(job.id());
        batches.markInFlight(job.id(), List.of(items.get(n - 1).id()));
        batches.complete(items.get(n - 1).id(), ok("last"));
        List<String> seen = new ArrayList<>();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            batches.forEachItemWithResult(job.id(), ir -> {
                seen.add(ir.item().requestId());
                if (seen.size() == BatchStore.PAGE + 1) {
                    // another thread writes while the walk is under way: it must not wait for the walk's end
                    Future<?> write = other.submit(() -> batches.markInFlight(job.id(), List.of(items.get(0).id())));
                    try {
                        write.get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("a write waited for the walk", e);
                    }
                }
            });
        } finally {
            other.shutdownNow();
        }
        assertThat(seen).hasSize(n).first().isEqualTo("r0");
        assertThat(seen).last().isEqualTo("r" + (n - 1));
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(batches.itemsWithResults(job.id()).get(n - 1).result().responseText()).isEqualTo("last");
    }

    @Test
    void notRunItemsAndReleaseAndExportView() {
        BatchJobRecord job = job(rows(4));
        List<BatchItemRecord> items = batches.items(job.id());
        batches.markInFlight(job.id(), List.of(items.get(0).id(), items.get(1).id()));
        batches.complete(items.get(0).id(), ok("A"));
        assertThat(batches.release(items.get(1).id())).isTrue();
        assertThat(batches.markNotRun(job.id())).isEqualTo(3);
        assertThat(batches.pendingItems(job.id(), 10)).isEmpty();

        List<BatchStore.ItemResult> view = batches.itemsWithResults(job.id());
        assertThat(view).hasSize(4);
        assertThat(view.get(0).item().status()).isEqualTo(ItemStatus.DONE);
        assertThat(view.get(0).result().responseText()).isEqualTo("A");
        assertThat(view.get(0).result().usage()).isEqualTo(Usage.of(3, 4));
        assertThat(view.get(1).item().status()).isEqualTo(ItemStatus.NOT_RUN);
        assertThat(view.get(1).result()).isNull();

        assertThat(batches.requeueNotRun(job.id())).isEqualTo(3);
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::seq).containsExactly(1, 2, 3);
        assertThat(batches.markNotRun(job.id(), List.of(items.get(3).id(), items.get(0).id()))).isEqualTo(1);
        assertThat(batches.updateJobStatus(job.id(), JobStatus.DONE)).isTrue();
        assertThat(batches.findJob(job.id()).orElseThrow().status()).isEqualTo(JobStatus.DONE);
        assertThat(batches.markInterrupted()).isEmpty();
    }

    @Test
    void manyThreadsCompletingAtOnceLoseNothing() throws Exception {
        int n = 2000;
        int threads = 8;
        BatchJobRecord job = job(rows(n));
        ConcurrentLinkedQueue<BatchItemRecord> queue = new ConcurrentLinkedQueue<>(batches.pendingItems(job.id(), n));
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    int done = 0;
                    BatchItemRecord it;
                    while ((it = queue.poll()) != null) {
                        if (batches.markInFlight(job.id(), it.id(), new Reservation(new BigDecimal("0.001"), 10))) {
                            batches.complete(it.id(), ok("answer " + it.requestId()));
                            done++;
                        }
                    }
                    return done;
                }));
            }
            // a reader (the UI) polls meanwhile
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                    Map<ItemStatus, Integer> counts = batches.counts(job.id());
                    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
                    reads++;
                }
                return reads;
            });
            start.countDown();
            int total = 0;
            for (Future<Integer> f : workers) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
            assertThat(total).isEqualTo(n);
        } finally {
            pool.shutdownNow();
        }
        assertThat(batches.counts(job.id())).containsEntry(ItemStatus.DONE, n).containsEntry(ItemStatus.IN_FLIGHT, 0);
        List<ResultRecord> all = results.listByRun(runId);
        assertThat(all).hasSize(n);
        Set<Long> itemIds = new HashSet<>();
        for (ResultRecord r : all) {
            itemIds.add(r.itemId());
            String rid = batches.item(r.itemId()).orElseThrow().requestId();
            assertThat(r.responseText()).isEqualTo("answer " + rid);
        }
        assertThat(itemIds).hasSize(n);
    }

    @Test
    void groupCommitStoresSeveralResultsInOneGoAndSkipsOnesThatCannotTakeAResult() {
        BatchJobRecord job = job(rows(4));
        List<BatchItemRecord> items = batches.pendingItems(job.id(), 10);
        Reservation res = new Reservation(new BigDecimal("0.01"), 100);
        boolean[] moved = batches.markInFlightAll(job.id(), List.of(new BatchStore.Launch(items.get(0).id(), res),
                new BatchStore.Launch(items.get(1).id(), res), new BatchStore.Launch(items.get(2).id(), res)));
        assertThat(moved).containsExactly(true, true, true);
        // a second launch of the same item does not move it again
        assertThat(batches.markInFlightAll(job.id(), List.of(new BatchStore.Launch(items.get(0).id(), res))))
                .containsExactly(false);
        batches.complete(items.get(2).id(), ok("early"));
        List<ResultRecord> stored = batches.completeAll(List.of(
                new BatchStore.Completed(items.get(0).id(), ok("a")),
                new BatchStore.Completed(items.get(1).id(), ok("b")),
                new BatchStore.Completed(items.get(2).id(), ok("again")),
                new BatchStore.Completed(999_999L, ok("nowhere"))));
        assertThat(stored).hasSize(4);
        assertThat(stored.get(3)).isNull();
        assertThat(stored.get(0).responseText()).isEqualTo("a");
        assertThat(stored.get(1).responseText()).isEqualTo("b");
        assertThat(stored.get(2)).isNull();
        assertThat(batches.counts(job.id())).containsEntry(ItemStatus.DONE, 3).containsEntry(ItemStatus.PENDING, 1);
        assertThat(batches.pendingItems(job.id(), 10)).extracting(BatchItemRecord::id).containsExactly(items.get(3).id());
        assertThat(results.listByRun(runId)).extracting(ResultRecord::responseText)
                .containsExactlyInAnyOrder("early", "a", "b");
    }
}
