package dev.llmworkbench.service.eval;

import dev.llmworkbench.metrics.Percentiles;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grid as stored, for a view model, an export or a summary: its columns with their footers, its rows, its cells
 * (column-major: every row of column 0, then column 1, ...), the totals and the unsupported parts of its
 * configuration. Every figure is computed once, here, from what the store holds: an answer's cost and latency are
 * its batch item's stored result, a check's verdict and the judge's cost the grid's stored cell.
 */
public record EvalGrid(String gridId, long runId, String status, EvalPlan plan, List<Column> columns,
                       List<Row> rows, List<Cell> cells, Totals totals) {
    public EvalGrid {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        cells = List.copyOf(cells);
    }

    /** Where a cell stands. */
    public enum CellState {
        /** Not answered yet (waiting, or in flight). */
        PENDING,
        /** Answered, its checks not decided yet. */
        ANSWERED,
        /** Answered and every check passed. */
        PASSED,
        /** Answered and a check failed. */
        FAILED,
        /** The request failed (its error is said). */
        ERROR,
        /** Not sent: a cancel or the budget stopped the run. */
        NOT_RUN;

        /** As the exports name it. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** A column: prompt version × provider and model × parameters, and its footer. */
    public record Column(int col, String promptLabel, String provider, String model, String parameters,
                         String jobId, Footer footer) {
        /** One line: {@code prompt-a | openai:chat:qwen-turbo (temperature=0.2)}. */
        public String heading() {
            return promptLabel.replaceAll("\\s+", " ") + " | " + provider
                    + (parameters.isEmpty() ? "" : " (" + parameters + ")");
        }
    }

    /** A row: its index, description and variables. */
    public record Row(int row, String description, Map<String, String> vars) {
    }

    /**
     * A cell. {@code prompt}: what was sent (the filled template); {@code costUsd}: the answer's cost plus the
     * judge's (null when the model has no price and nothing was judged); {@code latencyMs}: end-to-end.
     */
    public record Cell(int col, int row, long itemId, CellState state, String prompt, String response,
                       List<EvalChecks.Result> checks, Boolean pass, BigDecimal costUsd, BigDecimal judgeCostUsd,
                       Double latencyMs, String error) {
        public Cell {
            checks = checks == null ? List.of() : List.copyOf(checks);
        }

        /** The same cell with these verdicts. */
        public Cell withChecks(List<EvalChecks.Result> results) {
            return new Cell(col, row, itemId, state, prompt, response, results, pass, costUsd, judgeCostUsd, latencyMs,
                    error);
        }

        /** Passed: answered and every check passed (a cell without checks passes when it was answered). */
        public boolean passed() {
            return state == CellState.PASSED;
        }
    }

    /**
     * A column's footer: its cells by state, the pass rate (passed / all cells; an error or a cell not run counts
     * as not passed), the mean and p95 end-to-end latency of its answered cells (null without any), and what it
     * cost (answers and judge; the judge's part apart).
     */
    public record Footer(int cells, int passed, int failed, int errors, int notRun, int pending, double passRate,
                         Double meanLatencyMs, Double p95LatencyMs, BigDecimal costUsd, BigDecimal judgeCostUsd) {
        static Footer of(List<Cell> cells) {
            int passed = 0;
            int failed = 0;
            int errors = 0;
            int notRun = 0;
            int pending = 0;
            List<Double> lat = new ArrayList<>();
            BigDecimal cost = BigDecimal.ZERO;
            BigDecimal judge = BigDecimal.ZERO;
            for (Cell c : cells) {
                switch (c.state()) {
                    case PASSED -> passed++;
                    case FAILED -> failed++;
                    case ERROR -> errors++;
                    case NOT_RUN -> notRun++;
                    case PENDING, ANSWERED -> pending++;
                    default -> throw new IllegalStateException(c.state().name());
                }
                if (c.latencyMs() != null && c.state() != CellState.ERROR) {
                    lat.add(c.latencyMs());
                }
                if (c.costUsd() != null) {
                    cost = cost.add(c.costUsd());
                }
                if (c.judgeCostUsd() != null) {
                    judge = judge.add(c.judgeCostUsd());
                }
            }
            Percentiles p = Percentiles.of(lat);
            return new Footer(cells.size(), passed, failed, errors, notRun, pending,
                    cells.isEmpty() ? 0 : (double) passed / cells.size(), p.isEmpty() ? null : p.mean(),
                    p.isEmpty() ? null : p.p95(), cost, judge);
        }
    }

    /** The whole grid's counts and cost. */
    public record Totals(int cells, int passed, int failed, int errors, int notRun, int pending, double passRate,
                         BigDecimal costUsd, BigDecimal judgeCostUsd) {
        static Totals of(List<Column> columns) {
            int cells = 0;
            int passed = 0;
            int failed = 0;
            int errors = 0;
            int notRun = 0;
            int pending = 0;
            BigDecimal cost = BigDecimal.ZERO;
            BigDecimal judge = BigDecimal.ZERO;
            for (Column c : columns) {
                Footer f = c.footer();
                cells += f.cells();
                passed += f.passed();
                failed += f.failed();
                errors += f.errors();
                notRun += f.notRun();
                pending += f.pending();
                cost = cost.add(f.costUsd());
                judge = judge.add(f.judgeCostUsd());
            }
            return new Totals(cells, passed, failed, errors, notRun, pending,
                    cells == 0 ? 0 : (double) passed / cells, cost, judge);
        }

        /** Every cell answered and passed: the command's exit 0. */
        public boolean allPassed() {
            return cells > 0 && passed == cells;
        }
    }

    /** The filters of the grid's rows. */
    public enum Filter {
        /** Every row. */
        ALL,
        /** Rows with at least one cell that did not pass (a failed check, an error, not run). */
        FAILED_ONLY,
        /** Rows whose columns disagree: some cells passed and some did not. */
        DIFFERS
    }

    /** The cell of a column and row. */
    public Cell cell(int col, int row) {
        return cells.get(col * rows.size() + row);
    }

    /** The rows the filter keeps, in order. */
    public List<Row> rows(Filter filter) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Set<Boolean> verdicts = new HashSet<>();
            for (Column c : columns) {
                verdicts.add(cell(c.col(), r.row()).passed());
            }
            boolean keep = switch (filter) {
                case ALL -> true;
                case FAILED_ONLY -> verdicts.contains(false);
                case DIFFERS -> verdicts.size() > 1;
            };
            if (keep) {
                out.add(r);
            }
        }
        return out;
    }

    /** The cells of the rows the filter keeps (with {@link Filter#FAILED_ONLY}, only the cells that did not pass). */
    public List<Cell> cells(Filter filter) {
        Set<Integer> kept = new HashSet<>();
        rows(filter).forEach(r -> kept.add(r.row()));
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            if (kept.contains(c.row()) && (filter != Filter.FAILED_ONLY || !c.passed())) {
                out.add(c);
            }
        }
        return out;
    }
}
