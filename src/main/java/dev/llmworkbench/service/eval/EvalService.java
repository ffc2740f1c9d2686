package dev.llmworkbench.service.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.service.batch.BatchEngine;
import dev.llmworkbench.service.batch.BatchListener;
import dev.llmworkbench.service.batch.BatchOutcome;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.service.batch.RunBudget;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.EvalStore;
import dev.llmworkbench.store.RunStore;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 */
public final class EvalService {
    private static final Logger LOG = Logger.getLogger(EvalService.class.getName());

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
    }

    private final EvalStore evals;
    private final BatchStore batches;
    private final RunStore runs;
    private final BatchEngine engine;
    private final ChatService chat;
    private final Executor executor;
    private final Function<String, String> env;
    private final Map<String, Map<EvalPlan.Provider, ApiKey>> literalKeys = new ConcurrentHashMap<>();

    /**
     * @param chat     the chat service the engine sends through (the judge's requests go through it too)
     * @param executor where runs work (a composition root's executor)
     * @param env      the environment, for the keys' variables ({@code System::getenv})
     */
    public EvalService(EvalStore evals, BatchStore batches, RunStore runs, BatchEngine engine, ChatService chat,
                       Executor executor, Function<String, String> env) {
        this.evals = Objects.requireNonNull(evals);
        this.batches = Objects.requireNonNull(batches);
        this.runs = Objects.requireNonNull(runs);
        this.engine = Objects.requireNonNull(engine);
        this.chat = Objects.requireNonNull(chat);
        this.executor = Objects.requireNonNull(executor);
        this.env = Objects.requireNonNull(env);
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
        EvalPlan plan = imported.plan();
        String configPath = config == null ? null : config.toAbsolutePath().toString();
        List<String> models = plan.providers().stream().map(EvalPlan.Provider::model).distinct().toList();
        String providers = String.join(", ", plan.providers().stream().map(EvalPlan.Provider::name).toList());
        String title = plan.title() != null ? plan.title()
                : "eval " + (config == null || config.getFileName() == null ? "" : config.getFileName());
        JsonObject settings = new JsonObject();
        settings.addProperty("config", configPath);
        settings.addProperty("columns", plan.columnCount());
        settings.addProperty("rows", plan.cases().size());
        RunRecord run = runs.create(RunKind.EVAL, title, configPath, providers, models, settings.toString());
        try {
            EvalStore.GridRecord grid = evals.createGrid(run.id(), configPath, plan.toJson());
            for (int col = 0; col < plan.columnCount(); col++) {
                EvalPlan.Prompt prompt = plan.promptOf(col);
                EvalPlan.Provider pv = plan.providerOf(col);
                List<BatchItemRecord.New> items = new ArrayList<>();
                for (int row = 0; row < plan.cases().size(); row++) {
                    EvalPlan.Case c = plan.cases().get(row);
                    BatchRow br = new BatchRow(messages(prompt, c), pv.model(), pv.maxTokens(), pv.temperature(), null,
                            null, List.of());
                    items.add(BatchItemRecord.New.valid(row + 1, "row-" + (row + 1), br.toJson()));
                }
                BatchJobRecord job = batches.createJob(run.id(), configPath, null, "jsonl",
                        columnSettings(plan, col, Options.defaults(), null).toJson(), items);
                List<Long> ids = batches.items(job.id()).stream().map(BatchItemRecord::id).toList();
                evals.addColumn(grid.id(), col, job.id(), ids);
            }
            if (!imported.literalKeys().isEmpty()) {
                literalKeys.put(grid.id(), Map.copyOf(imported.literalKeys()));
            }
            return grid(grid.id());
        } catch (RuntimeException e) {
            try {
                runs.delete(run.id()); // its grid, jobs and cells with it
            } catch (RuntimeException d) {
                e.addSuppressed(d);
            }
            throw e;
        }
    }

    /**
     * Keys for a grid's providers, kept in memory for this service's runs and never stored (the desktop passes its
     * saved profiles' keys, matched by profile name and base URL, before each run).
     */
    public void useKeys(String gridId, Map<EvalPlan.Provider, ApiKey> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Map<EvalPlan.Provider, ApiKey> all = new HashMap<>(literalKeys.getOrDefault(gridId, Map.of()));
        all.putAll(keys);
        literalKeys.put(gridId, Map.copyOf(all));
    }

    /** The grid's id of an {@code eval} run, if it has one. */
    public java.util.Optional<String> gridOfRun(long runId) {
        return evals.gridByRun(runId).map(EvalStore.GridRecord::id);
    }

    /**
     * Runs every cell not answered yet (those a cancel or the budget left not run included), then checks every
     * answer not checked yet.
     */
    public Handle run(String gridId, Options options, EvalListener listener) {
        existing(gridId);
        for (EvalStore.ColumnRecord c : evals.columns(gridId)) {
            batches.requeueNotRun(c.jobId());
        }
        return start(gridId, options, listener);
    }

    private Handle start(String gridId, Options options, EvalListener listener) {
        Handle h = new Handle();
        executor.execute(() -> runSafely(h, gridId, options, listener == null ? EvalListener.NONE : listener));
        return h;
    }

    /** Puts the selected cells back (their answers and verdicts deleted) and runs them again. */
    public Handle rerun(String gridId, Selection selection, Options options, EvalListener listener) {
        existing(gridId);
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

    // ---- a run

    private void runSafely(Handle h, String gridId, Options options, EvalListener listener) {
        try {
            h.result.complete(runGrid(h, gridId, options, listener));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "evaluation " + gridId + " stopped by an error", e);
            try {
                evals.updateStatus(gridId, "interrupted");
            } catch (RuntimeException ignored) {
                // the database may be gone
            }
            h.result.completeExceptionally(e);
        }
    }

    private EvalGrid runGrid(Handle h, String gridId, Options options, EvalListener listener) {
        EvalStore.GridRecord g = existing(gridId);
        EvalPlan plan = EvalPlan.fromJson(g.planJson());
        evals.updateStatus(gridId, "running");
        runs.updateStatus(g.runId(), RunRecord.RUNNING);
        Map<Long, int[]> where = new HashMap<>();
        for (EvalStore.CellRecord c : evals.cells(gridId)) {
            where.put(c.itemId(), new int[] {c.col(), c.row()});
        }
        for (EvalStore.ColumnRecord column : evals.columns(gridId)) {
            if (h.cancelled || h.stopReason != null) {
                break;
            }
            int col = column.col();
            Map<ItemStatus, Integer> counts = batches.counts(column.jobId());
            if (counts.getOrDefault(ItemStatus.PENDING, 0) + counts.getOrDefault(ItemStatus.IN_FLIGHT, 0) > 0) {
                answer(h, gridId, plan, column, options, listener, where);
            }
            check(h, gridId, plan, col, column.jobId(), options, listener);
        }
        if (h.cancelled && h.stopReason == null) {
            h.stopReason = "cancelled";
        }
        if (h.stopReason != null) {
            listener.onStopped(h.stopReason);
        }
        String status = h.stopReason == null ? RunRecord.DONE
                : "cancelled".equals(h.stopReason) ? RunRecord.CANCELLED : RunRecord.DONE;
        evals.updateStatus(gridId, status);
        EvalGrid grid = grid(gridId);
        runs.updateSummary(g.runId(), status, summaryJson(grid).toString());
        return grid;
    }

    /** Sends a column's pending items through the batch engine; each answer is said as it is stored. */
    private void answer(Handle h, String gridId, EvalPlan plan, EvalStore.ColumnRecord column, Options options,
                        EvalListener listener, Map<Long, int[]> where) {
        int col = column.col();
        BigDecimal left = options.budgetUsd() == null ? null
                : options.budgetUsd().subtract(spentOutside(gridId, column.jobId())).max(BigDecimal.ZERO);
        BatchSettings settings = columnSettings(plan, col, options, left);
        EvalPlan.Provider pv = plan.providerOf(col);
        BatchTarget target = new BatchTarget(profile(pv), key(gridId, pv), options.timeouts(), options.stream());
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
                            listener.onCell(cell(plan, at[0], at[1], ir, null));
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "could not read the answers of column " + col, e);
                }
            }
        };
        BatchEngine.Handle run = engine.start(column.jobId(), target, settings, follow, true);
        h.engineRun = run;
        if (h.cancelled) {
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
            h.engineRun = null;
            synchronized (follow) {
                closed[0] = true;
            }
        }
        if (outcome.stopReason() != null && h.stopReason == null) {
            h.stopReason = outcome.stopReason();
            h.stopText = "column " + (col + 1) + ": " + outcome.stopText();
        }
    }

    /** What was spent outside this column: the other columns' answers and every judge request. */
    private BigDecimal spentOutside(String gridId, String jobId) {
        BigDecimal spent = BigDecimal.ZERO;
        for (EvalStore.ColumnRecord c : evals.columns(gridId)) {
            if (c.jobId().equals(jobId)) {
                continue;
            }
            for (BatchStore.ItemResult ir : batches.itemsWithResults(c.jobId())) {
                if (ir.result() != null && ir.result().costUsd() != null) {
                    spent = spent.add(ir.result().costUsd());
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

    /** Checks every answered cell of the column that has no verdict yet (the judge's requests a few at a time). */
    private void check(Handle h, String gridId, EvalPlan plan, int col, String jobId, Options options,
                       EvalListener listener) {
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
        int window = concurrency(plan, options);
        for (int from = 0; from < todo.size(); from += window) {
            if (judgeBudget == null && plan.judged()) {
                BigDecimal cap = options.budgetUsd() == null ? null
                        : options.budgetUsd().subtract(spentOutside(gridId, "")).max(BigDecimal.ZERO);
                judgeBudget = new RunBudget(cap);
            }
            List<BatchStore.ItemResult> chunk = todo.subList(from, Math.min(todo.size(), from + window));
            List<Verdicts> pending = new ArrayList<>();
            for (BatchStore.ItemResult ir : chunk) {
                EvalStore.CellRecord c = cells.get(ir.item().id());
                pending.add(verdicts(h, gridId, plan, plan.cases().get(c.row()), ir.result(), judgeBudget));
            }
            for (int k = 0; k < chunk.size(); k++) {
                BatchStore.ItemResult ir = chunk.get(k);
                EvalStore.CellRecord c = cells.get(ir.item().id());
                Verdicts v = pending.get(k);
                List<EvalChecks.Result> results = v.collect();
                boolean pass = ir.result().succeeded() && results.stream().allMatch(EvalChecks.Result::pass);
                BigDecimal judgeCost = v.judgeCost();
                evals.saveVerdict(ir.item().id(), EvalExport.GSON.toJson(results), pass,
                        judgeCost.signum() == 0 && !v.judged() ? null : judgeCost);
                listener.onCell(cell(plan, col, c.row(), ir, new EvalStore.CellRecord(col, c.row(), ir.item().id(),
                        null, pass, judgeCost)).withChecks(results));
            }
        }
    }

    /** The checks of one answer: the deterministic ones at once, the judged ones as requests under way. */
    private final class Verdicts {
        private final List<Object> parts = new ArrayList<>(); // EvalChecks.Result or a Judged
        private BigDecimal judgeCost = BigDecimal.ZERO;
        private boolean judged;

        List<EvalChecks.Result> collect() {
            List<EvalChecks.Result> out = new ArrayList<>();
            for (Object p : parts) {
                if (p instanceof EvalChecks.Result r) {
                    out.add(r);
                } else {
                    Judged j = (Judged) p;
                    ChatOutcome o = j.run.await();
                    BigDecimal cost = o.costUsd() == null ? BigDecimal.ZERO : o.costUsd().amount();
                    j.budget.settle(j.worst, cost);
                    judgeCost = judgeCost.add(cost);
                    judged = true;
                    out.add(o.ok() ? EvalChecks.verdict(j.check, o.completion().text())
                            : new EvalChecks.Result(j.check.type(), j.check.value(), false,
                            "the judge's request failed: " + o.completion().error().describe()));
                }
            }
            return out;
        }

        BigDecimal judgeCost() {
            return judgeCost;
        }

        boolean judged() {
            return judged;
        }
    }

    private record Judged(EvalPlan.Check check, ChatRun run, BigDecimal worst, RunBudget budget) {
    }

    private Verdicts verdicts(Handle h, String gridId, EvalPlan plan, EvalPlan.Case c, ResultRecord result,
                              RunBudget judgeBudget) {
        Verdicts v = new Verdicts();
        for (EvalPlan.Check check : c.checks()) {
            if (!result.succeeded()) {
                v.parts.add(new EvalChecks.Result(check.type(), check.value(), false,
                        "not checked: the request failed"));
            } else if (!EvalChecks.isJudged(check.type())) {
                v.parts.add(EvalChecks.evaluate(check, result.responseText()));
            } else if (h.cancelled) {
                v.parts.add(new EvalChecks.Result(check.type(), check.value(), false, "not judged: cancelled"));
            } else {
                EvalPlan.Provider judge = check.judge() != null ? check.judge() : plan.judge();
                List<String> prompt = EvalChecks.judgePrompt(check, result.responseText());
                ChatRequest req = ChatRequest.builder(judge.model()).system(prompt.get(0)).user(prompt.get(1))
                        .maxTokens(judge.maxTokens() != null ? judge.maxTokens() : 512)
                        .temperature(judge.temperature() != null ? judge.temperature() : 0.0)
                        .responseFormat(ResponseFormat.jsonSchema("verdict", EvalChecks.VERDICT_SCHEMA, true))
                        .stream(false).build();
                String pp = chat.priceProvider(judge.name(), judge.model());
                BigDecimal worst = BigDecimal.ZERO;
                if (chat.costs().entry(pp, judge.model()).isPresent()) {
                    CostCalculator.Reserve r = chat.costs().reservation(pp, judge.model(),
                            chat.estimateInput(req).tokens(), req.maxTokens(), req.enableThinking(),
                            req.thinkingBudget());
                    worst = r.usd().amount();
                }
                if (!judgeBudget.tryReserve(worst)) {
                    if (h.stopReason == null) {
                        h.stopReason = "budget";
                        h.stopText = "the budget cannot cover the judge's requests";
                    }
                    v.parts.add(new EvalChecks.Result(check.type(), check.value(), false,
                            "not judged: the budget cannot cover the judge's request"));
                    continue;
                }
                ChatJob job = new ChatJob(profile(judge), key(gridId, judge), req, Priority.BATCH,
                        Options.defaults().timeouts(), false, false);
                ChatRun run = chat.start(job, null);
                h.judging.add(run);
                run.result().whenComplete((o, e) -> h.judging.remove(run));
                v.parts.add(new Judged(check, run, worst, judgeBudget));
            }
        }
        return v;
    }

    // ---- reading the grid

    /** The grid as stored: columns with footers, rows, cells. @throws IllegalArgumentException when unknown */
    public EvalGrid grid(String gridId) {
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

    /** Writes the grid's cells the filter keeps as JSONL, CSV or HTML. */
    public void export(String gridId, EvalGrid.Filter filter, Path output, EvalExport.Format format) {
        EvalExport.write(grid(gridId), filter, output, format);
    }

    private static List<EvalChecks.Result> checksOf(String json) {
        if (json == null) {
            return List.of();
        }
        return EvalExport.GSON.fromJson(json, new TypeToken<List<EvalChecks.Result>>() { }.getType());
    }

    private EvalGrid.Cell cell(EvalPlan plan, int col, int row, BatchStore.ItemResult ir, EvalStore.CellRecord c) {
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
        BigDecimal answer = r == null ? null : r.costUsd();
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

    /**
     * The summary of a grid (the {@code --json} of the command, and the run's summary in the history): per column
     * its pass rate, mean and p95 latency and cost, the totals, the unsupported parts and the warnings.
     */
    public static JsonObject summaryJson(EvalGrid grid) {
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
            counts(j, f.cells(), f.passed(), f.failed(), f.errors(), f.notRun(), f.passRate());
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
        counts(tot, t.cells(), t.passed(), t.failed(), t.errors(), t.notRun(), t.passRate());
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

    private static void counts(JsonObject j, int cells, int passed, int failed, int errors, int notRun, double rate) {
        j.addProperty("cells", cells);
        j.addProperty("passed", passed);
        j.addProperty("failed", failed);
        j.addProperty("errors", errors);
        j.addProperty("not_run", notRun);
        j.addProperty("pass_rate", Math.round(rate * 10000) / 10000.0);
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }

    // ---- helpers

    private EvalStore.GridRecord existing(String gridId) {
        return evals.grid(gridId).orElseThrow(() -> new IllegalArgumentException("no evaluation grid '" + gridId + "'"));
    }

    private static int concurrency(EvalPlan plan, Options o) {
        return o.concurrency() != null ? o.concurrency() : plan.concurrency() != null ? plan.concurrency() : 4;
    }

    private static BatchSettings columnSettings(EvalPlan plan, int col, Options o, BigDecimal budget) {
        EvalPlan.Provider pv = plan.providerOf(col);
        boolean local = loopback(pv.baseUrl());
        Integer rpm = o.rpm() != null ? o.rpm() : local ? Integer.valueOf(1_000_000) : null;
        Long tpm = o.tpm() != null ? o.tpm() : local ? Long.valueOf(1_000_000_000_000L) : null;
        return new BatchSettings(pv.model(), false, pv.maxTokens(), concurrency(plan, o), rpm, tpm, budget,
                Priority.BATCH, pv.baseUrl(), pv.apiKeyEnv(), null, null);
    }

    /** A server on this machine (the simulator, a local vLLM): no limit unless asked. */
    static boolean loopback(String baseUrl) {
        try {
            String host = URI.create(baseUrl).getHost();
            return host != null && (host.equalsIgnoreCase("localhost") || InetAddress.getByName(host).isLoopbackAddress());
        } catch (IllegalArgumentException | java.net.UnknownHostException | SecurityException e) {
            return false;
        }
    }

    private static ProviderProfile profile(EvalPlan.Provider pv) {
        return ProviderProfile.of(pv.name(), pv.baseUrl());
    }

    /** The provider's key: written in the configuration (this session only), else its variable's; null: none. */
    private ApiKey key(String gridId, EvalPlan.Provider pv) {
        ApiKey literal = literalKeys.getOrDefault(gridId, Map.of()).get(pv);
        if (literal != null) {
            return literal;
        }
        return pv.apiKeyEnv() == null ? null : ApiKey.ofNullable(env.apply(pv.apiKeyEnv()));
    }

    /** The messages a prompt sends for a row: its template filled; a JSON conversation message by message. */
    static List<Message> messages(EvalPlan.Prompt prompt, EvalPlan.Case c) {
        Map<String, String> vars = c.vars();
        String prefix = c.prefix() == null ? "" : c.prefix();
        String suffix = c.suffix() == null ? "" : c.suffix();
        if (PromptfooPrompts.isJsonArray(prompt.raw())) {
            List<Map<String, Object>> list = EvalExport.GSON.fromJson(prompt.raw(),
                    new TypeToken<List<Map<String, Object>>>() { }.getType());
            List<Message> out = new ArrayList<>();
            int lastUser = -1;
            for (Map<String, Object> m : list) {
                Object role = m.get("role");
                Object content = m.get("content");
                if (role == null || !(content instanceof String s)) {
                    throw new EvalConfigException("the conversation prompt '" + prompt.label()
                            + "' has a message without a role or a text content");
                }
                Role r;
                try {
                    r = Role.fromWire(role.toString());
                } catch (IllegalArgumentException e) {
                    throw new EvalConfigException("the conversation prompt '" + prompt.label() + "': " + e.getMessage());
                }
                if (r == Role.USER) {
                    lastUser = out.size();
                }
                out.add(new Message(r, PromptTemplates.fill(s, vars), List.of(), null));
            }
            if (lastUser >= 0 && (!prefix.isEmpty() || !suffix.isEmpty())) {
                Message u = out.get(lastUser);
                out.set(lastUser, new Message(Role.USER, prefix + u.content() + suffix, List.of(), null));
            }
            return out;
        }
        return List.of(Message.user(prefix + PromptTemplates.fill(prompt.raw(), vars) + suffix));
    }
}
