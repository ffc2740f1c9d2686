package dev.llmworkbench.ui.estimate;

import dev.llmworkbench.service.estimate.EstimateService;
import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import dev.llmworkbench.domain.Amounts;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/** The cost estimator: the workload form, the models, the cost table and a bar chart, the router's saving. */
public final class EstimateView extends BorderPane {
    private final EstimateViewModel vm;

    public EstimateView(EstimateViewModel vm) {
        this.vm = vm;
        setId("view-estimate");
        setAccessibleText("Estimate view");
        setPadding(new Insets(12));

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        Button perDayFromHistory = new Button("From history");
        perDayFromHistory.setId("estimate-per-day-from-history");
        perDayFromHistory.setTooltip(new javafx.scene.control.Tooltip(
                "The pace of the last 7 days of history, over the time its requests cover"));
        perDayFromHistory.setOnAction(e -> vm.requestsPerDayFromHistory());
        Label historyNote = new Label();
        historyNote.setId("estimate-history-note");
        historyNote.textProperty().bind(vm.historyNoteProperty());
        historyNote.setWrapText(true);
        historyNote.setPrefWidth(360);
        historyNote.managedProperty().bind(vm.historyNoteProperty().isNotEmpty());
        Label tokenizerNote = new Label();
        tokenizerNote.setId("estimate-tokenizer-note");
        tokenizerNote.textProperty().bind(vm.tokenizerNoteProperty());
        tokenizerNote.setWrapText(true);
        tokenizerNote.setPrefWidth(360);
        tokenizerNote.managedProperty().bind(vm.tokenizerNoteProperty().isNotEmpty());
        form.addRow(0, new Label("Requests per day"), field("estimate-per-day", vm.requestsPerDayProperty()),
                perDayFromHistory);
        Button fromFile = new Button("From a prompt file…");
        fromFile.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) {
                vm.inputFromFile(f.toPath());
            }
        });
        Button fromHistory = new Button("From history");
        fromHistory.setId("estimate-from-history");
        fromHistory.setTooltip(new javafx.scene.control.Tooltip(
                "Input: the mean of the history's newest prompts; output: the mean answer of its newest requests"));
        fromHistory.setOnAction(e -> vm.inputFromHistory());
        form.addRow(1, new Label("Input tokens / request"), field("estimate-input", vm.inputTokensProperty()),
                fromFile, fromHistory);
        form.addRow(2, new Label("Output tokens / request"), field("estimate-output", vm.outputTokensProperty()));
        form.addRow(3, new Label("Cache hit rate %"), field("estimate-cache", vm.cacheHitPercentProperty()));
        form.addRow(4, new Label("Share at batch price %"), field("estimate-batch", vm.batchPercentProperty()));

        ListView<String> models = new ListView<>(vm.models());
        models.setId("estimate-models");
        models.setPrefHeight(150);
        models.setPrefWidth(220);
        models.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        for (String m : vm.chosen()) {
            models.getSelectionModel().select(m);
        }
        models.getSelectionModel().getSelectedItems().addListener((ListChangeListener<String>) c ->
                vm.chosen().setAll(java.util.List.copyOf(models.getSelectionModel().getSelectedItems())));
        Button compute = new Button("Estimate");
        compute.setId("estimate-run");
        compute.setDefaultButton(true);
        compute.setOnAction(e -> vm.compute());
        Button export = new Button("Export CSV…");
        export.setId("estimate-export");
        export.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setInitialFileName("estimate.csv");
            File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) {
                vm.exportCsv(f.toPath());
            }
        });
        Label error = new Label();
        error.setStyle("-fx-text-fill: -color-danger-fg;");
        error.textProperty().bind(vm.errorProperty());
        for (javafx.scene.Node n : form.getChildren()) {
            if (n instanceof javafx.scene.control.Labeled l && !(n instanceof javafx.scene.control.TextField)) {
                l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the chart narrows, never the form
            }
        }
        VBox left = new VBox(8, form, historyNote, tokenizerNote, new Label("Models (Ctrl+click for several)"), models,
                new HBox(8, compute, export), error);
        left.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox top = new HBox(16, left);
        top.setAlignment(Pos.TOP_LEFT);

        TableView<EstimateService.ModelEstimate> table = new TableView<>(vm.rows());
        table.setId("estimate-table");
        table.setPlaceholder(new Label("Choose models and press Estimate."));
        table.getColumns().add(col("Model", 160, EstimateService.ModelEstimate::model));
        table.getColumns().add(col("In tok", 80, e -> String.valueOf(e.inputTokens())));
        table.getColumns().add(col("Tokenizer", 100, e -> e.tokenizer() == null ? "" : e.tokenizer()));
        table.getColumns().add(col("Out tok", 80, e -> String.valueOf(e.outputTokens())));
        // three significant digits below one unit: a cost that is not zero never reads 0.00
        table.getColumns().add(col("$/request", 100, e -> Amounts.plain(e.perRequestUsd().amount())));
        table.getColumns().add(col("$/day", 90, e -> Amounts.plain(e.perDayUsd().amount())));
        table.getColumns().add(col("$/month", 100, e -> Amounts.plain(e.perMonthUsd().amount())));
        table.getColumns().add(col("¥/request", 100, e -> Amounts.plain(e.perRequestCny().amount())));
        table.getColumns().add(col("¥/day", 90, e -> Amounts.plain(e.perDayCny().amount())));
        table.getColumns().add(col("¥/month", 100, e -> Amounts.plain(e.perMonthCny().amount())));
        table.getColumns().add(col("¥ from", 150, e -> e.cnySource() == null ? "" : e.cnySource()));

        CategoryAxis x = new CategoryAxis();
        NumberAxis y = new NumberAxis();
        y.setLabel("USD per month");
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId("estimate-chart");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setTitle("Cost per month");
        vm.rows().addListener((ListChangeListener<EstimateService.ModelEstimate>) c -> {
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            for (EstimateService.ModelEstimate e : vm.rows()) {
                s.getData().add(new XYChart.Data<>(e.model(), e.perMonthUsd().amount().doubleValue()));
            }
            chart.getData().setAll(java.util.List.of(s));
        });
        HBox.setHgrow(chart, javafx.scene.layout.Priority.ALWAYS);
        top.getChildren().add(chart);
        chart.setPrefHeight(320);
        chart.setMinWidth(120); // the chart narrows at 1024 px, never the form (which would push the window wider)
        chart.setPrefWidth(360);
        models.setMinHeight(96); // a few models always show, however low the window

        Label saving = new Label();
        saving.setId("estimate-router-saving");
        saving.setWrapText(true);
        saving.textProperty().bind(vm.routerSavingProperty());
        VBox bottom = new VBox(8, saving, table);
        VBox.setVgrow(table, javafx.scene.layout.Priority.ALWAYS);
        // the form scrolls in its pane when the window is low, rather than squeezing the model list
        javafx.scene.control.ScrollPane topScroll = new javafx.scene.control.ScrollPane(top);
        topScroll.setFitToWidth(true);
        topScroll.setFitToHeight(true);
        topScroll.setId("estimate-top");
        SplitPane split = new SplitPane(topScroll, bottom);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        setCenter(split);
    }

    public EstimateViewModel viewModel() {
        return vm;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(8);
        f.textProperty().bindBidirectional(p);
        return f;
    }

    private static TableColumn<EstimateService.ModelEstimate, String> col(String name, double w,
            Function<EstimateService.ModelEstimate, String> f) {
        TableColumn<EstimateService.ModelEstimate, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(f.apply(x.getValue())));
        return c;
    }
}
