package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.store.ResultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash rule: a child JVM runs {@code batch} against a slow simulator and is killed
 * ({@code destroyForcibly}) once some results are stored; {@code batch --resume} then finishes the job:
 * every item has exactly one result and no item with a stored result is sent again.
 */
class BatchKillResumeTest {
    private static final int ROWS = 60;

    @TempDir
    Path dir;

    @Test
    void killedChildThenResumedEveryItemHasExactlyOneResultAndNothingStoredIsResent() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=50,tps=200")))) {
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < ROWS; i++) {
                rows.append("{\"request_id\":\"q").append(i).append("\",\"prompt\":\"question ").append(i)
                        .append("\",\"max_tokens\":20}\n");
            }
            Path in = Files.writeString(dir.resolve("in.jsonl"), rows.toString());
            Path out = dir.resolve("out.jsonl");
            Path db = dir.resolve("wb.db");
            Path childErr = dir.resolve("child.err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "dev.llmworkbench.Main", "batch", "--input", in.toString(), "--output", out.toString(),
                    "--base-url", sim.baseUrl(), "--concurrency", "4", "--rpm", "1000000", "--tpm", "1000000000",
                    "--db", db.toString())
                    .redirectError(childErr.toFile()).redirectOutput(dir.resolve("child.out").toFile()).start();
            String jobId;
            Set<Long> storedBeforeResume = new HashSet<>();
            try {
                jobId = awaitJobId(childErr, child);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                try (Database d = Database.open(db)) {
                    BatchStore store = new BatchStore(d);
                    while (store.counts(jobId).get(ItemStatus.DONE) < 8) {
                        assertThat(System.nanoTime()).as("results stored in time").isLessThan(deadline);
                        assertThat(child.isAlive()).as("child still running").isTrue();
                        LockSupport.parkNanos(20_000_000L); // poll interval
                    }
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            long requestsBefore = sim.requestCount();
            int inFlightAtKill;
            try (Database d = Database.open(db)) {
                BatchStore store = new BatchStore(d);
                Map<ItemStatus, Integer> counts = store.counts(jobId);
                assertThat(counts.get(ItemStatus.DONE)).isGreaterThanOrEqualTo(8).isLessThan(ROWS);
                inFlightAtKill = counts.get(ItemStatus.IN_FLIGHT);
                for (BatchStore.ItemResult ir : store.itemsWithResults(jobId)) {
                    if (ir.result() != null) {
                        storedBeforeResume.add(ir.item().id());
                    }
                }
                assertThat(storedBeforeResume).hasSize(counts.get(ItemStatus.DONE));
            }
            assertThat(Files.exists(out)).as("the killed child wrote no export").isFalse();

            CliRun.Result r = CliRun.run("batch", "--resume", jobId, "--db", db.toString());

            assertThat(r.code()).as(r.err()).isEqualTo(0);
            assertThat(r.err().lines().findFirst().orElseThrow()).isEqualTo("job: " + jobId);
            // only the items without a stored result were sent again (those in flight at the kill included)
            assertThat(sim.requestCount() - requestsBefore).isEqualTo(ROWS - storedBeforeResume.size());
            try (Database d = Database.open(db)) {
                BatchStore store = new BatchStore(d);
                ResultStore results = new ResultStore(d);
                List<BatchStore.ItemResult> items = store.itemsWithResults(jobId);
                assertThat(items).hasSize(ROWS).allSatisfy(ir -> {
                    assertThat(ir.item().status()).isEqualTo(ItemStatus.DONE);
                    assertThat(ir.result()).isNotNull();
                });
                long runId = store.findJob(jobId).orElseThrow().runId();
                assertThat(results.countByRun(runId)).isEqualTo(ROWS);
                Set<Long> itemIds = results.listByRun(runId).stream().map(x -> x.itemId()).collect(Collectors.toSet());
                assertThat(itemIds).hasSize(ROWS);
                // stored results from before the kill were kept, not replaced
                for (BatchStore.ItemResult ir : items) {
                    if (storedBeforeResume.contains(ir.item().id())) {
                        assertThat(ir.result().attempts()).hasSize(1);
                    }
                }
            }
            assertThat(Files.readAllLines(out)).hasSize(ROWS);
            if (inFlightAtKill > 0) {
                assertThat(r.err()).contains(inFlightAtKill + " row" + (inFlightAtKill == 1 ? " was" : "s were")
                        + " in flight when the earlier run stopped").contains("not counted as spent");
            }
        }
    }

    private static String awaitJobId(Path err, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (Files.exists(err)) {
                for (String l : Files.readAllLines(err)) {
                    if (l.startsWith("job: ")) {
                        return l.substring(5).trim();
                    }
                }
            }
            assertThat(child.isAlive()).as("child alive while waiting for its job id").isTrue();
            assertThat(System.nanoTime()).as("job id printed in time").isLessThan(deadline);
            LockSupport.parkNanos(20_000_000L); // poll interval
        }
    }
}
