package dev.llmworkbench.cli;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.eval.EvalConfigException;
import dev.llmworkbench.service.eval.EvalExport;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalPlan;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.service.eval.PromptfooImport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eval --config FILE --output FILE [--json]}: imports a promptfoo configuration, runs its grid (prompts ×
 * providers × test cases) on the batch engine, writes one line per cell and exits 1 when any check fails.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Run a promptfoo configuration (promptfooconfig.yaml: prompts, openai:chat: providers with",
                "apiBaseUrl, tests with vars and assertions) as an evaluation grid, crash-safe in the history.",
                "Writes one line per cell to --output (JSONL; .csv and .html by extension): prompt, prompt_label,",
                "provider, model, vars, response, checks [{type, value, pass, reason}], pass, cost_usd, latency_ms,",
                "error. Prints a summary per column (pass rate, mean and p95 latency, cost) and the parts of the",
                "configuration that are not run. Exit 0 when every cell passed, 1 when a check failed (or a request",
                "failed or was not run), 2 for wrong usage (a missing or broken configuration, an unknown provider id)."})
public class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "the promptfoo configuration (promptfooconfig.yaml)")
    Path config;

    @Option(names = "--output", paramLabel = "FILE", description = "where to write one line per cell (.jsonl; .csv, .html)")
    Path output;

    @Mixin
    JsonOption json;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "requests in flight per column (default: evaluateOptions.maxConcurrency, else 4)")
    Integer concurrency;

    @Option(names = "--budget-usd", paramLabel = "X", description = "the most the whole grid may spend (answers and judge), in USD")
    BigDecimal budgetUsd;

    @Mixin
    DbOption dbOption;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (config == null) {
            throw new UsageException("--config FILE is required (a promptfooconfig.yaml)");
        }
        if (output == null) {
            throw new UsageException("--output FILE is required");
        }
        if (!Files.isRegularFile(config)) {
            throw new UsageException("--config: no file " + config);
        }
        EvalExport.Format format;
        EvalService.Options options;
        try {
            format = EvalExport.Format.of(null, output);
            options = new EvalService.Options(concurrency, budgetUsd, null, null, true, null);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String db = dbOption.file();
        BatchCommand.checkDatabase(db);
        try (CliServices services = new CliServices()) {
            EvalService evals = services.evals(db);
            PromptfooImport.Imported imported;
            try {
                imported = evals.importConfig(config);
            } catch (EvalConfigException e) {
                throw new UsageException(e.getMessage());
            }
            EvalPlan plan = imported.plan();
            for (String w : plan.warnings()) {
                err.println("warning: " + w);
            }
            EvalGrid grid;
            try {
                grid = evals.create(imported, config);
            } catch (EvalConfigException e) {
                throw new UsageException(e.getMessage());
            }
            err.println("eval: " + grid.gridId() + " (run " + grid.runId() + "): " + plan.prompts().size()
                    + (plan.prompts().size() == 1 ? " prompt × " : " prompts × ") + plan.providers().size()
                    + (plan.providers().size() == 1 ? " provider × " : " providers × ") + plan.cases().size()
                    + (plan.cases().size() == 1 ? " test case" : " test cases"));
            err.flush();
            Progress progress = new Progress(err);
            EvalService.Handle handle = evals.run(grid.gridId(), options, progress);
            try {
                grid = handle.result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.cancel();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the evaluation stopped: " + BatchCommand.plain(e.getCause()),
                        e.getCause());
            }
            if (handle.stopText() != null) {
                err.println("stopped: " + handle.stopText());
            }
            EvalExport.write(grid, EvalGrid.Filter.ALL, output, format);
            if (json.requested()) {
                JsonObject o = EvalService.summaryJson(grid);
                o.addProperty("output", output.toAbsolutePath().toString());
                out.println(Json.print(o));
            } else {
                printText(grid, out);
            }
            out.flush();
            EvalGrid.Totals t = grid.totals();
            if (!t.allPassed()) {
                err.println("cells: " + t.passed() + " passed, " + t.failed() + " failed, " + t.errors() + " errors, "
                        + t.notRun() + " not run" + unfinished(t));
            }
            err.flush();
            return t.allPassed() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** The grid in a few lines: one per column, the totals, then what was not run. */
    static void printText(EvalGrid grid, PrintWriter out) {
        out.println("grid " + grid.gridId() + " (run " + grid.runId() + "): " + grid.columns().size() + " columns × "
                + grid.rows().size() + " rows");
        for (EvalGrid.Column c : grid.columns()) {
            EvalGrid.Footer f = c.footer();
            out.println(String.format(Locale.ROOT, "%2d  %-50s pass %d/%d (%.1f%%)  latency mean %s p95 %s  cost %s%s",
                    c.col() + 1, abbreviate(c.heading(), 50), f.passed(), f.cells(), f.passRate() * 100,
                    ms(f.meanLatencyMs()), ms(f.p95LatencyMs()), Amounts.usd(f.costUsd()),
                    f.judgeCostUsd().signum() > 0 ? " (judge " + Amounts.usd(f.judgeCostUsd()) + ")" : ""));
        }
        EvalGrid.Totals t = grid.totals();
        out.println(String.format(Locale.ROOT, "total: pass %d/%d (%.1f%%), %d failed, %d errors, %d not run%s, cost %s",
                t.passed(), t.cells(), t.passRate() * 100, t.failed(), t.errors(), t.notRun(), unfinished(t),
                Amounts.usd(t.costUsd())));
        if (grid.plan().unsupported().isEmpty()) {
            out.println("unsupported: none");
        } else {
            out.println("unsupported (not run):");
            for (EvalPlan.Unsupported u : grid.plan().unsupported()) {
                out.println("  " + u.describe());
            }
        }
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    /** Progress on stderr: a line every few seconds per column. */
    static final class Progress implements EvalService.EvalListener {
        private final PrintWriter err;
        private long last = System.nanoTime();

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void onProgress(int col, BatchProgress p) {
            long now = System.nanoTime();
            if (now - last < 5_000_000_000L) {
                return;
            }
            last = now;
            err.println("progress: column " + (col + 1) + ": " + p.describe());
            err.flush();
        }

        @Override
        public synchronized void onStopped(String reason) {
            err.println("stopped sending: " + ("budget".equals(reason) ? "the budget cannot cover the next request"
                    : reason) + "; the rest is marked not run");
            err.flush();
        }
    }

    /**
     * The cells sent but not finished (answered, not yet checked, or still pending), beside "not run": the
     * service's two figures, as the JSON summary gives them ("not_run", "unfinished"), not added together here.
     */
    private static String unfinished(EvalGrid.Totals t) {
        return t.pending() == 0 ? "" : ", " + t.pending() + " unfinished";
    }
}
