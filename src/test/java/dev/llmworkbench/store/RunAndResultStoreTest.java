package dev.llmworkbench.store;

import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.RunQuery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAndResultStoreTest {
    @TempDir
    Path dir;
    Database db;
    TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    RunStore runs;
    ResultStore results;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("wb.db"));
        runs = new RunStore(db, clock);
        results = new ResultStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aRunRoundTripsAndItsStatusAndSummaryChange() {
        RunRecord r = runs.create(RunKind.BENCHMARK, "TTFT claim", "Say hi", "sim", List.of("qwen3-8b"),
                "{\"concurrency\":[1,2,4]}");
        assertThat(r.id()).isPositive();
        assertThat(r.kind()).isEqualTo(RunKind.BENCHMARK);
        assertThat(r.status()).isEqualTo(RunRecord.RUNNING);
        assertThat(r.createdAt()).isEqualTo(clock.instant());
        assertThat(r.settingsJson()).isEqualTo("{\"concurrency\":[1,2,4]}");
        assertThat(r.summaryJson()).isNull();

        clock.advance(Duration.ofSeconds(5));
        assertThat(runs.updateSummary(r.id(), RunRecord.DONE, "{\"p50\":41.5}")).isTrue();
        RunRecord done = runs.find(r.id()).orElseThrow();
        assertThat(done.status()).isEqualTo("done");
        assertThat(done.summaryJson()).isEqualTo("{\"p50\":41.5}");
        assertThat(done.updatedAt()).isEqualTo(clock.instant());
        assertThat(runs.updateStatus(r.id(), RunRecord.FAILED)).isTrue();
        assertThat(runs.find(r.id()).orElseThrow().status()).isEqualTo("failed");
        assertThat(runs.updateStatus(9999, RunRecord.FAILED)).isFalse();
    }

    @Test
    void listFiltersByKindTextModelTimeAndPages() {
        RunRecord a = runs.create(RunKind.SINGLE, "Haiku about rain", "write a haiku", "sim", List.of("qwen3-8b"), null);
        clock.advance(Duration.ofHours(1));
        RunRecord b = runs.create(RunKind.COMPARE, "Compare", "explain 100% of_it", "sim",
                List.of("qwen3-8b", "qwen3-max"), null);
        clock.advance(Duration.ofHours(1));
        RunRecord c = runs.create(RunKind.BATCH, "nightly", "input.csv", "sim", List.of("qwen3-max"), null);

        assertThat(runs.list(RunQuery.all())).extracting(RunRecord::id).containsExactly(c.id(), b.id(), a.id());
        assertThat(runs.list(RunQuery.all().withKind(RunKind.COMPARE))).extracting(RunRecord::id)
                .containsExactly(b.id());
        assertThat(runs.list(RunQuery.all().withText("HAIKU"))).extracting(RunRecord::id).containsExactly(a.id());
        assertThat(runs.list(RunQuery.all().withText("input.csv"))).extracting(RunRecord::id).containsExactly(c.id());
        // LIKE wildcards in the search text are literal
        assertThat(runs.list(RunQuery.all().withText("100%"))).extracting(RunRecord::id).containsExactly(b.id());
        assertThat(runs.list(RunQuery.all().withText("e_p"))).isEmpty(); // "exp" would match a wildcard
        assertThat(runs.list(RunQuery.all().withModel("qwen3-max"))).extracting(RunRecord::id)
                .containsExactly(c.id(), b.id());
        assertThat(runs.list(RunQuery.all().withModel("qwen3"))).isEmpty();
        Instant start = Instant.parse("2026-11-24T10:30:00Z");
        assertThat(runs.list(RunQuery.all().between(start, start.plus(Duration.ofHours(1)))))
                .extracting(RunRecord::id).containsExactly(b.id());
        assertThat(runs.list(RunQuery.all().page(2, 0))).extracting(RunRecord::id).containsExactly(c.id(), b.id());
        assertThat(runs.list(RunQuery.all().page(2, 2))).extracting(RunRecord::id).containsExactly(a.id());
        assertThat(runs.count(RunQuery.all().page(1, 0))).isEqualTo(3);
        assertThat(runs.count(RunQuery.all().withModel("qwen3-8b"))).isEqualTo(2);
    }

    @Test
    void aResultRoundTripsEveryField() {
        RunRecord run = runs.create(RunKind.SINGLE, "t", "p", "sim", List.of("qwen3-8b"), null);
        ResultRecord r = ResultRecord.builder(run.id())
                .model("qwen3-8b").provider("sim")
                .requestJson("{\"model\":\"qwen3-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":64}")
                .responseText("Hello!").reasoning("The user greets.")
                .toolCallsJson("[{\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]")
                .finishReason("stop")
                .usage(new Usage(12, 30, 42, 20, 4, false))
                .timing(new Timing(41.5, 90.25, 300.0, 8.9, List.of(5.0, 6.5), 30, 12.0, 320.0))
                .costUsd(new BigDecimal("0.000123456789"))
                .attempts(List.of(new Attempt(1, 429, "rate_limited", "slow down", 3.0, 0.0),
                        new Attempt(2, 200, null, null, 300.0, 1000.0)))
                .check(false, "contains:hello failed")
                .startedAt(Instant.parse("2026-11-24T10:00:00.123Z"))
                .endedAt(Instant.parse("2026-11-24T10:00:01.456Z"))
                .build();
        ResultRecord stored = results.insert(r);
        assertThat(stored.id()).isNotNull();
        assertThat(results.find(stored.id())).contains(stored);

        ResultRecord failed = results.insert(ResultRecord.builder(run.id()).model("qwen3-8b")
                .error(new ApiError(ApiError.Kind.SERVER, 503, "overloaded", "try later", true, null, null))
                .build());
        ResultRecord back = results.find(failed.id()).orElseThrow();
        assertThat(back.error()).isEqualTo(new ApiError(ApiError.Kind.SERVER, 503, "overloaded", "try later", true,
                null, null));
        assertThat(back.usage()).isNull();
        assertThat(back.timing()).isNull();
        assertThat(back.costUsd()).isNull();
        assertThat(back.succeeded()).isFalse();
        assertThat(results.listByRun(run.id())).extracting(ResultRecord::id).containsExactly(stored.id(), failed.id());
        assertThat(results.listByRun(run.id(), 1, 1)).extracting(ResultRecord::id).containsExactly(failed.id());
        assertThat(results.countByRun(run.id())).isEqualTo(2);

        // the chunk gaps are kept to the microsecond
        ResultRecord precise = results.insert(ResultRecord.builder(run.id()).model("qwen3-8b")
                .timing(new Timing(1.0, 1.0, 2.0, 0.5, List.of(0.123456789, 1234.5678912, 0.0004, 7.0), 4, 0, 2))
                .build());
        assertThat(results.find(precise.id()).orElseThrow().timing().chunkGapsMs())
                .containsExactly(0.123, 1234.568, 0.0, 7.0);
    }

    @Test
    void deletingARunDeletesItsResultsAndBatchJobs() {
        RunRecord run = runs.create(RunKind.BATCH, "t", "p", "sim", List.of("m"), null);
        RunRecord other = runs.create(RunKind.SINGLE, "t", "p", "sim", List.of("m"), null);
        BatchStore batches = new BatchStore(db, clock);
        BatchJobRecord job = batches.createJob(run.id(), "in.csv", "out.jsonl", "jsonl", "{}",
                List.of(BatchItemRecord.New.valid(2, "r0", "{\"prompt\":\"a\"}")));
        long itemId = batches.items(job.id()).get(0).id();
        batches.complete(itemId, ResultRecord.builder(run.id()).responseText("A").build());
        results.insert(ResultRecord.builder(run.id()).responseText("x").build());
        results.insert(ResultRecord.builder(other.id()).responseText("y").build());

        assertThat(runs.delete(run.id())).isTrue();
        assertThat(runs.find(run.id())).isEmpty();
        assertThat(results.countByRun(run.id())).isZero();
        assertThat(batches.findJob(job.id())).isEmpty();
        assertThat(batches.item(itemId)).isEmpty();
        assertThat(results.countByRun(other.id())).isEqualTo(1);
        assertThat(runs.delete(run.id())).isFalse();
    }
}
