package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.batch.BatchService;
import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * The batch panel: open a file (chooser or drop), the rows with the bad ones marked, the run's settings,
 * the dry-run estimate and a confirmation, progress, the live results (sortable, filtered by status),
 * pause/resume/cancel, retry the failed items, export, and interrupted jobs offered for resuming.
 */
public final class BatchView extends BorderPane {
    private final BatchViewModel vm;

    public BatchView(BatchViewModel vm) {
        this.vm = vm;
        setId("view-batch");
        setAccessibleText("Batch view");
        setPadding(new Insets(12));

        Button open = new Button("Open file…");
        open.setId("batch-open");
        open.setOnAction(e -> chooseFile());
        Label fileLabel = new Label();
        fileLabel.setId("batch-file");
        fileLabel.textProperty().bind(vm.fileSummaryProperty());
        HBox fileRow = new HBox(8, open, fileLabel);
        fileRow.setAlignment(Pos.CENTER_LEFT);

        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("batch-model");
        model.valueProperty().bindBidirectional(vm.modelProperty());
        model.disableProperty().bind(vm.routeProperty());
        CheckBox route = new CheckBox("Router");
        route.setId("batch-route");
        route.setTooltip(new Tooltip("Pick each row's model by its prompt's complexity"));
        route.selectedProperty().bindBidirectional(vm.routeProperty());
        ComboBox<String> profile = new ComboBox<>(vm.profiles());
        profile.setId("batch-profile");
        profile.setPromptText("default provider");
        profile.valueProperty().bindBidirectional(vm.profileProperty());
        ComboBox<Priority> priority = new ComboBox<>();
        priority.getItems().setAll(Priority.values());
        priority.valueProperty().bindBidirectional(vm.priorityProperty());
        FlowPane settings = new FlowPane(10, 6,
                labelled("Model", model), route, labelled("Provider", profile),
                labelled("Concurrency", field("batch-concurrency", vm.concurrencyProperty(), 4)),
                labelled("Priority", priority),
                labelled("Max tokens", field("batch-max-tokens", vm.maxTokensProperty(), 6)),
                labelled("RPM", field("batch-rpm", vm.rpmProperty(), 7)),
                labelled("TPM", field("batch-tpm", vm.tpmProperty(), 9)),
                labelled("Budget $", field("batch-budget", vm.budgetProperty(), 6)));

        Button start = new Button("Estimate and start…");
        start.setId("batch-start");
        start.disableProperty().bind(vm.stateProperty().isNotEqualTo(BatchViewModel.State.LOADED)
                .and(vm.stateProperty().isNotEqualTo(BatchViewModel.State.FINISHED))
                .and(vm.stateProperty().isNotEqualTo(BatchViewModel.State.FAILED))
                .or(vm.fileProperty().isNull()));
        start.setOnAction(e -> confirmAndStart());
        Button pause = new Button("Pause");
        pause.setId("batch-pause");
        pause.disableProperty().bind(vm.stateProperty().isNotEqualTo(BatchViewModel.State.RUNNING));
        pause.setOnAction(e -> vm.pause());
        Button resume = new Button("Resume");
        resume.setId("batch-resume");
        resume.disableProperty().bind(vm.stateProperty().isNotEqualTo(BatchViewModel.State.PAUSED));
        resume.setOnAction(e -> vm.resumeRun());
        Button cancel = new Button("Cancel");
        cancel.setId("batch-cancel");
        cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> !vm.isActive(), vm.stateProperty()));
        cancel.setOnAction(e -> vm.cancel());
        var ended = vm.stateProperty().isEqualTo(BatchViewModel.State.FINISHED)
                .or(vm.stateProperty().isEqualTo(BatchViewModel.State.FAILED)).and(vm.jobIdProperty().isNotNull());
        Button retry = new Button("Retry failed");
        retry.setId("batch-retry");
        retry.setTooltip(new Tooltip("Send the rows that failed again; rows not run stay so"));
        retry.disableProperty().bind(ended.not().or(vm.failedCountProperty().isEqualTo(0)));
        retry.setOnAction(e -> vm.retryFailed());
        Button proceed = new Button("Continue");
        proceed.setId("batch-continue");
        proceed.setTooltip(new Tooltip("Send the rows a cancel or the budget left not run (with the budget above)"));
        proceed.disableProperty().bind(ended.not().or(vm.notRunCountProperty().isEqualTo(0)));
        proceed.setOnAction(e -> vm.continueRun());
        Button export = new Button("Export…");
        export.setId("batch-export");
        export.disableProperty().bind(vm.jobIdProperty().isNull());
        export.setOnAction(e -> chooseExport());
        Button exportSummary = new Button("Export summary…");
        exportSummary.disableProperty().bind(vm.jobIdProperty().isNull());
        exportSummary.setOnAction(e -> chooseSummary());
        // wraps rather than shortening a button's text at 1024 px
        FlowPane actions = new FlowPane(8, 6, start, pause, resume, cancel, proceed, retry, export, exportSummary);
        actions.setAlignment(Pos.CENTER_LEFT);

        ProgressBar bar = new ProgressBar();
        bar.setId("batch-progress");
        bar.setPrefWidth(260);
        bar.progressProperty().bind(vm.progressProperty());
        Label counts = new Label();
        counts.setId("batch-counts");
        counts.textProperty().bind(vm.countsTextProperty());
        Label retries = new Label();
        retries.setId("batch-retries");
        retries.textProperty().bind(vm.retriesTextProperty());
        Label spend = new Label();
        spend.setId("batch-spend");
        spend.textProperty().bind(vm.spendTextProperty());
        Label eta = new Label();
        eta.setId("batch-eta");
        eta.textProperty().bind(vm.etaTextProperty());
        // the short figures never shorten; the counts get a line of their own under the bar
        for (Label l : List.of(eta, spend, retries)) {
            l.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox barRow = new HBox(12, bar, eta, spend, retries);
        barRow.setAlignment(Pos.CENTER_LEFT);
        Label limiter = new Label();
        limiter.setId("batch-limiter");
        limiter.textProperty().bind(vm.limiterTextProperty());
        limiter.managedProperty().bind(vm.limiterTextProperty().isNotEmpty());
        limiter.visibleProperty().bind(vm.limiterTextProperty().isNotEmpty());
        Label stop = new Label();
        stop.setId("batch-stop");
        stop.setWrapText(true);
        stop.setStyle("-fx-text-fill: -color-warning-fg;");
        stop.textProperty().bind(vm.stopTextProperty());
        stop.managedProperty().bind(vm.stopTextProperty().isNotEmpty());
        stop.visibleProperty().bind(vm.stopTextProperty().isNotEmpty());
        Label jobLabel = new Label();
        jobLabel.setId("batch-job");
        jobLabel.textProperty().bind(vm.jobTextProperty());
        jobLabel.managedProperty().bind(vm.jobTextProperty().isNotEmpty());
        jobLabel.visibleProperty().bind(vm.jobTextProperty().isNotEmpty());
        VBox progressRow = new VBox(4, barRow, jobLabel, counts, stop, limiter);

        Label error = new Label();
        error.setId("batch-error");
        error.setStyle("-fx-text-fill: -color-danger-fg;");
        error.textProperty().bind(vm.errorProperty());
        error.managedProperty().bind(vm.errorProperty().isNotEmpty());
        error.visibleProperty().bind(vm.errorProperty().isNotEmpty());

        VBox interrupted = new VBox(4);
        interrupted.setId("batch-interrupted");
        Runnable fillInterrupted = () -> {
            interrupted.getChildren().clear();
            for (BatchService.JobInfo j : vm.interrupted()) {
                Button b = new Button("Resume");
                b.setOnAction(e -> vm.resume(j));
                Label l = new Label("Interrupted batch " + Path.of(j.inputPath()).getFileName() + " (job " + j.jobId()
                        + ") was left unfinished when the app closed.");
                HBox row = new HBox(8, l, b);
                row.setAlignment(Pos.CENTER_LEFT);
                interrupted.getChildren().add(row);
            }
            interrupted.setManaged(!vm.interrupted().isEmpty());
            interrupted.setVisible(!vm.interrupted().isEmpty());
        };
        vm.interrupted().addListener((javafx.collections.ListChangeListener<BatchService.JobInfo>) c -> fillInterrupted.run());
        fillInterrupted.run();

        // the provider batch service: its choice, its job's shards; the live run's controls hidden meanwhile
        RemotePane remote = new RemotePane(vm, this);
        var live = remote.chosen().not();
        var liveJob = live.and(vm.remote().jobProperty().isNull());
        start.defaultButtonProperty().bind(live);
        for (javafx.scene.Node n : List.of(start, pause, resume, cancel, barRow, counts)) {
            n.visibleProperty().bind(live);
            n.managedProperty().bind(live);
        }
        for (javafx.scene.Node n : List.of(proceed, retry)) {
            n.visibleProperty().bind(liveJob);
            n.managedProperty().bind(liveJob);
        }
        settings.getChildren().addAll(remote.settings());
        actions.getChildren().addAll(0, remote.buttons());
        VBox top = new VBox(8, interrupted, remote.offered(), fileRow, settings, remote.mode(), actions, remote.body(),
                progressRow, error);
        top.setPadding(new Insets(0, 0, 8, 0));
        setTop(top);

        TabPane tabs = new TabPane(new Tab("Input rows", withDetail(previewTable())), new Tab("Results", resultsPane()),
                new Tab("Summary", summaryArea()));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("batch-tabs");
        setCenter(tabs);

        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dropped);
    }

    public BatchViewModel viewModel() {
        return vm;
    }

    private TableView<BatchViewModel.Entry> previewTable() {
        TableView<BatchViewModel.Entry> t = new TableView<>(vm.entries());
        t.setId("batch-preview");
        t.setPlaceholder(new Label("Open a CSV or JSONL file, or drop one here."));
        t.getColumns().add(col("Line", 60, e -> new javafx.beans.property.SimpleObjectProperty<>(e.line())));
        t.getColumns().add(col("Valid", 60, e -> new javafx.beans.property.SimpleStringProperty(e.valid() ? "✓" : "✗ bad")));
        t.getColumns().add(col("Why not", 260, e -> new javafx.beans.property.SimpleStringProperty(e.reason())));
        t.getColumns().add(col("Check", 120, BatchViewModel.Entry::checkProperty));
        t.getColumns().add(col("Status", 90, BatchView::status));
        t.getColumns().add(col("Prompt", 420, BatchViewModel.Entry::promptProperty));
        t.setRowFactory(tv -> new TableRow<>() {
            @Override
            protected void updateItem(BatchViewModel.Entry item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("invalid-row");
                setStyle("");
                if (!empty && item != null && !item.valid()) {
                    getStyleClass().add("invalid-row");
                    setStyle("-fx-background-color: -color-danger-subtle;");
                }
            }
        });
        return t;
    }

    private VBox resultsPane() {
        ComboBox<ItemStatus> filter = new ComboBox<>();
        filter.setId("batch-status-filter");
        filter.getItems().add(null); // all
        filter.getItems().addAll(ItemStatus.values());
        filter.setPromptText(StatusWords.of(null));
        filter.setConverter(new StringConverter<>() {
            @Override
            public String toString(ItemStatus s) {
                return StatusWords.of(s);
            }

            @Override
            public ItemStatus fromString(String s) {
                return filter.getItems().stream().filter(i -> StatusWords.of(i).equals(s)).findFirst().orElse(null);
            }
        });
        filter.valueProperty().bindBidirectional(vm.filterProperty());
        SortedList<BatchViewModel.Entry> sorted = new SortedList<>(vm.results());
        TableView<BatchViewModel.Entry> t = new TableView<>(sorted);
        sorted.comparatorProperty().bind(t.comparatorProperty());
        vm.liveSortProperty().bind(t.comparatorProperty().isNotNull());
        t.setId("batch-results");
        t.setPlaceholder(new Label("No results yet."));
        t.getColumns().add(col("Line", 55, e -> new javafx.beans.property.SimpleObjectProperty<>(e.line())));
        t.getColumns().add(col("Request", 110, e -> new javafx.beans.property.SimpleStringProperty(e.requestId())));
        t.getColumns().add(col("Status", 80, BatchView::status));
        t.getColumns().add(col("Model", 130, BatchViewModel.Entry::modelProperty));
        t.getColumns().add(col("E2E ms", 75, e -> rounded(e.e2eMsProperty())));
        t.getColumns().add(col("TTFT ms", 75, e -> rounded(e.ttftMsProperty())));
        t.getColumns().add(col("Out tok", 65, BatchViewModel.Entry::outputTokensProperty));
        t.getColumns().add(col("Cost $", 85, e -> Bindings.createStringBinding(() -> {
            BigDecimal c = e.costUsdProperty().get();
            return c == null ? "" : dev.llmworkbench.domain.Amounts.plain(c);
        }, e.costUsdProperty())));
        t.getColumns().add(col("Queue ms", 75, e -> rounded(e.queueMsProperty())));
        t.getColumns().add(col("Retries", 60, e -> Bindings.createStringBinding(() -> {
            Integer a = e.attemptsProperty().get();
            return a == null ? "" : String.valueOf(a - 1);
        }, e.attemptsProperty())));
        t.getColumns().add(col("Check", 90, BatchViewModel.Entry::checkProperty));
        t.getColumns().add(col("Error", 200, e -> Bindings.createStringBinding(() ->
                e.valid() ? e.errorProperty().get() : e.reason(), e.errorProperty())));
        t.getColumns().add(col("Response", 300, BatchViewModel.Entry::responseProperty));
        // a cell shows what fits; the selected row is read whole below (selectable, copyable, kept up to date)
        javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(t, detail("batch-result-detail", t));
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.7);
        VBox box = new VBox(6, new HBox(8, new Label("Status"), filter), split);
        VBox.setVgrow(split, javafx.scene.layout.Priority.ALWAYS);
        box.setPadding(new Insets(6, 0, 0, 0));
        return box;
    }

    private static ObservableValue<String> status(BatchViewModel.Entry e) {
        return Bindings.createStringBinding(() -> StatusWords.of(e.itemStatusProperty().get()), e.itemStatusProperty());
    }

    private static ObservableValue<String> rounded(javafx.beans.property.ObjectProperty<Double> p) {
        return Bindings.createStringBinding(() -> p.get() == null ? "" : String.format(Locale.ROOT, "%.0f", p.get()), p);
    }

    private TextArea summaryArea() {
        TextArea a = new TextArea();
        a.setId("batch-summary");
        a.setEditable(false);
        a.textProperty().bind(Bindings.createStringBinding(() -> vm.summaryTextProperty().get().isEmpty()
                ? (vm.dryRunTextProperty().get().isEmpty() ? "The summary appears when a run ends."
                : "Dry run:\n" + vm.dryRunTextProperty().get())
                : vm.summaryTextProperty().get(), vm.summaryTextProperty(), vm.dryRunTextProperty()));
        return a;
    }

    private static javafx.scene.control.SplitPane withDetail(TableView<BatchViewModel.Entry> table) {
        javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(table, detail("batch-row-detail", table));
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.7);
        return split;
    }

    /** The whole of the row selected in {@code table}: its prompt, response and error, as the store holds them. */
    private static javafx.scene.control.TextArea detail(String id, TableView<BatchViewModel.Entry> table) {
        javafx.scene.control.TextArea area = new javafx.scene.control.TextArea();
        area.setId(id);
        area.setEditable(false);
        area.setWrapText(true);
        area.setPromptText("Select a row to read its whole prompt, response and error.");
        table.getSelectionModel().selectedItemProperty().addListener((o, a, e) -> {
            area.textProperty().unbind();
            if (e == null) {
                area.setText("");
            } else {
                area.textProperty().bind(Bindings.createStringBinding(() -> detailText(e), e.promptProperty(),
                        e.itemStatusProperty(), e.modelProperty(), e.responseProperty(), e.errorProperty(),
                        e.checkProperty()));
            }
        });
        return area;
    }

    static String detailText(BatchViewModel.Entry e) {
        StringBuilder sb = new StringBuilder();
        sb.append("Line ").append(e.line() == null ? "–" : e.line());
        if (e.requestId() != null) {
            sb.append(" · ").append(e.requestId());
        }
        sb.append(" · ").append(StatusWords.of(e.itemStatusProperty().get()));
        String model = e.modelProperty().get();
        if (model != null && !model.isEmpty()) {
            sb.append(" · ").append(model);
        }
        section(sb, "Why not", e.reason());
        section(sb, "Prompt", e.promptProperty().get());
        section(sb, "Response", e.responseProperty().get());
        section(sb, "Error", e.errorProperty().get());
        section(sb, "Check", e.checkProperty().get());
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, String text) {
        if (text != null && !text.isBlank()) {
            sb.append("\n\n").append(title).append("\n").append(text);
        }
    }

    private static <T> TableColumn<BatchViewModel.Entry, T> col(String name, double width,
                                                               Function<BatchViewModel.Entry, ObservableValue<T>> value) {
        TableColumn<BatchViewModel.Entry, T> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> value.apply(f.getValue()));
        return c;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, int columns) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(columns);
        f.textProperty().bindBidirectional(p);
        return f;
    }

    private static HBox labelled(String label, javafx.scene.Node n) {
        HBox b = new HBox(4, new Label(label), n);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }

    private void chooseFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a batch file");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV or JSONL", "*.csv", "*.jsonl"));
        File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            vm.importFile(f.toPath());
        }
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        boolean ok = false;
        if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
            vm.importFile(e.getDragboard().getFiles().get(0).toPath());
            ok = true;
        }
        e.setDropCompleted(ok);
        e.consume();
    }

    private void confirmAndStart() {
        vm.dryRun().thenAccept(text -> {
            Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, ButtonType.OK, ButtonType.CANCEL);
            a.setTitle("Start the batch?");
            a.setHeaderText("Start the batch?");
            if (getScene() != null) {
                a.initOwner(getScene().getWindow());
            }
            a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.start());
        });
    }

    private void chooseExport() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export the results");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("JSONL", "*.jsonl"),
                new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            String fmt = f.getName().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
            vm.export(f.toPath(), fmt);
        }
    }

    private void chooseSummary() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export the summary");
        fc.setInitialFileName("summary.json");
        File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        if (f != null) {
            vm.exportSummary(f.toPath());
        }
    }
}
