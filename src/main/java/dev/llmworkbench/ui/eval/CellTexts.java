package dev.llmworkbench.ui.eval;

import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.eval.EvalChecks;
import dev.llmworkbench.service.eval.EvalGrid;
import java.math.BigDecimal;
import java.util.Locale;

/** The grid's figures in words: formats what the service computed, computes nothing. Pure functions. */
public final class CellTexts {
    /** How much of an answer a cell shows (the detail pane shows all of it). */
    static final int SHORT = 80;

    private CellTexts() {
    }

    /** A cell's state in one word: pass, fail, error, not run, pending, answered. */
    public static String verdict(EvalGrid.Cell c) {
        if (c == null) {
            return "";
        }
        return switch (c.state()) {
            case PASSED -> "pass";
            case FAILED -> "fail";
            case ERROR -> "error";
            case NOT_RUN -> "not run";
            case PENDING -> "pending";
            case ANSWERED -> "checking";
        };
    }

    /** A cell in the grid: its verdict and cost on the first line, the start of its answer (or error) below. */
    public static String cell(EvalGrid.Cell c) {
        if (c == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(verdict(c));
        if (c.costUsd() != null) {
            sb.append(" · ").append(usd(c.costUsd()));
        }
        if (c.latencyMs() != null && c.state() != EvalGrid.CellState.ERROR) {
            sb.append(" · ").append(ms(c.latencyMs()));
        }
        String body = c.response() != null ? c.response() : c.error();
        if (body != null && !body.isBlank()) {
            String one = body.strip().replaceAll("\\s+", " ");
            sb.append('\n').append(one.length() > SHORT ? one.substring(0, SHORT - 1) + "…" : one);
        }
        return sb.toString();
    }

    /** A footer's pass rate: {@code 20/20 passed (100.0%)}. */
    public static String passRate(EvalGrid.Footer f) {
        return f.passed() + "/" + f.cells() + " passed (" + percent(f.passRate()) + ")";
    }

    /** A footer's latencies: {@code mean 12 ms · p95 20 ms}, or "no latency" without an answer. */
    public static String latency(EvalGrid.Footer f) {
        return f.meanLatencyMs() == null ? "no latency" : "mean " + ms(f.meanLatencyMs()) + " · p95 "
                + ms(f.p95LatencyMs());
    }

    /** A footer's cost: {@code $0.0012 (judge $0.0001)}. */
    public static String cost(EvalGrid.Footer f) {
        return usd(f.costUsd()) + (f.judgeCostUsd().signum() == 0 ? "" : " (judge " + usd(f.judgeCostUsd()) + ")");
    }

    /** The whole grid: passed, failed, errors, not run and the cost. */
    public static String totals(EvalGrid.Totals t) {
        return t.passed() + "/" + t.cells() + " passed (" + percent(t.passRate()) + ") · " + t.failed() + " failed · "
                + t.errors() + " errors · " + t.notRun() + " not run · " + usd(t.costUsd())
                + (t.judgeCostUsd().signum() == 0 ? "" : " (judge " + usd(t.judgeCostUsd()) + ")");
    }

    /**
     * Where a grid stands: {@code done: 80/80 cells answered}; cells a cancel or the budget left unsent are not
     * answered and are said apart ({@code cancelled: 9/12 cells answered, 3 not run}).
     */
    static String progress(EvalGrid g) {
        EvalGrid.Totals t = g.totals();
        int answered = t.cells() - t.pending() - t.notRun();
        return g.status() + ": " + answered + "/" + t.cells() + " cells answered"
                + (t.notRun() == 0 ? "" : ", " + t.notRun() + " not run");
    }

    /**
     * The batch engine's report on the column under way, as {@code eval} prints it on stderr:
     * {@code column 2: 5/10 done, 0 failed, 2 in flight, ...}.
     */
    static String progress(int col, BatchProgress p) {
        return "column " + (col + 1) + ": " + p.describe();
    }

    /** Why a run stopped before its end, and what to do; "" when it ran to its end. */
    static String stop(String reason, String text, EvalGrid.Totals t) {
        if (reason == null) {
            return "";
        }
        String cells = t.notRun() == 1 ? "1 cell not run" : t.notRun() + " cells not run";
        return switch (reason) {
            case "cancelled" -> "Cancelled: " + cells + " (Run sends them)";
            case "budget" -> "Stopped by the budget (" + text + "): " + cells + " (raise the budget, then Run)";
            default -> "Stopped (" + text + "): " + cells + " (Run sends them)";
        };
    }

    /** A cell in full, for the detail pane. */
    public static String detail(EvalGrid.Column col, EvalGrid.Cell c) {
        if (c == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Row ").append(c.row() + 1).append(" · column ").append(col.col() + 1).append(": ")
                .append(col.heading()).append('\n');
        sb.append(verdict(c));
        if (c.costUsd() != null) {
            sb.append(" · cost ").append(usd(c.costUsd()));
            if (c.judgeCostUsd() != null && c.judgeCostUsd().signum() != 0) {
                sb.append(" (judge ").append(usd(c.judgeCostUsd())).append(')');
            }
        }
        if (c.latencyMs() != null) {
            sb.append(" · end-to-end ").append(ms(c.latencyMs()));
        }
        sb.append("\n\nChecks:\n");
        if (c.checks().isEmpty()) {
            sb.append("  none").append(c.state() == EvalGrid.CellState.PENDING ? " yet" : "").append('\n');
        }
        for (EvalChecks.Result r : c.checks()) {
            sb.append(r.pass() ? "  pass  " : "  FAIL  ").append(r.type());
            if (r.value() != null) {
                sb.append(": ").append(r.value());
            }
            if (r.reason() != null && !r.reason().isBlank()) {
                sb.append(" (").append(r.reason()).append(')');
            }
            sb.append('\n');
        }
        if (c.error() != null) {
            sb.append("\nError: ").append(c.error()).append('\n');
        }
        sb.append("\nPrompt sent:\n").append(c.prompt() == null ? "" : c.prompt()).append('\n');
        sb.append("\nAnswer:\n").append(c.response() == null ? "(none)" : c.response());
        return sb.toString();
    }

    /** An amount in USD as every view and the command line write it ({@link Amounts#usd}); "no price" for none. */
    static String usd(BigDecimal v) {
        return v == null ? "no price" : Amounts.usd(v);
    }

    static String ms(Double v) {
        return v == null ? "—" : Math.round(v) + " ms";
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }
}
