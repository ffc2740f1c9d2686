package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.RemoteShardRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.ShardState;
import dev.llmworkbench.domain.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards of a provider batch job and their items' states, across a reopened database. */
class RemoteShardStoreTest {
    @TempDir
    Path dir;
    Database db;
    TestClock clock = new TestClock(Instant.parse("2026-12-03T10:00:00Z"));
    BatchStore batches;
    RemoteShardStore shards;
    String jobId;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("wb.db"));
        batches = new BatchStore(db, clock);
        shards = new RemoteShardStore(db, clock);
        long runId = new RunStore(db, clock).create(RunKind.BATCH, "batch", "in.jsonl", "sim", List.of("m"), null).id();
        List<BatchItemRecord.New> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(BatchItemRecord.New.valid(i + 1, "r" + i, "{\"messages\":[]}"));
        }
        jobId = batches.createJob(runId, "in.jsonl", "out.jsonl", "jsonl", "{}", rows).id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<Long> ids(List<BatchItemRecord> items) {
        return items.stream().map(BatchItemRecord::id).toList();
    }

    @Test
    void aProviderBatchJobLeftRunningIsNeverOfferedToTheLiveEngine() {
        batches.updateJobStatus(jobId, dev.llmworkbench.domain.JobStatus.RUNNING);
        shards.setEngine(jobId, RemoteShardStore.PROVIDER_BATCH, "{}");
        assertThat(batches.markInterrupted()).isEmpty();
        assertThat(batches.interruptedJobs()).isEmpty();
        // a live job left running is offered, as before
        shards.setEngine(jobId, RemoteShardStore.LIVE, "{}");
        assertThat(batches.markInterrupted()).extracting(dev.llmworkbench.domain.BatchJobRecord::id).containsExactly(jobId);
    }

    @Test
    void aShardGoesFromPlannedToReconciledAndSurvivesAReopen() {
        assertThat(batches.engine(jobId)).contains(RemoteShardStore.LIVE);
        shards.setEngine(jobId, RemoteShardStore.PROVIDER_BATCH, "{\"completion_window\":\"24h\"}");
        assertThat(shards.remoteJson(jobId)).contains("{\"completion_window\":\"24h\"}");
        List<BatchItemRecord> items = shards.unplannedItems(jobId);
        assertThat(items).hasSize(5);
        shards.addShards(jobId, List.of(
                new RemoteShardStore.NewShard(1, "m", false, "/tmp/s1.jsonl", "abc", 3, 300, ids(items.subList(0, 3))),
                new RemoteShardStore.NewShard(2, "m", false, "/tmp/s2.jsonl", "def", 2, 200, ids(items.subList(3, 5)))));
        assertThat(shards.unplannedItems(jobId)).isEmpty();
        assertThat(shards.nextShardNo(jobId)).isEqualTo(3);
        shards.setState(jobId, 1, ShardState.UPLOADING);
        shards.recordUpload(jobId, 1, "file-1");
        shards.setState(jobId, 1, ShardState.CREATING);
        shards.recordBatch(jobId, 1, "batch_1");
        assertThat(shards.shardItems(jobId, 1)).extracting(BatchItemRecord::status).containsOnly(ItemStatus.IN_FLIGHT);
        assertThat(shards.shardItems(jobId, 2)).extracting(BatchItemRecord::status).containsOnly(ItemStatus.PENDING);
        shards.recordSeen(jobId, 1, new RemoteShardStore.Seen("expired", 3, 1, 0, "file-out", "file-err", null));
        batches.completeAll(List.of(new BatchStore.Completed(items.get(0).id(),
                ResultRecord.builder(0).model("m").responseText("hi").usage(Usage.of(1, 2)).build())));
        shards.finishShard(jobId, 1, ShardState.RECONCILED, "the batch expired before this row ran");
        shards.finishShard(jobId, 2, ShardState.NOT_SUBMITTED, "over the budget");
        db.close();

        db = Database.open(dir.resolve("wb.db"));
        shards = new RemoteShardStore(db, clock);
        List<RemoteShardRecord> all = shards.shards(jobId);
        assertThat(all).extracting(RemoteShardRecord::state).containsExactly(ShardState.RECONCILED,
                ShardState.NOT_SUBMITTED);
        RemoteShardRecord one = all.get(0);
        assertThat(one.fileId()).isEqualTo("file-1");
        assertThat(one.batchId()).isEqualTo("batch_1");
        assertThat(one.providerStatus()).isEqualTo("expired");
        assertThat(one.outputFileId()).isEqualTo("file-out");
        assertThat(one.submittedAt()).isNotNull();
        assertThat(all.get(1).error()).isEqualTo("over the budget");
        Map<Long, String> reasons = shards.notRunReasons(jobId);
        assertThat(reasons).hasSize(4).containsEntry(items.get(1).id(), "the batch expired before this row ran")
                .containsEntry(items.get(4).id(), "over the budget");
        assertThat(shards.shardItems(jobId, 1).get(0).status()).isEqualTo(ItemStatus.DONE);

        assertThat(shards.requeueForRetry(jobId)).isEqualTo(4);
        assertThat(shards.unplannedItems(jobId)).hasSize(4);
        assertThat(shards.notRunReasons(jobId)).isEmpty();
    }
}
