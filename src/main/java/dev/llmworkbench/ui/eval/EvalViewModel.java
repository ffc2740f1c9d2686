package dev.llmworkbench.ui.eval;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.eval.EvalExport;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalPlan;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.service.eval.GridDraft;
import dev.llmworkbench.service.eval.PromptfooImport;
import dev.llmworkbench.service.eval.RecentGrids;
import dev.llmworkbench.service.playground.PromptLibraryService;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.NumberFields;
import dev.llmworkbench.ui.common.Tasks;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The evaluation view's state: the grid shown (its columns, its rows with a live cell per column, the footers as
 * the service computed them from the store), the filter, the selected cell's detail, Run / Cancel / re-run of a
 * cell, row or column with live per-cell progress (the engine's figures of the column under way, as the command
 * prints them), export, the promptfoo import with its unsupported parts, and the
 * previous grids of the history. Figures are the service's: this class formats them, never computes them.
 *
 * <p>Threads: public methods on the FX thread; the store and the files on the work executor; the service's cell
 * events are queued and applied in one hop to the FX thread per batch of events.
 */
public final class EvalViewModel {
    /** What the view can do. */
    public enum State { EMPTY, READY, RUNNING }

    /** The engine's report on a column. */
    private record ColumnProgress(int col, BatchProgress progress) {
    }

    /** How many previous grids are listed. */
    static final int RECENT = 30;

    private final Supplier<EvalService> evals;
    private final Supplier<RecentGrids> recentGrids;
    private final ProviderService providers;
    private final Tasks tasks;
    private final FxExecutor fx;
    private final GridBuilderViewModel builder;

    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.EMPTY);
    private final ReadOnlyObjectWrapper<EvalGrid> grid = new ReadOnlyObjectWrapper<>(this, "grid");
    private final ObservableList<EvalGrid.Column> columns = FXCollections.observableArrayList();
    private final ObservableList<EvalGrid.Footer> footers = FXCollections.observableArrayList();
    private final List<GridRow> allRows = new ArrayList<>();
    private final ObservableList<GridRow> rowsBacking = FXCollections.observableArrayList();
    private final FilteredList<GridRow> rows = new FilteredList<>(rowsBacking);
    private final ObservableList<String> variables = FXCollections.observableArrayList();
    private final ObjectProperty<EvalGrid.Filter> filter = new SimpleObjectProperty<>(this, "filter", EvalGrid.Filter.ALL);
    private final ReadOnlyObjectWrapper<EvalGrid.Cell> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper(this, "detail", "");
    private final ReadOnlyStringWrapper totals = new ReadOnlyStringWrapper(this, "totals", "");
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper(this, "progress", "");
    private final ReadOnlyStringWrapper stop = new ReadOnlyStringWrapper(this, "stop", "");
    private final StringProperty notice = new SimpleStringProperty(this, "notice", "");
    private final ObservableList<String> unsupported = FXCollections.observableArrayList();
    private final ObservableList<RecentGrids.Info> recent = FXCollections.observableArrayList();
    private final StringProperty concurrency = new SimpleStringProperty(this, "concurrency", "");
    private final StringProperty budget = new SimpleStringProperty(this, "budget", "");

    /** Keys written in imported configurations, by grid (memory only: a new service after a price change). */
    private final Map<String, Map<EvalPlan.Provider, ApiKey>> importedKeys = new HashMap<>();
    private final ConcurrentLinkedQueue<EvalGrid.Cell> events = new ConcurrentLinkedQueue<>();
    /** The engine's last report on the column under way, not shown yet. */
    private final AtomicReference<ColumnProgress> columnProgress = new AtomicReference<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private boolean reloading;
    private long lastReloadNanos;
    private EvalService.Handle handle;
    private CompletableFuture<EvalGrid> finished = CompletableFuture.completedFuture(null);

    public EvalViewModel(Supplier<EvalService> evals, Supplier<RecentGrids> recentGrids, PromptLibraryService library,
                         ProviderService providers, List<String> models, Executor work, FxExecutor fx) {
        this.evals = evals;
        this.recentGrids = recentGrids;
        this.providers = providers;
        this.fx = fx;
        this.tasks = new Tasks(work, fx);
        this.builder = new GridBuilderViewModel(evals, library, providers, models, tasks, fx, notice, g -> {
            show(g);
            notice.set("Created " + g.columns().size() + " columns × " + g.rows().size() + " rows: Run sends them.");
            reloadRecent();
        });
        filter.addListener((o, a, b) -> applyFilter());
    }

    /** Reads the previous grids, the library and the profiles. */
    public CompletableFuture<Void> reload() {
        return CompletableFuture.allOf(reloadRecent(), builder.reload());
    }

    /** Reads the previous grids of the history. */
    public CompletableFuture<Void> reloadRecent() {
        return tasks.call("reading the previous grids", () -> recentGrids.get().list(RECENT), recent::setAll,
                m -> notice.set("Cannot read the previous grids: " + m)).thenAccept(r -> { });
    }

    /** Imports a promptfoo configuration and stores its grid (nothing is sent until Run). */
    public CompletableFuture<EvalGrid> importConfig(Path config) {
        fx.checkUiThread();
        if (state.get() == State.RUNNING) {
            notice.set("A grid is running: cancel it before importing another.");
            return CompletableFuture.completedFuture(null);
        }
        record Created(EvalGrid grid, Map<EvalPlan.Provider, ApiKey> keys) { }
        return tasks.call("importing " + config.getFileName(), () -> {
            EvalService ev = evals.get();
            PromptfooImport.Imported imported = ev.importConfig(config);
            return new Created(ev.create(imported, config), imported.literalKeys());
        }, r -> {
            EvalGrid g = r.grid();
            importedKeys.put(g.gridId(), r.keys());
            show(g);
            notice.set("Imported " + config.getFileName() + ": " + g.columns().size() + " columns × "
                    + g.rows().size() + " rows" + (g.plan().unsupported().isEmpty() ? ""
                    : "; " + g.plan().unsupported().size() + " parts are not run (listed)") + ".");
            reloadRecent();
        }, m -> notice.set("Cannot import " + config.getFileName() + ": " + m)).thenApply(Created::grid);
    }

    /** Reopens a grid of the history. */
    public CompletableFuture<EvalGrid> open(RecentGrids.Info info) {
        fx.checkUiThread();
        if (state.get() == State.RUNNING) {
            notice.set("A grid is running: cancel it before opening another.");
            return CompletableFuture.completedFuture(null);
        }
        return tasks.call("opening grid " + info.gridId(), () -> evals.get().grid(info.gridId()), g -> {
            show(g);
            notice.set("Opened " + info.describe() + ".");
        }, m -> notice.set("Cannot open the grid: " + m));
    }

    /** Runs every cell not answered yet (and checks every answer not checked yet). */
    public CompletableFuture<EvalGrid> run() {
        return start("running the grid", null);
    }

    /** Runs one cell again. */
    public CompletableFuture<EvalGrid> rerunCell(int col, int row) {
        return start("running a cell again", EvalService.Selection.cell(col, row));
    }

    /** Runs one row again (every column). */
    public CompletableFuture<EvalGrid> rerunRow(int row) {
        return start("running a row again", EvalService.Selection.row(row));
    }

    /** Runs one column again (every row). */
    public CompletableFuture<EvalGrid> rerunColumn(int col) {
        return start("running a column again", EvalService.Selection.column(col));
    }

    private CompletableFuture<EvalGrid> start(String what, EvalService.Selection selection) {
        fx.checkUiThread();
        EvalGrid g = grid.get();
        if (g == null || state.get() == State.RUNNING) {
            return CompletableFuture.completedFuture(null);
        }
        EvalService.Options options;
        try {
            options = new EvalService.Options(NumberFields.integer(concurrency.get(), "concurrency"),
                    NumberFields.amount(budget.get(), "the budget"), null, null, true, null);
        } catch (IllegalArgumentException e) {
            notice.set("Check the run's settings: " + Tasks.message(e));
            return CompletableFuture.completedFuture(null);
        }
        String id = g.gridId();
        Map<EvalPlan.Provider, ApiKey> imported = importedKeys.getOrDefault(id, Map.of());
        if (selection != null) {
            for (GridRow r : allRows) {
                for (int c = 0; c < columns.size(); c++) {
                    if ((selection.col() == null || selection.col() == c) && (selection.row() == null
                            || selection.row() == r.row())) {
                        EvalGrid.Cell old = r.cell(c).get();
                        r.cell(c).set(new EvalGrid.Cell(c, r.row(), old.itemId(), EvalGrid.CellState.PENDING,
                                old.prompt(), null, List.of(), null, null, null, null, null));
                    }
                }
            }
        }
        state.set(State.RUNNING);
        stop.set("");
        progress.set("Starting…");
        notice.set("");
        columnProgress.set(null);
        EvalService.EvalListener listener = new EvalService.EvalListener() {
            @Override
            public void onCell(EvalGrid.Cell cell) {
                events.add(cell);
                scheduleDrain();
            }

            @Override
            public void onProgress(int col, BatchProgress p) {
                columnProgress.set(new ColumnProgress(col, p));
                scheduleDrain();
            }
        };
        CompletableFuture<EvalService.Handle> started = tasks.call(what, () -> {
            EvalService ev = evals.get();
            Map<EvalPlan.Provider, ApiKey> keys = new HashMap<>(GridDraft.keysFor(g.plan(),
                    providers.savedProfiles(), providers::key));
            keys.putAll(imported);
            ev.useKeys(id, keys);
            return selection == null ? ev.run(id, options, listener) : ev.rerun(id, selection, options, listener);
        }, h -> handle = h, m -> {
            notice.set("Cannot start: " + m);
            show(g); // the cells shown pending for the rerun, back as they are: nothing was sent
            state.set(State.READY);
            progress.set("");
        });
        finished = started.thenCompose(h -> tasks.follow(what, h.result(), done -> {
            handle = null;
            events.clear();
            columnProgress.set(null);
            show(done);
            stop.set(CellTexts.stop(h.stopReason(), h.stopText(), done.totals()));
            reloadRecent();
        }, m -> {
            handle = null;
            state.set(State.READY);
            notice.set("The run stopped: " + m);
        }));
        return finished;
    }

    /** Stops sending; the cells not answered stay not run (Run sends them later). */
    public void cancel() {
        EvalService.Handle h = handle;
        if (h != null) {
            h.cancel();
        }
    }

    /** The future of the last run, done once its grid is shown (tests and the view's busy state). */
    public CompletableFuture<EvalGrid> finished() {
        return finished;
    }

    /** Writes the grid's cells the filter keeps (CSV, JSONL or HTML by the file's extension). */
    public CompletableFuture<Void> export(Path file) {
        fx.checkUiThread();
        EvalGrid g = grid.get();
        if (g == null) {
            return CompletableFuture.completedFuture(null);
        }
        EvalGrid.Filter f = filter.get();
        EvalExport.Format format = EvalExport.Format.of(null, file);
        return tasks.exec("exporting to " + file.getFileName(), () -> evals.get().export(g.gridId(), f, file, format),
                () -> notice.set("Exported " + format.name() + " to " + file + (f == EvalGrid.Filter.ALL ? ""
                        : " (" + filterName(f) + ")") + "."),
                m -> notice.set("Cannot export: " + m));
    }

    /** Shows the cell at a column and a row in the detail pane. */
    public void select(int col, int row) {
        if (row < 0 || row >= allRows.size() || col < 0 || col >= columns.size()) {
            selected.set(null);
            detail.set("");
            return;
        }
        selected.set(allRows.get(row).cell(col).get());
        detail.set(CellTexts.detail(columns.get(col), allRows.get(row).cell(col).get()));
    }

    // ---- showing a grid

    private void show(EvalGrid g) {
        boolean same = grid.get() != null && grid.get().gridId().equals(g.gridId())
                && columns.size() == g.columns().size() && allRows.size() == g.rows().size();
        grid.set(g);
        if (!same) {
            selected.set(null);
            detail.set("");
            columns.clear(); // the view drops the old grid's columns before the rows change
            allRows.clear();
            for (EvalGrid.Row r : g.rows()) {
                allRows.add(new GridRow(r, g.columns().size()));
            }
            for (EvalGrid.Cell c : g.cells()) {
                allRows.get(c.row()).cell(c.col()).set(c);
            }
            rowsBacking.setAll(allRows);
            variables.setAll(g.rows().stream().flatMap(r -> r.vars().keySet().stream()).distinct().toList());
            columns.setAll(g.columns());
        }
        for (EvalGrid.Cell c : g.cells()) {
            allRows.get(c.row()).cell(c.col()).set(c);
        }
        showFigures(g);
        unsupported.setAll(g.plan().unsupported().stream().map(EvalPlan.Unsupported::describe).toList());
        unsupported.addAll(g.plan().warnings());
        state.set(State.READY);
        progress.set(CellTexts.progress(g));
        applyFilter();
        EvalGrid.Cell sel = selected.get();
        if (sel != null) {
            select(sel.col(), sel.row());
        }
    }

    /** The footers and totals of a grid read from the store. */
    private void showFigures(EvalGrid g) {
        footers.setAll(g.columns().stream().map(EvalGrid.Column::footer).toList());
        totals.set(CellTexts.totals(g.totals()));
    }

    private void applyFilter() {
        EvalGrid g = grid.get();
        if (g == null) {
            return;
        }
        Set<Integer> kept = new HashSet<>();
        g.rows(filter.get()).forEach(r -> kept.add(r.row()));
        rows.setPredicate(r -> kept.contains(r.row()));
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            fx.later(this::drain);
        }
    }

    /**
     * Applies the queued cell events and the engine's last report (FX thread); the footers are read again from the
     * store now and then.
     */
    private void drain() {
        drainScheduled.set(false);
        if (state.get() != State.RUNNING) {
            events.clear();
            columnProgress.set(null);
            return;
        }
        ColumnProgress p = columnProgress.getAndSet(null);
        if (p != null) {
            progress.set(CellTexts.progress(p.col(), p.progress()));
        }
        int n = 0;
        for (EvalGrid.Cell c; (c = events.poll()) != null; n++) {
            if (c.row() < allRows.size() && c.col() < columns.size()) {
                allRows.get(c.row()).cell(c.col()).set(c);
            }
        }
        if (n > 0) {
            EvalGrid.Cell sel = selected.get();
            if (sel != null) {
                select(sel.col(), sel.row());
            }
        }
        long now = System.nanoTime();
        if (!reloading && now - lastReloadNanos > 300_000_000L && grid.get() != null) {
            reloading = true;
            lastReloadNanos = now;
            String id = grid.get().gridId();
            tasks.run("reading the footers", () -> evals.get().grid(id), g -> {
                reloading = false;
                if (state.get() == State.RUNNING && grid.get() != null && grid.get().gridId().equals(id)) {
                    grid.set(g);
                    showFigures(g);
                    applyFilter();
                }
                return null;
            }, m -> {
                reloading = false;
                return null;
            });
        }
    }

    static String filterName(EvalGrid.Filter f) {
        return switch (f) {
            case ALL -> "all rows";
            case FAILED_ONLY -> "failed only";
            case DIFFERS -> "differs between columns";
        };
    }

    public ReadOnlyObjectProperty<State> stateProperty() { return state.getReadOnlyProperty(); }
    /** The grid as last read from the store. */
    public ReadOnlyObjectProperty<EvalGrid> gridProperty() { return grid.getReadOnlyProperty(); }
    /** The grid's columns (replaced when another grid is shown). */
    public ObservableList<EvalGrid.Column> columns() { return columns; }
    /** Each column's footer, as the service computed it from the store. */
    public ObservableList<EvalGrid.Footer> footers() { return footers; }
    /** The rows the filter keeps, each with a live cell per column. */
    public ObservableList<GridRow> rows() { return rows; }
    /** The variables' names, the grid's first columns. */
    public ObservableList<String> variables() { return variables; }
    public ObjectProperty<EvalGrid.Filter> filterProperty() { return filter; }
    public ReadOnlyObjectProperty<EvalGrid.Cell> selectedProperty() { return selected.getReadOnlyProperty(); }
    /** The selected cell in full: prompt, answer, checks with reasons, error, cost, latency. */
    public ReadOnlyStringProperty detailProperty() { return detail.getReadOnlyProperty(); }
    public ReadOnlyStringProperty totalsProperty() { return totals.getReadOnlyProperty(); }
    public ReadOnlyStringProperty progressProperty() { return progress.getReadOnlyProperty(); }
    /** Why the last run stopped before its end, or "". */
    public ReadOnlyStringProperty stopProperty() { return stop.getReadOnlyProperty(); }
    public StringProperty noticeProperty() { return notice; }
    /** The parts of the grid's configuration (or tests file) that are not run, and its warnings. */
    public ObservableList<String> unsupported() { return unsupported; }
    public ObservableList<RecentGrids.Info> recent() { return recent; }
    /** Requests in flight per column ("": the configuration's, else 4). */
    public StringProperty concurrencyProperty() { return concurrency; }
    /** The grid's budget in USD ("": none). */
    public StringProperty budgetProperty() { return budget; }
    public GridBuilderViewModel builder() { return builder; }
}
