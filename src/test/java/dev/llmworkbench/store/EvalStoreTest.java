package dev.llmworkbench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalStoreTest {
    @TempDir
    Path dir;

    @Test
    void migrationNineWidensTheRunKindsAndKeepsEveryStoredRow() {
        Path file = dir.resolve("wb.db");
        long runId;
        try (Database v8 = Database.open(file, 8)) {
            RunStore runs = new RunStore(v8);
            RunRecord run = runs.create(RunKind.BATCH, "old batch", "in.csv", "sim", List.of("m"), "{}");
            runId = run.id();
            BatchStore batches = new BatchStore(v8);
            BatchJobRecord job = batches.createJob(runId, "in.csv", "out.jsonl", "jsonl", "{}",
                    List.of(BatchItemRecord.New.valid(1, "r1", "{\"messages\":[]}")));
            long item = batches.items(job.id()).get(0).id();
            batches.complete(item, ResultRecord.builder(runId).model("m").responseText("kept").build());
            assertThatThrownBy(() -> runs.create(RunKind.EVAL, "eval", null, null, List.of(), "{}"))
                    .isInstanceOf(RuntimeException.class);
        }
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Schema.latestVersion());
            assertThat(new ResultStore(db).listByRun(runId)).singleElement()
                    .satisfies(r -> assertThat(r.responseText()).isEqualTo("kept"));
            RunRecord eval = new RunStore(db).create(RunKind.EVAL, "grid", "cfg.yaml", "p", List.of("m"), "{}");
            assertThat(new RunStore(db).find(eval.id()).orElseThrow().kind()).isEqualTo(RunKind.EVAL);
            // the check is still there: a kind it does not name is refused
            assertThatThrownBy(() -> db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO runs (kind, created_at, updated_at, status) VALUES ('bogus', 0, 0, 'done')")) {
                    return ps.executeUpdate();
                }
            })).isInstanceOf(RuntimeException.class);
            assertThat(db.pragma("integrity_check")).isEqualTo("ok");
        }
    }

    @Test
    void gridsColumnsCellsVerdictsAndRequeue() {
        try (Database db = Database.open(dir.resolve("wb.db"))) {
            RunRecord run = new RunStore(db).create(RunKind.EVAL, "grid", "cfg.yaml", "p", List.of("m"), "{}");
            EvalStore evals = new EvalStore(db);
            EvalStore.GridRecord grid = evals.createGrid(run.id(), "cfg.yaml", "{\"title\":\"t\"}");
            BatchStore batches = new BatchStore(db);
            BatchJobRecord job = batches.createJob(run.id(), "cfg.yaml", null, "jsonl", "{}", List.of(
                    BatchItemRecord.New.valid(1, "row-1", "{\"messages\":[]}"),
                    BatchItemRecord.New.valid(2, "row-2", "{\"messages\":[]}")));
            List<Long> ids = batches.items(job.id()).stream().map(BatchItemRecord::id).toList();
            evals.addColumn(grid.id(), 0, job.id(), ids);
            assertThat(evals.columns(grid.id())).containsExactly(new EvalStore.ColumnRecord(0, job.id()));
            assertThat(evals.gridByRun(run.id()).orElseThrow().id()).isEqualTo(grid.id());

            batches.complete(ids.get(0), ResultRecord.builder(run.id()).model("m").responseText("a")
                    .costUsd(new BigDecimal("0.0205")).build());
            assertThat(evals.saveVerdict(ids.get(0), "[]", true, new BigDecimal("0.001"))).isTrue();
            assertThat(evals.cells(grid.id())).containsExactly(
                    new EvalStore.CellRecord(0, 0, ids.get(0), "[]", true, new BigDecimal("0.001")),
                    new EvalStore.CellRecord(0, 1, ids.get(1), null, null, null));

            assertThat(evals.requeue(List.of(ids.get(0)))).isEqualTo(1);
            assertThat(batches.item(ids.get(0)).orElseThrow().status()).isEqualTo(ItemStatus.PENDING);
            assertThat(new ResultStore(db).findByItem(ids.get(0))).isEmpty();
            assertThat(evals.cells(grid.id()).get(0).pass()).isNull();
            // the replaced answer and its judging were paid for: the item keeps what they cost
            assertThat(batches.item(ids.get(0)).orElseThrow().billedUsd()).isEqualByComparingTo("0.0215");
            assertThat(batches.item(ids.get(1)).orElseThrow().billedUsd()).isNull();
            batches.complete(ids.get(0), ResultRecord.builder(run.id()).model("m").responseText("b")
                    .costUsd(new BigDecimal("0.01")).build());
            assertThat(evals.requeue(List.of(ids.get(0), ids.get(1)))).isEqualTo(2);
            assertThat(batches.item(ids.get(0)).orElseThrow().billedUsd()).isEqualByComparingTo("0.0315");
            assertThat(batches.item(ids.get(1)).orElseThrow().billedUsd()).isNull();

            // deleting the run deletes its grid, columns and cells
            new RunStore(db).delete(run.id());
            assertThat(evals.grid(grid.id())).isEmpty();
            assertThat(evals.cells(grid.id())).isEmpty();
        }
    }
}
