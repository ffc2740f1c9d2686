package dev.llmworkbench.ui.bench;

import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.service.charts.ChartsService;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The Benchmark view: the options of {@code bench} on the left; Run / Stop, the exports and the progress per level on
 * top; the throughput–latency curve across the levels (the capacity search's answer marked) beside the current
 * level's ITL histogram, both updated live; the per-level results table with the service's figures below.
 */
public final class BenchView extends BorderPane {
    private final BenchViewModel vm;
    private final NumberAxis curveX = new NumberAxis();
    private final NumberAxis curveY = new NumberAxis();
    private final LineChart<Number, Number> curveChart = new LineChart<>(curveX, curveY);
    private final BarChart<String, Number> itlChart = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final TableView<LevelResult> table = new TableView<>();

    public BenchView(BenchViewModel vm) {
        this.vm = vm;
        setId("view-benchmark");
        setAccessibleText("Benchmark view");
        setPadding(new Insets(12));

        ScrollPane form = new ScrollPane(new BenchForm(vm));
        form.setFitToWidth(true);
        form.setPrefViewportWidth(330);
        form.setMinWidth(260);
        setLeft(form);
        BorderPane.setMargin(form, new Insets(0, 12, 0, 0));

        var running = vm.stateProperty().isEqualTo(BenchViewModel.State.RUNNING);
        Button run = button("bench-run", "Run", e -> vm.run());
        run.setDefaultButton(true);
        run.disableProperty().bind(running);
        run.setTooltip(new Tooltip("Check the options and run the levels (nothing is sent when an option is wrong)"));
        Button stop = button("bench-stop", "Stop", e -> vm.stop());
        stop.disableProperty().bind(running.not());
        var noResult = vm.resultProperty().isNull();
        Button exportRequests = button("bench-export-requests", "Export requests…",
                e -> save("bench-requests.jsonl").ifPresent(vm::exportRequests));
        exportRequests.setTooltip(new Tooltip("One JSON line per measured request (as bench --export)"));
        exportRequests.disableProperty().bind(noResult.or(running));
        Button exportSummary = button("bench-export-summary", "Export summary…",
                e -> save("bench-summary.json").ifPresent(vm::exportSummary));
        exportSummary.setTooltip(new Tooltip("The summary JSON (as bench --json)"));
        exportSummary.disableProperty().bind(noResult.or(running));
        ComboBox<BenchViewModel.XAxis> x = new ComboBox<>();
        x.setId("bench-curve-x");
        x.getItems().setAll(BenchViewModel.XAxis.values());
        x.valueProperty().bindBidirectional(vm.xAxisProperty());
        ComboBox<BenchViewModel.YAxis> y = new ComboBox<>();
        y.setId("bench-curve-y");
        y.getItems().setAll(BenchViewModel.YAxis.values());
        y.valueProperty().bindBidirectional(vm.yAxisProperty());
        FlowPane actions = new FlowPane(8, 6, run, stop, exportRequests, exportSummary, labelled("Curve x", x),
                labelled("y", y));
        actions.setAlignment(Pos.CENTER_LEFT);

        Label error = label("bench-error", vm.errorProperty());
        error.setStyle("-fx-text-fill: -color-danger-fg;");
        Label progress = label("bench-progress", vm.progressProperty());
        Label answer = label("bench-answer", vm.answerProperty());
        answer.setStyle("-fx-text-fill: -color-success-fg;");
        Label notice = label("bench-notice", vm.noticeProperty());
        notice.setStyle("-fx-text-fill: -color-accent-fg;");
        VBox top = new VBox(6, actions, error, progress, answer, notice);
        top.setPadding(new Insets(0, 0, 8, 0));

        curveChart.setId("bench-curve");
        curveChart.setTitle("Throughput – latency");
        curveChart.setAnimated(false);
        curveX.setForceZeroInRange(false);
        curveY.setForceZeroInRange(false);
        curveX.labelProperty().bind(Bindings.createStringBinding(() -> String.valueOf(vm.xAxisProperty().get()),
                vm.xAxisProperty()));
        curveY.labelProperty().bind(Bindings.createStringBinding(() -> String.valueOf(vm.yAxisProperty().get()),
                vm.yAxisProperty()));
        itlChart.setId("bench-itl");
        itlChart.titleProperty().bind(vm.itlTitleProperty());
        itlChart.setAnimated(false);
        itlChart.setLegendVisible(false);
        itlChart.setCategoryGap(1);
        itlChart.setBarGap(0);
        itlChart.getXAxis().setLabel("ms");
        itlChart.getYAxis().setLabel("gaps");
        for (XYChart<?, ?> c : List.<XYChart<?, ?>>of(curveChart, itlChart)) {
            c.setMinSize(200, 160);
            c.setPrefSize(460, 280);
            HBox.setHgrow(c, Priority.ALWAYS);
        }
        HBox charts = new HBox(12, curveChart, itlChart);
        charts.setMinHeight(0);
        vm.curve().addListener((ListChangeListener<BenchViewModel.CurvePoint>) c -> renderCurve());
        vm.itl().addListener((ListChangeListener<ChartsService.Bin>) c -> renderItl());

        buildTable();
        SplitPane split = new SplitPane(charts, table);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox right = new VBox(top, split);
        VBox.setVgrow(split, Priority.ALWAYS);
        setCenter(right);
        renderCurve();
        renderItl();
    }

    public BenchViewModel viewModel() {
        return vm;
    }

    private void buildTable() {
        table.setId("bench-results");
        table.setItems(vm.levels());
        Label empty = new Label("No level yet: each level's figures appear here as it ends.");
        empty.setWrapText(true);
        table.setPlaceholder(empty);
        table.getColumns().setAll(List.of(
                column("Load", 70, BenchTexts::load),
                column("Requests", 80, l -> Integer.toString(l.requests())),
                column("Errors", 64, l -> Integer.toString(l.errors())),
                column("Req/s", 70, l -> BenchTexts.f(l.requestRate(), 2)),
                column("Output tok/s", 100, BenchTexts::tokensPerS),
                column("Goodput", 76, l -> BenchTexts.pct(l.goodput())),
                column("TTFT p50 / p99", 120, l -> BenchTexts.p50p99(l.ttft())),
                column("TPOT p50 / p99", 120, l -> BenchTexts.p50p99(l.tpot())),
                column("ITL p50 / p99", 120, l -> BenchTexts.p50p99(l.itl())),
                column("E2E p50 / p99", 130, l -> BenchTexts.p50p99(l.e2e())),
                column("Tokens", 80, LevelResult::tokensSource),
                column("Errors by kind (first message)", 320, BenchTexts::errorsByKind)));
    }

    private static TableColumn<LevelResult, String> column(String title, double width,
                                                           Function<LevelResult, String> text) {
        TableColumn<LevelResult, String> c = new TableColumn<>(title);
        c.setId("bench-col-" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", ""));
        // wide enough for its header: a table's headers are never cut
        double w = Math.max(width, title.length() * 9 + 28);
        c.setPrefWidth(w);
        c.setMinWidth(w);
        c.setSortable(false);
        c.setCellValueFactory(f -> new SimpleStringProperty(text.apply(f.getValue())));
        return c;
    }

    private void renderCurve() {
        XYChart.Series<Number, Number> p50 = new XYChart.Series<>();
        p50.setName("p50");
        XYChart.Series<Number, Number> p99 = new XYChart.Series<>();
        p99.setName("p99");
        XYChart.Series<Number, Number> answer = new XYChart.Series<>();
        answer.setName("capacity (find-max)");
        for (BenchViewModel.CurvePoint p : vm.curve()) {
            p50.getData().add(new XYChart.Data<>(p.x(), p.p50()));
            p99.getData().add(new XYChart.Data<>(p.x(), p.p99()));
            if (p.answer()) {
                answer.getData().add(new XYChart.Data<>(p.x(), p.p50()));
            }
        }
        curveChart.getData().setAll(answer.getData().isEmpty() ? List.of(p50, p99) : List.of(p50, p99, answer));
        for (XYChart.Series<Number, Number> s : List.of(p50, p99)) {
            for (int i = 0; i < s.getData().size(); i++) {
                XYChart.Data<Number, Number> d = s.getData().get(i);
                if (d.getNode() != null) {
                    Tooltip.install(d.getNode(), new Tooltip(vm.curve().get(i).label() + ": " + s.getName() + " "
                            + BenchTexts.f(d.getYValue().doubleValue(), 1) + " ms at "
                            + BenchTexts.f(d.getXValue().doubleValue(), 1)));
                }
            }
        }
    }

    private void renderItl() {
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        for (ChartsService.Bin b : vm.itl()) {
            s.getData().add(new XYChart.Data<>(String.format(Locale.ROOT, "%.1f", b.from()), b.count()));
        }
        itlChart.getData().setAll(List.of(s));
    }

    /** The points the curve shows per series (tests): p50, p99 and, after a capacity search, the answer. */
    public List<Integer> curveSizes() {
        return curveChart.getData().stream().map(s -> s.getData().size()).toList();
    }

    /** The bars the ITL histogram shows (tests). */
    public int itlBars() {
        return itlChart.getData().isEmpty() ? 0 : itlChart.getData().get(0).getData().size();
    }

    private java.util.Optional<java.nio.file.Path> save(String name) {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName(name);
        File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        return java.util.Optional.ofNullable(f).map(File::toPath);
    }

    private static Button button(String id, String text, javafx.event.EventHandler<javafx.event.ActionEvent> action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(action);
        b.setMinWidth(Region.USE_PREF_SIZE);
        return b;
    }

    private static Label label(String id, ObservableValue<String> text) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.textProperty().bind(text);
        l.visibleProperty().bind(Bindings.createBooleanBinding(() -> text.getValue() != null
                && !text.getValue().isEmpty(), text));
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }

    private static HBox labelled(String label, javafx.scene.Node n) {
        Label l = new Label(label);
        l.setMinWidth(Region.USE_PREF_SIZE);
        HBox b = new HBox(4, l, n);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }
}
