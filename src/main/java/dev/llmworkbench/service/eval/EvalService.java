package dev.llmworkbench.service.eval;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Evaluation grids, for the command line and the desktop alike: import a promptfoo configuration, store it as a grid
 * (a run of kind {@code eval}; each column a batch job of that run, each cell one of its items), run it on the batch
 * engine (its limiter, retries, budget and crash-safe store), check each answer, and read the grid back with its
 * footers, filters and exports. Re-running one cell, one row or one column puts those items back and runs them again.
 *
 * <p>Columns run one after another, each with the engine's concurrency; the run's budget covers the whole grid: a
 * column may spend what the others (and the judge) have not. Checks run once a column's answers are in; the judge's
 * requests go through the same chat service (limiter, retries) and count against the same budget.
 *
 * <p>Threads: a run works on the executor given at construction; the listener is called on that thread and on the
 * engine's, never on a UI thread.
 *
 * <p>The work is done by package-private parts: {@link GridSetup} (the grid stored, what each column sends, the keys),
 * {@link GridRunner} (columns on the batch engine, cancel, live events, the checks once a column is answered),
 * {@link AnswerChecker} (the checks of one answer, the judge's requests) and {@link GridReader} (the grid, its footers
 * and summary as stored). Re-runs (cells, rows, columns put back in the store) are done here, then run as any run.
 */
public final class EvalService {
    /** Follows a run. Called on the service's and the engine's threads: be quick and thread-safe. */
    public interface EvalListener {
        EvalListener NONE = new EvalListener() { };

        /** A cell changed: answered, checked, failed. */
        default void onCell(EvalGrid.Cell cell) { }

        /** The engine's progress on a column. */
        default void onProgress(int col, BatchProgress progress) { }

        /** The run stopped before its end (budget, cancelled), in words. */
        default void onStopped(String reason) { }
    }

    /**
     * How a run goes: requests in flight per column (null: the configuration's, else 4), the grid's budget in USD
     * (null: none), requests and tokens per minute (null: unbounded for a loopback server, else the limiter's
     * default), streaming, timeouts.
     */
    public record Options(Integer concurrency, BigDecimal budgetUsd, Integer rpm, Long tpm, boolean stream,
                          Timeouts timeouts) {
        public Options {
            if (concurrency != null && concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
            }
            if (budgetUsd != null && budgetUsd.signum() < 0) {
                throw new IllegalArgumentException("the budget must not be negative, was " + budgetUsd);
            }
            timeouts = timeouts == null ? new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600),
                    Duration.ofSeconds(60), Duration.ofSeconds(600)) : timeouts;
        }

        public static Options defaults() {
            return new Options(null, null, null, null, true, null);
        }
    }

    /** Which cells to re-run: every cell, one cell, one row or one column. */
    public record Selection(Integer col, Integer row) {
        public static Selection all() {
            return new Selection(null, null);
        }

        public static Selection cell(int col, int row) {
            return new Selection(col, row);
        }

        public static Selection row(int row) {
            return new Selection(null, row);
        }

        public static Selection column(int col) {
            return new Selection(col, null);
        }

        boolean contains(int c, int r) {
            return (col == null || col == c) && (row == null || row == r);
        }
    }

    /** A run under way. */
    public final class Handle {
        private final CompletableFuture<EvalGrid> result = new CompletableFuture<>();
        private final List<ChatRun> judging = new CopyOnWriteArrayList<>();
        private volatile BatchEngine.Handle engineRun;
        private volatile boolean cancelled;
        private volatile String stopReason;
        private volatile String stopText;

        /** The grid as stored once the run ended (completes exceptionally only when the store fails). */
        public CompletableFuture<EvalGrid> result() {
            return result;
        }

        /** Stops sending; cells not answered stay not run (a later run sends them). */
        public void cancel() {
            cancelled = true;
            BatchEngine.Handle h = engineRun;
            if (h != null) {
                h.cancel();
            }
            judging.forEach(ChatRun::cancel);
        }

        /** Why the run stopped before its end ({@code budget}, {@code cancelled}), or null. */
        public String stopReason() {
            return stopReason;
        }

        /** Why the run stopped, in one line for a person, or null. */
        public String stopText() {
            return stopText != null ? stopText : stopReason;
        }

        /** Whether {@link #cancel} was called. */
        boolean cancelled() {
            return cancelled;
        }

        /** Says why the run stops (a reason, and the words for a person or null), unless it was said already. */
        void stop(String reason, String text) {
            if (stopReason == null) {
                stopReason = reason;
                stopText = text;
            }
        }

        /** The engine's run of the column under way (null: none), cancelled with this run. */
        void engineRun(BatchEngine.Handle run) {
            engineRun = run;
        }

        /** A judge's request under way, cancelled with this run until it ends. */
        void judging(ChatRun run) {
            judging.add(run);
            run.result().whenComplete((o, e) -> judging.remove(run));
        }
    }

    private final EvalStore evals;
    private final BatchStore batches;
    private final Executor executor;
    private final Function<String, String> env;
    private final GridReader reader;
    private final GridSetup setup;
    private final GridRunner runner;

    /**
     * @param chat     the chat service the engine sends through (the judge's requests go through it too)
     * @param executor where runs work (a composition root's executor)
     * @param env      the environment, for the keys' variables ({@code System::getenv})
     */
    public EvalService(EvalStore evals, BatchStore batches, RunStore runs, BatchEngine engine, ChatService chat,
                       Executor executor, Function<String, String> env) {
        this.evals = Objects.requireNonNull(evals);
        this.batches = Objects.requireNonNull(batches);
        Objects.requireNonNull(runs);
        Objects.requireNonNull(engine);
        Objects.requireNonNull(chat);
        this.executor = Objects.requireNonNull(executor);
        this.env = Objects.requireNonNull(env);
        this.reader = new GridReader(evals, batches);
        this.setup = new GridSetup(evals, batches, runs, reader, env);
        this.runner = new GridRunner(evals, batches, runs, engine, setup, reader, new AnswerChecker(chat, setup));
    }

    /** Reads a promptfoo configuration. @throws EvalConfigException when it cannot be run */
    public PromptfooImport.Imported importConfig(Path config) {
        return PromptfooImport.read(config, env);
    }

    /**
     * Stores a new grid for the plan: an {@code eval} run, one batch job per column with one item per row (what each
     * cell sends: the prompt filled with the row's variables, the column's model and parameters), and the cells. Keys
     * written literally in the configuration are kept in memory for this service's runs, never stored.
     */
    public EvalGrid create(PromptfooImport.Imported imported, Path config) {
        return setup.create(imported, config);
    }

    /**
     * Keys for a grid's providers, kept in memory for this service's runs and never stored (the desktop passes its
     * saved profiles' keys, matched by profile name and base URL, before each run).
     */
    public void useKeys(String gridId, Map<EvalPlan.Provider, ApiKey> keys) {
        setup.useKeys(gridId, keys);
    }

    /** The grid's id of an {@code eval} run, if it has one. */
    public java.util.Optional<String> gridOfRun(long runId) {
        return reader.gridOfRun(runId);
    }

    /**
     * Runs every cell not answered yet (those a cancel or the budget left not run included), then checks every
     * answer not checked yet.
     */
    public Handle run(String gridId, Options options, EvalListener listener) {
        reader.existing(gridId);
        for (EvalStore.ColumnRecord c : evals.columns(gridId)) {
            batches.requeueNotRun(c.jobId());
        }
        return start(gridId, options, listener);
    }

    private Handle start(String gridId, Options options, EvalListener listener) {
        Handle h = new Handle();
        executor.execute(() -> runner.runSafely(h, gridId, options, listener == null ? EvalListener.NONE : listener));
        return h;
    }

    /** Puts the selected cells back (their answers and verdicts deleted) and runs them again. */
    public Handle rerun(String gridId, Selection selection, Options options, EvalListener listener) {
        reader.existing(gridId);
        List<Long> items = new ArrayList<>();
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            if (selection.contains(c.col(), c.row())) {
                items.add(c.itemId());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no cell of grid " + gridId + " is at " + describe(selection));
        }
        evals.requeue(items);
        return start(gridId, options, listener);
    }

    private static String describe(Selection s) {
        return (s.col() == null ? "any column" : "column " + (s.col() + 1)) + ", "
                + (s.row() == null ? "any row" : "row " + (s.row() + 1));
    }

    // ---- reading the grid

    /** The grid as stored: columns with footers, rows, cells. @throws IllegalArgumentException when unknown */
    public EvalGrid grid(String gridId) {
        return reader.grid(gridId);
    }

    /** Writes the grid's cells the filter keeps as JSONL, CSV or HTML. */
    public void export(String gridId, EvalGrid.Filter filter, Path output, EvalExport.Format format) {
        EvalExport.write(grid(gridId), filter, output, format);
    }

    /**
     * The summary of a grid (the {@code --json} of the command, and the run's summary in the history): per column
     * its pass rate, mean and p95 latency and cost, the totals, the unsupported parts and the warnings.
     */
    public static JsonObject summaryJson(EvalGrid grid) {
        return GridReader.summaryJson(grid);
    }

    /** The messages a prompt sends for a row: its template filled; a JSON conversation message by message. */
    static List<Message> messages(EvalPlan.Prompt prompt, EvalPlan.Case c) {
        return GridSetup.messages(prompt, c);
    }
}
