package dev.llmworkbench.ui.eval;

import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.RecentGrids;
import java.io.File;
import java.util.List;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TablePosition;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * The evaluation view: a grid of test cases (rows) × prompt version, model and parameters (columns), each cell its
 * verdict, cost and the start of its answer; the footers (pass rate, mean and p95 latency, cost) under their
 * columns; the selected cell in full below; Run, Cancel, re-run of a cell, row or column; filters; export; the
 * promptfoo import with the parts not run; the grid builder; the previous grids.
 */
public final class EvalView extends BorderPane {
    private final EvalViewModel vm;
    private final TableView<GridRow> table = new TableView<>();
    private final TableView<FooterLine> footer = new TableView<>();

    /** A footer row: its name and how a column's footer reads in it. */
    record FooterLine(String name, Function<EvalGrid.Footer, String> text) {
    }

    public EvalView(EvalViewModel vm) {
        this.vm = vm;
        setId("view-evaluate");
        setAccessibleText("Evaluate view");
        setPadding(new Insets(12));

        Button importConfig = button("eval-import", "Import promptfoo config…", e -> chooseConfig());
        importConfig.setTooltip(new Tooltip("A promptfooconfig.yaml: prompts, openai:chat: providers, tests"));
        var running = vm.stateProperty().isEqualTo(EvalViewModel.State.RUNNING);
        var noGrid = vm.gridProperty().isNull();
        var noCell = vm.selectedProperty().isNull();
        Button run = button("eval-run", "Run", e -> vm.run());
        run.setDefaultButton(true);
        run.setTooltip(new Tooltip("Send every cell not answered yet, then check the answers"));
        run.disableProperty().bind(noGrid.or(running));
        Button cancel = button("eval-cancel", "Cancel", e -> vm.cancel());
        cancel.disableProperty().bind(running.not());
        Button cell = button("eval-rerun-cell", "Re-run cell", e -> withSelected(c -> vm.rerunCell(c.col(), c.row())));
        Button row = button("eval-rerun-row", "Re-run row", e -> withSelected(c -> vm.rerunRow(c.row())));
        Button column = button("eval-rerun-column", "Re-run column", e -> withSelected(c -> vm.rerunColumn(c.col())));
        for (Button b : List.of(cell, row, column)) {
            b.disableProperty().bind(noCell.or(running));
        }
        Button export = button("eval-export", "Export…", e -> chooseExport());
        export.disableProperty().bind(noGrid);
        ComboBox<EvalGrid.Filter> filter = new ComboBox<>();
        filter.setId("eval-filter");
        filter.getItems().setAll(EvalGrid.Filter.values());
        filter.setConverter(new StringConverter<>() {
            @Override
            public String toString(EvalGrid.Filter f) {
                return f == null ? "" : EvalViewModel.filterName(f);
            }

            @Override
            public EvalGrid.Filter fromString(String s) {
                return null;
            }
        });
        filter.valueProperty().bindBidirectional(vm.filterProperty());
        FlowPane actions = new FlowPane(8, 6, importConfig, run, cancel, cell, row, column, export,
                labelled("Rows", filter), labelled("Concurrency", field("eval-concurrency", vm, true)),
                labelled("Budget $", field("eval-budget", vm, false)));
        actions.setAlignment(Pos.CENTER_LEFT);

        Label progress = label("eval-progress", vm.progressProperty());
        Label totals = label("eval-totals", vm.totalsProperty());
        Label stop = label("eval-stop", vm.stopProperty());
        stop.setStyle("-fx-text-fill: -color-warning-fg;");
        Label notice = label("eval-notice", vm.noticeProperty());
        notice.setStyle("-fx-text-fill: -color-accent-fg;");
        VBox top = new VBox(6, actions, new FlowPane(16, 4, progress, totals), stop, notice);
        top.setPadding(new Insets(0, 0, 8, 0));
        setTop(top);

        TabPane tabs = new TabPane(new Tab("Grid", gridPane()), new Tab("Build a grid", new GridBuilderPane(vm.builder())),
                new Tab("Previous grids", recentPane()));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("eval-tabs");
        vm.gridProperty().addListener((o, a, b) -> {
            if (b != null && (a == null || !a.gridId().equals(b.gridId()))) {
                tabs.getSelectionModel().select(0);
            }
        });
        setCenter(tabs);
        vm.reload();
    }

    public EvalViewModel viewModel() {
        return vm;
    }

    private Node gridPane() {
        table.setId("eval-grid");
        table.setItems(vm.rows());
        table.setPlaceholder(new Label("No grid: import a promptfoo configuration, build one, or open a previous one."));
        table.getSelectionModel().setCellSelectionEnabled(true);
        table.getSelectionModel().getSelectedCells().addListener((javafx.beans.InvalidationListener) o -> selectionChanged());
        vm.columns().addListener((ListChangeListener<EvalGrid.Column>) c -> rebuildColumns());

        footer.setId("eval-footer");
        footer.getItems().setAll(new FooterLine("Pass rate", CellTexts::passRate),
                new FooterLine("Latency", CellTexts::latency), new FooterLine("Cost", CellTexts::cost));
        footer.setFixedCellSize(26);
        // three rows, and room for a horizontal scroll bar when the columns are wider than the view
        footer.setPrefHeight(26 * 3 + 20);
        footer.setMinHeight(26 * 3 + 20);
        footer.setMaxHeight(26 * 3 + 20);
        footer.setPlaceholder(new Label(""));
        footer.getStyleClass().add("eval-footer");
        // no header of its own (workbench.css: .eval-footer .column-header-background): it lines up under the grid's
        vm.footers().addListener((ListChangeListener<EvalGrid.Footer>) c -> footer.refresh());

        VBox grid = new VBox(0, table, footer);
        VBox.setVgrow(table, Priority.ALWAYS);

        TextArea detail = new TextArea();
        detail.setId("eval-detail");
        detail.setEditable(false);
        detail.setWrapText(true);
        detail.setPromptText("Select a cell to read its whole answer, its checks with their reasons and its error.");
        detail.textProperty().bind(vm.detailProperty());

        ListView<String> unsupported = new ListView<>(vm.unsupported());
        unsupported.setId("eval-unsupported");
        unsupported.setPrefHeight(90);
        TitledPane notRun = new TitledPane("Not run from the configuration", unsupported);
        notRun.setId("eval-unsupported-pane");
        notRun.textProperty().bind(Bindings.size(vm.unsupported()).asString("Not run from the configuration (%d)"));
        notRun.visibleProperty().bind(Bindings.isNotEmpty(vm.unsupported()));
        notRun.managedProperty().bind(notRun.visibleProperty());
        notRun.setAnimated(false);

        SplitPane split = new SplitPane(grid, detail);
        split.setOrientation(Orientation.VERTICAL);
        detail.setMinHeight(60);
        split.setDividerPositions(0.8); // the grid first: the detail of a cell needs a few lines
        VBox box = new VBox(6, notRun, split);
        VBox.setVgrow(split, Priority.ALWAYS);
        box.setPadding(new Insets(6, 0, 0, 0));
        return box;
    }

    /**
     * The grid's columns: #, the variables, then one per grid column; the footer's follow their widths. Called when
     * the view model's columns change (it sets the variables and the rows first).
     */
    private void rebuildColumns() {
        table.getColumns().clear();
        footer.getColumns().clear();
        TableColumn<GridRow, String> number = new TableColumn<>("#");
        number.setPrefWidth(44);
        number.setCellValueFactory(f -> new SimpleStringProperty(String.valueOf(f.getValue().row() + 1)));
        table.getColumns().add(number);
        for (String v : vm.variables()) {
            TableColumn<GridRow, String> c = new TableColumn<>(v);
            c.setPrefWidth(140);
            c.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().vars().getOrDefault(v, "")));
            table.getColumns().add(c);
        }
        TableColumn<FooterLine, String> name = new TableColumn<>();
        name.setCellValueFactory(f -> new SimpleStringProperty(f.getValue().name()));
        name.setSortable(false);
        List<TableColumn<GridRow, ?>> fixed = List.copyOf(table.getColumns());
        name.prefWidthProperty().bind(Bindings.createDoubleBinding(
                () -> fixed.stream().mapToDouble(TableColumn::getWidth).sum(),
                fixed.stream().map(TableColumn::widthProperty).toArray(javafx.beans.Observable[]::new)));
        footer.getColumns().add(name);
        for (EvalGrid.Column col : vm.columns()) {
            int i = col.col();
            TableColumn<GridRow, EvalGrid.Cell> c = new TableColumn<>(header(col));
            c.setPrefWidth(230);
            c.setSortable(false);
            c.setUserData(i);
            c.setCellValueFactory(f -> f.getValue().cell(i));
            c.setCellFactory(tc -> new GridCell(i));
            table.getColumns().add(c);
            TableColumn<FooterLine, String> f = new TableColumn<>();
            f.setSortable(false);
            f.prefWidthProperty().bind(c.widthProperty());
            f.setCellValueFactory(x -> new SimpleStringProperty(i < vm.footers().size()
                    ? x.getValue().text().apply(vm.footers().get(i)) : ""));
            footer.getColumns().add(f);
        }
    }

    private static String header(EvalGrid.Column c) {
        String provider = c.provider().endsWith(c.model()) ? c.provider() : c.provider() + " · " + c.model();
        return c.promptLabel().replaceAll("\\s+", " ") + "\n" + provider
                + (c.parameters().isEmpty() ? "" : "\n" + c.parameters());
    }

    /** A grid cell: verdict, cost, latency, the start of the answer; coloured by verdict; re-run from its menu. */
    private final class GridCell extends TableCell<GridRow, EvalGrid.Cell> {
        private final int col;

        GridCell(int col) {
            this.col = col;
            setWrapText(true);
            MenuItem cell = new MenuItem("Re-run this cell");
            cell.setOnAction(e -> run(r -> vm.rerunCell(col, r.row())));
            MenuItem row = new MenuItem("Re-run this row");
            row.setOnAction(e -> run(r -> vm.rerunRow(r.row())));
            MenuItem column = new MenuItem("Re-run this column");
            column.setOnAction(e -> vm.rerunColumn(col));
            setContextMenu(new ContextMenu(cell, row, column));
        }

        private void run(java.util.function.Consumer<GridRow> action) {
            GridRow r = getTableRow() == null ? null : getTableRow().getItem();
            if (r != null) {
                action.accept(r);
            }
        }

        @Override
        protected void updateItem(EvalGrid.Cell c, boolean empty) {
            super.updateItem(c, empty);
            if (empty || c == null) {
                setText(null);
                setStyle("");
                return;
            }
            setText(CellTexts.cell(c));
            setStyle(switch (c.state()) {
                case PASSED -> "-fx-background-color: -color-success-subtle;";
                case FAILED -> "-fx-background-color: -color-danger-subtle;";
                case ERROR, NOT_RUN -> "-fx-background-color: -color-warning-subtle;";
                default -> "";
            });
        }
    }

    private void selectionChanged() {
        List<?> cells = table.getSelectionModel().getSelectedCells();
        if (cells.isEmpty() || !(cells.get(0) instanceof TablePosition<?, ?> p) || p.getTableColumn() == null
                || !(p.getTableColumn().getUserData() instanceof Integer col) || p.getRow() < 0
                || p.getRow() >= table.getItems().size()) {
            return;
        }
        GridRow r = table.getItems().get(p.getRow());
        vm.select(col, r.row());
    }

    private void withSelected(java.util.function.Consumer<EvalGrid.Cell> action) {
        EvalGrid.Cell c = vm.selectedProperty().get();
        if (c != null) {
            action.accept(c);
        }
    }

    private Node recentPane() {
        ListView<RecentGrids.Info> list = new ListView<>(vm.recent());
        list.setId("eval-recent");
        list.setPlaceholder(new Label("No grid yet."));
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(RecentGrids.Info i, boolean empty) {
                super.updateItem(i, empty);
                setText(empty || i == null ? null : i.describe());
            }
        });
        Button open = button("eval-open", "Open", e -> {
            RecentGrids.Info i = list.getSelectionModel().getSelectedItem();
            if (i != null) {
                vm.open(i);
            }
        });
        open.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull()
                .or(vm.stateProperty().isEqualTo(EvalViewModel.State.RUNNING)));
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && list.getSelectionModel().getSelectedItem() != null) {
                vm.open(list.getSelectionModel().getSelectedItem());
            }
        });
        Button refresh = button("eval-recent-refresh", "Refresh", e -> vm.reloadRecent());
        VBox box = new VBox(6, new HBox(8, open, refresh), list);
        VBox.setVgrow(list, Priority.ALWAYS);
        box.setPadding(new Insets(6, 0, 0, 0));
        return box;
    }

    private void chooseConfig() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Import a promptfoo configuration");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("promptfoo configuration", "*.yaml", "*.yml",
                "*.json"));
        File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            vm.importConfig(f.toPath());
        }
    }

    private void chooseExport() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export the grid (the rows the filter keeps)");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("CSV", "*.csv"),
                new FileChooser.ExtensionFilter("JSONL", "*.jsonl"), new FileChooser.ExtensionFilter("HTML", "*.html"));
        fc.setInitialFileName("eval.csv");
        File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            vm.export(f.toPath());
        }
    }

    static Button button(String id, String text, javafx.event.EventHandler<javafx.event.ActionEvent> action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(action);
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return b;
    }

    private static Label label(String id, javafx.beans.value.ObservableValue<String> text) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.textProperty().bind(text);
        l.visibleProperty().bind(Bindings.createBooleanBinding(() -> text.getValue() != null
                && !text.getValue().isEmpty(), text));
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }

    private static TextField field(String id, EvalViewModel vm, boolean concurrency) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(5);
        f.textProperty().bindBidirectional(concurrency ? vm.concurrencyProperty() : vm.budgetProperty());
        f.setPromptText(concurrency ? "4" : "none");
        return f;
    }

    static HBox labelled(String label, Node n) {
        Label l = new Label(label);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox b = new HBox(4, l, n);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }
}
