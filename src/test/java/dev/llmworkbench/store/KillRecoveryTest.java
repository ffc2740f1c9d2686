package dev.llmworkbench.store;

import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.RunKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result is committed when {@code complete} returns: a {@code kill -9} right after loses nothing. */
class KillRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void killedMidBatchEveryReportedResultIsStoredAndTheInFlightItemIsRequeued() throws Exception {
        Path file = dir.resolve("wb.db");
        String jobId;
        try (Database db = Database.open(file)) {
            long run = new RunStore(db).create(RunKind.BATCH, "kill", "in", "sim", List.of("m"), null).id();
            List<BatchItemRecord.New> rows = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                rows.add(BatchItemRecord.New.valid(i + 1, "r" + i, "{\"prompt\":\"" + i + "\"}"));
            }
            BatchStore batches = new BatchStore(db);
            jobId = batches.createJob(run, "in", "out", "jsonl", null, rows).id();
            batches.updateJobStatus(jobId, JobStatus.RUNNING);
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), file.toString(), jobId, "30")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("in_flight")) {
                    break;
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(lines).hasSize(31).last().isEqualTo("in_flight 30");

        try (Database db = Database.open(file)) {
            BatchStore batches = new BatchStore(db);
            ResultStore results = new ResultStore(db);
            assertThat(batches.markInterrupted()).extracting(BatchJobRecord::id).containsExactly(jobId);
            assertThat(batches.counts(jobId)).containsEntry(ItemStatus.DONE, 30).containsEntry(ItemStatus.IN_FLIGHT, 1)
                    .containsEntry(ItemStatus.PENDING, 69);
            for (BatchItemRecord it : batches.items(jobId).subList(0, 30)) {
                assertThat(results.findByItem(it.id()).orElseThrow().responseText()).isEqualTo("answer " + it.seq());
            }
            BatchStore.Recovery rec = batches.resumeRecovery(jobId);
            assertThat(rec.requeued()).extracting(BatchItemRecord::seq).containsExactly(30);
            assertThat(rec.reserved()).isEqualTo(new Reservation(new BigDecimal("0.25"), 2048));
            List<BatchItemRecord> pending = batches.pendingItems(jobId, 1000);
            assertThat(pending).hasSize(70);
            assertThat(pending.get(0).seq()).isEqualTo(30);
        }
    }
}
