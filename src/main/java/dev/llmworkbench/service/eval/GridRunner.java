package dev.llmworkbench.service.eval;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.service.batch.RunBudget;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a grid: column after column, the pending cells through the batch engine (its limiter, retries, budget and
 * crash-safe store), each answer said as it is stored, then the column's checks; a cancel or the budget stops it, the
 * grid's and the run's status and summary are stored at the end. Works on the thread it is called on; the checks of
 * each answer are the {@link AnswerChecker}'s.
 */
final class GridRunner {
    private static final Logger LOG = Logger.getLogger(EvalService.class.getName());

    private final EvalStore evals;
    private final BatchStore batches;
    private final RunStore runs;
    private final BatchEngine engine;
    private final GridSetup setup;
    private final GridReader reader;
    private final AnswerChecker answers;

    GridRunner(EvalStore evals, BatchStore batches, RunStore runs, BatchEngine engine, GridSetup setup,
               GridReader reader, AnswerChecker answers) {
        this.evals = evals;
        this.batches = batches;
        this.runs = runs;
        this.engine = engine;
        this.setup = setup;
        this.reader = reader;
        this.answers = answers;
    }

    /** Runs the grid and completes the handle's result: with the grid, or with the error that stopped it. */
    void runSafely(EvalService.Handle h, String gridId, EvalService.Options options,
                   EvalService.EvalListener listener) {
        try {
            h.result().complete(runGrid(h, gridId, options, listener));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "evaluation " + gridId + " stopped by an error", e);
            try {
                evals.updateStatus(gridId, "interrupted");
            } catch (RuntimeException ignored) {
                // the database may be gone
            }
            h.result().completeExceptionally(e);
        }
    }

    private EvalGrid runGrid(EvalService.Handle h, String gridId, EvalService.Options options,
                             EvalService.EvalListener listener) {
        EvalStore.GridRecord g = reader.existing(gridId);
        EvalPlan plan = EvalPlan.fromJson(g.planJson());
        evals.updateStatus(gridId, "running");
        runs.updateStatus(g.runId(), RunRecord.RUNNING);
        Map<Long, int[]> where = new HashMap<>();
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            where.put(c.itemId(), new int[] {c.col(), c.row()});
        }
        for (EvalStore.ColumnRecord column : evals.columns(gridId)) {
            if (h.cancelled() || h.stopReason() != null) {
                break;
            }
            int col = column.col();
            Map<ItemStatus, Integer> counts = batches.counts(column.jobId());
            if (counts.getOrDefault(ItemStatus.PENDING, 0) + counts.getOrDefault(ItemStatus.IN_FLIGHT, 0) > 0) {
                answer(h, gridId, plan, column, options, listener, where);
            }
            check(h, gridId, plan, col, column.jobId(), options, listener);
        }
        if (h.cancelled()) {
            h.stop("cancelled", null);
        }
        if (h.stopReason() != null) {
            listener.onStopped(h.stopReason());
        }
        String status = h.stopReason() == null ? RunRecord.DONE
                : "cancelled".equals(h.stopReason()) ? RunRecord.CANCELLED : RunRecord.DONE;
        evals.updateStatus(gridId, status);
        EvalGrid grid = reader.grid(gridId);
        runs.updateSummary(g.runId(), status, GridReader.summaryJson(grid).toString());
        return grid;
    }

    /** Sends a column's pending items through the batch engine; each answer is said as it is stored. */
    private void answer(EvalService.Handle h, String gridId, EvalPlan plan, EvalStore.ColumnRecord column,
                        EvalService.Options options, EvalService.EvalListener listener, Map<Long, int[]> where) {
        int col = column.col();
        BigDecimal left = options.budgetUsd() == null ? null
                : options.budgetUsd().subtract(reader.spentOutside(gridId, column.jobId())).max(BigDecimal.ZERO);
        BatchSettings settings = GridSetup.columnSettings(plan, col, options, left);
        EvalPlan.Provider pv = plan.providerOf(col);
        BatchTarget target = new BatchTarget(GridSetup.profile(pv), setup.key(gridId, pv), options.timeouts(),
                options.stream());
        long[] cursor = {dev.llmworkbench.service.batch.BatchService.ALL_ITEMS};
        boolean[] closed = {false};
        BatchListener follow = new BatchListener() {
            @Override
            public synchronized void onProgress(BatchProgress p) {
                if (closed[0]) {
                    return; // a report after the run ended: the verdicts, said next, are the cells' last word
                }
                listener.onProgress(col, p);
                try {
                    BatchStore.Changes ch = batches.changedSince(column.jobId(), cursor[0]);
                    cursor[0] = ch.next();
                    for (BatchStore.ItemResult ir : ch.items()) {
                        int[] at = where.get(ir.item().id());
                        if (at != null && ir.result() != null) {
                            listener.onCell(GridReader.cell(plan, at[0], at[1], ir, null));
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "could not read the answers of column " + col, e);
                }
            }
        };
        BatchEngine.Handle run = engine.start(column.jobId(), target, settings, follow, true);
        h.engineRun(run);
        if (h.cancelled()) {
            run.cancel();
        }
        BatchOutcome outcome;
        try {
            outcome = run.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.cancel();
            h.cancel();
            return;
        } catch (ExecutionException e) {
            throw new IllegalStateException("column " + (col + 1) + " stopped: " + e.getCause().getMessage(),
                    e.getCause());
        } finally {
            h.engineRun(null);
            synchronized (follow) {
                closed[0] = true;
            }
        }
        if (outcome.stopReason() != null) {
            h.stop(outcome.stopReason(), "column " + (col + 1) + ": " + outcome.stopText());
        }
    }

    /** Checks every answered cell of the column that has no verdict yet (the judge's requests a few at a time). */
    private void check(EvalService.Handle h, String gridId, EvalPlan plan, int col, String jobId, EvalService.Options options,
               EvalService.EvalListener listener) {
        Map<Long, EvalStore.CellRecord> cells = new HashMap<>();
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            if (c.col() == col) {
                cells.put(c.itemId(), c);
            }
        }
        List<BatchStore.ItemResult> todo = new ArrayList<>();
        for (BatchStore.ItemResult ir : batches.itemsWithResults(jobId)) {
            EvalStore.CellRecord c = cells.get(ir.item().id());
            if (c != null && c.pass() == null && ir.result() != null) {
                todo.add(ir);
            }
        }
        RunBudget judgeBudget = null;
        int window = GridSetup.concurrency(plan, options);
        for (int from = 0; from < todo.size(); from += window) {
            if (judgeBudget == null && plan.judged()) {
                BigDecimal cap = options.budgetUsd() == null ? null
                        : options.budgetUsd().subtract(reader.spentOutside(gridId, "")).max(BigDecimal.ZERO);
                judgeBudget = new RunBudget(cap);
            }
            List<BatchStore.ItemResult> chunk = todo.subList(from, Math.min(todo.size(), from + window));
            List<AnswerChecker.Verdicts> pending = new ArrayList<>();
            for (BatchStore.ItemResult ir : chunk) {
                EvalStore.CellRecord c = cells.get(ir.item().id());
                pending.add(answers.start(h, gridId, plan, plan.cases().get(c.row()), ir.result(), judgeBudget));
            }
            for (int k = 0; k < chunk.size(); k++) {
                BatchStore.ItemResult ir = chunk.get(k);
                EvalStore.CellRecord c = cells.get(ir.item().id());
                AnswerChecker.Verdicts v = pending.get(k);
                List<EvalChecks.Result> results = v.collect();
                boolean pass = ir.result().succeeded() && results.stream().allMatch(EvalChecks.Result::pass);
                BigDecimal judgeCost = v.judgeCost();
                evals.saveVerdict(ir.item().id(), EvalExport.GSON.toJson(results), pass,
                        judgeCost.signum() == 0 && !v.judged() ? null : judgeCost);
                listener.onCell(GridReader.cell(plan, col, c.row(), ir, new EvalStore.CellRecord(col, c.row(),
                        ir.item().id(), null, pass, judgeCost)).withChecks(results));
            }
        }
    }
}
