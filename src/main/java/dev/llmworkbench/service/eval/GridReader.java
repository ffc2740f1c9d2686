package dev.llmworkbench.service.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.EvalStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a grid back from the store: its cells (each a batch item, its result and its verdict), the columns with their
 * footers, the rows, the totals, what was spent, and the summary of the command's {@code --json} and the history.
 */
final class GridReader {
    private final EvalStore evals;
    private final BatchStore batches;

    GridReader(EvalStore evals, BatchStore batches) {
        this.evals = evals;
        this.batches = batches;
    }

    /** The grid's record. @throws IllegalArgumentException when there is no such grid */
    EvalStore.GridRecord existing(String gridId) {
        return evals.grid(gridId).orElseThrow(() -> new IllegalArgumentException("no evaluation grid '" + gridId + "'"));
    }

    /** The grid's id of an {@code eval} run, if it has one. */
    Optional<String> gridOfRun(long runId) {
        return evals.gridByRun(runId).map(EvalStore.GridRecord::id);
    }

    /** The grid as stored: columns with footers, rows, cells. @throws IllegalArgumentException when unknown */
    EvalGrid grid(String gridId) {
        EvalStore.GridRecord g = existing(gridId);
        EvalPlan plan = EvalPlan.fromJson(g.planJson());
        Map<String, Map<Long, BatchStore.ItemResult>> byJob = new HashMap<>();
        List<EvalStore.ColumnRecord> columns = evals.columns(gridId);
        for (EvalStore.ColumnRecord c : columns) {
            Map<Long, BatchStore.ItemResult> m = new HashMap<>();
            for (BatchStore.ItemResult ir : batches.itemsWithResults(c.jobId())) {
                m.put(ir.item().id(), ir);
            }
            byJob.put(c.jobId(), m);
        }
        Map<Integer, String> jobOf = new HashMap<>();
        columns.forEach(c -> jobOf.put(c.col(), c.jobId()));
        List<EvalGrid.Cell> cells = new ArrayList<>();
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            BatchStore.ItemResult ir = byJob.get(jobOf.get(c.col())).get(c.itemId());
            cells.add(cell(plan, c.col(), c.row(), ir, c).withChecks(checksOf(c.checksJson())));
        }
        List<EvalGrid.Column> cols = new ArrayList<>();
        for (EvalStore.ColumnRecord c : columns) {
            EvalPlan.Provider pv = plan.providerOf(c.col());
            List<EvalGrid.Cell> mine = cells.stream().filter(x -> x.col() == c.col()).toList();
            cols.add(new EvalGrid.Column(c.col(), plan.promptOf(c.col()).label(), pv.name(), pv.model(),
                    pv.parameters(), c.jobId(), EvalGrid.Footer.of(mine)));
        }
        List<EvalGrid.Row> rows = new ArrayList<>();
        for (int r = 0; r < plan.cases().size(); r++) {
            EvalPlan.Case c = plan.cases().get(r);
            rows.add(new EvalGrid.Row(r, c.description(), c.vars()));
        }
        return new EvalGrid(gridId, g.runId(), g.status(), plan, cols, rows, cells, EvalGrid.Totals.of(cols));
    }

    private static List<EvalChecks.Result> checksOf(String json) {
        if (json == null) {
            return List.of();
        }
        return EvalExport.GSON.fromJson(json, new TypeToken<List<EvalChecks.Result>>() { }.getType());
    }

    /** A cell from its item and result, and its verdict when it has one (null: not checked yet); checks not set. */
    static EvalGrid.Cell cell(EvalPlan plan, int col, int row, BatchStore.ItemResult ir, EvalStore.CellRecord c) {
        BatchItemRecord item = ir.item();
        ResultRecord r = ir.result();
        String prompt = promptText(item.rowJson());
        EvalGrid.CellState state;
        String error = null;
        if (r == null) {
            state = item.status() == ItemStatus.NOT_RUN ? EvalGrid.CellState.NOT_RUN
                    : item.status() == ItemStatus.INVALID ? EvalGrid.CellState.ERROR : EvalGrid.CellState.PENDING;
            if (state == EvalGrid.CellState.NOT_RUN) {
                error = "not run" + (item.invalidReason() == null ? "" : ": " + item.invalidReason());
            } else if (state == EvalGrid.CellState.ERROR) {
                error = item.invalidReason();
            }
        } else if (!r.succeeded()) {
            state = EvalGrid.CellState.ERROR;
            error = r.error().describe();
        } else if (c == null || c.pass() == null) {
            state = EvalGrid.CellState.ANSWERED;
        } else {
            state = c.pass() ? EvalGrid.CellState.PASSED : EvalGrid.CellState.FAILED;
        }
        BigDecimal judge = c == null ? null : c.judgeCostUsd();
        // what the row spent: its answer and what a request cancelled mid-stream was billed (the batch's one rule)
        BigDecimal answer = dev.llmworkbench.service.batch.BatchExport.rowCost(item, r);
        BigDecimal cost = answer == null && judge == null ? null
                : (answer == null ? BigDecimal.ZERO : answer).add(judge == null ? BigDecimal.ZERO : judge);
        Double latency = r == null || r.timing() == null ? null : r.timing().e2eMs();
        return new EvalGrid.Cell(col, row, item.id(), state, prompt, r == null ? null : r.responseText(), List.of(),
                c == null ? null : c.pass(), cost, judge, latency, error);
    }

    /** The prompt a cell sends, as text: its one message, or the conversation as JSON. */
    private static String promptText(String rowJson) {
        if (rowJson == null) {
            return null;
        }
        BatchRow row = BatchRow.fromJson(rowJson);
        if (row.messages().size() == 1) {
            return row.messages().get(0).content();
        }
        JsonArray a = new JsonArray();
        for (Message m : row.messages()) {
            JsonObject o = new JsonObject();
            o.addProperty("role", m.role().wireName());
            o.addProperty("content", m.content());
            a.add(o);
        }
        return EvalExport.GSON.toJson(a);
    }

    /** What was spent outside this column: the other columns' answers and every judge request. */
    BigDecimal spentOutside(String gridId, String jobId) {
        BigDecimal spent = BigDecimal.ZERO;
        for (EvalStore.ColumnRecord c : evals.columns(gridId)) {
            if (c.jobId().equals(jobId)) {
                continue;
            }
            for (BatchStore.ItemResult ir : batches.itemsWithResults(c.jobId())) {
                BigDecimal row = dev.llmworkbench.service.batch.BatchExport.rowCost(ir.item(), ir.result());
                if (row != null) {
                    spent = spent.add(row);
                }
            }
        }
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            if (c.judgeCostUsd() != null) {
                spent = spent.add(c.judgeCostUsd());
            }
        }
        return spent;
    }

    /**
     * The summary of a grid (the {@code --json} of the command, and the run's summary in the history): per column
     * its pass rate, mean and p95 latency and cost, the totals, the unsupported parts and the warnings.
     */
    static JsonObject summaryJson(EvalGrid grid) {
        JsonObject o = new JsonObject();
        o.addProperty("grid", grid.gridId());
        o.addProperty("run_id", grid.runId());
        o.addProperty("status", grid.status());
        JsonArray cols = new JsonArray();
        for (EvalGrid.Column c : grid.columns()) {
            EvalGrid.Footer f = c.footer();
            JsonObject j = new JsonObject();
            j.addProperty("column", c.col() + 1);
            j.addProperty("prompt_label", c.promptLabel());
            j.addProperty("provider", c.provider());
            j.addProperty("model", c.model());
            j.addProperty("parameters", c.parameters());
            counts(j, f.cells(), f.passed(), f.failed(), f.errors(), f.notRun(), f.pending(), f.passRate());
            JsonObject lat = new JsonObject();
            lat.addProperty("mean", round(f.meanLatencyMs()));
            lat.addProperty("p95", round(f.p95LatencyMs()));
            j.add("latency_ms", lat);
            j.addProperty("cost_usd", f.costUsd().stripTrailingZeros());
            j.addProperty("judge_cost_usd", f.judgeCostUsd().stripTrailingZeros());
            cols.add(j);
        }
        o.add("columns", cols);
        EvalGrid.Totals t = grid.totals();
        JsonObject tot = new JsonObject();
        counts(tot, t.cells(), t.passed(), t.failed(), t.errors(), t.notRun(), t.pending(), t.passRate());
        tot.addProperty("cost_usd", t.costUsd().stripTrailingZeros());
        tot.addProperty("judge_cost_usd", t.judgeCostUsd().stripTrailingZeros());
        o.add("totals", tot);
        JsonArray un = new JsonArray();
        for (EvalPlan.Unsupported u : grid.plan().unsupported()) {
            JsonObject j = new JsonObject();
            j.addProperty("what", u.what());
            j.addProperty("why", u.why());
            j.addProperty("count", u.count());
            JsonArray w = new JsonArray();
            u.where().forEach(w::add);
            j.add("where", w);
            un.add(j);
        }
        o.add("unsupported", un);
        JsonArray warn = new JsonArray();
        grid.plan().warnings().forEach(warn::add);
        o.add("warnings", warn);
        return o;
    }

    private static void counts(JsonObject j, int cells, int passed, int failed, int errors, int notRun, int pending,
                               double rate) {
        j.addProperty("cells", cells);
        j.addProperty("passed", passed);
        j.addProperty("failed", failed);
        j.addProperty("errors", errors);
        j.addProperty("not_run", notRun);
        j.addProperty("unfinished", pending);
        j.addProperty("pass_rate", Math.round(rate * 10000) / 10000.0);
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }
}
