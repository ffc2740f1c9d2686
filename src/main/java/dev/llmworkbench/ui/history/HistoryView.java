package dev.llmworkbench.ui.history;

import dev.llmworkbench.service.history.HistoryService;
import java.io.File;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/** The history browser: filters, the runs, the selected run's details, reopen, delete, export. */
public final class HistoryView extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private final HistoryViewModel vm;

    public HistoryView(HistoryViewModel vm) {
        this.vm = vm;
        setId("view-history");
        setAccessibleText("History view");
        setPadding(new Insets(12));

        ComboBox<String> kind = new ComboBox<>(vm.kinds());
        kind.setId("history-kind");
        kind.valueProperty().bindBidirectional(vm.kindProperty());
        TextField model = new TextField();
        model.setId("history-model");
        model.setPromptText("model");
        model.setPrefColumnCount(12);
        model.textProperty().bindBidirectional(vm.modelProperty());
        TextField text = new TextField();
        text.setId("history-search");
        text.setPromptText("search title and prompt");
        text.setPrefColumnCount(18);
        text.textProperty().bindBidirectional(vm.textProperty());
        DatePicker from = new DatePicker();
        from.setPromptText("from");
        from.setPrefWidth(130);
        from.valueProperty().bindBidirectional(vm.fromProperty());
        DatePicker to = new DatePicker();
        to.setPromptText("to");
        to.setPrefWidth(130);
        to.valueProperty().bindBidirectional(vm.toProperty());
        Button search = new Button("Search");
        search.setId("history-refresh");
        search.setDefaultButton(true);
        search.setOnAction(e -> vm.refresh());
        kind.valueProperty().addListener((o, a, b) -> vm.refresh());
        Label message = new Label();
        message.textProperty().bind(vm.messageProperty());
        FlowPane filters = new FlowPane(8, 6, new Label("Kind"), kind, model, text, from, to, search, message);
        filters.setPadding(new Insets(0, 0, 8, 0));
        setTop(filters);

        TableView<HistoryService.RunRow> table = new TableView<>(vm.runs());
        table.setId("history-table");
        Label none = new Label("No runs yet: runs from the Playground, Compare, Batch and benchmarks appear here.");
        none.setWrapText(true);
        table.setPlaceholder(none);
        table.getColumns().add(col("#", 48, r -> new ReadOnlyStringWrapper(String.valueOf(r.id()))));
        table.getColumns().add(col("When", 128, r -> new ReadOnlyStringWrapper(TIME.format(r.createdAt()))));
        table.getColumns().add(col("Kind", 104, r -> new ReadOnlyStringWrapper(r.kind())));
        table.getColumns().add(col("Status", 92, r -> new ReadOnlyStringWrapper(r.status())));
        // the short, fixed-format columns are never narrowed below their text ("12-03 12:35", "benchmark", "cancelled")
        table.getColumns().forEach(c -> c.setMinWidth(c.getPrefWidth()));
        table.getColumns().add(col("Models", 170, r -> new ReadOnlyStringWrapper(String.join(", ", r.models()))));
        table.getColumns().add(col("Provider", 110, r -> new ReadOnlyStringWrapper(r.provider())));
        table.getColumns().add(col("Title", 320, r -> new ReadOnlyStringWrapper(r.title())));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.selectedProperty().set(b));

        Button reopen = new Button("Reopen in Playground");
        reopen.setId("history-reopen");
        reopen.disableProperty().bind(vm.selectedProperty().isNull());
        reopen.setOnAction(e -> vm.reopenSelected());
        Button delete = new Button("Delete");
        delete.setId("history-delete");
        delete.disableProperty().bind(vm.selectedProperty().isNull());
        delete.setOnAction(e -> {
            Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Delete this run and its results?", ButtonType.OK,
                    ButtonType.CANCEL);
            a.setHeaderText("Delete run?");
            a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.deleteSelected());
        });
        Button export = new Button("Export…");
        export.setId("history-export");
        export.disableProperty().bind(vm.selectedProperty().isNull());
        export.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("JSONL", "*.jsonl"),
                    new FileChooser.ExtensionFilter("CSV", "*.csv"));
            File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) {
                vm.exportSelected(f.toPath(), f.getName().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl");
            }
        });
        // a flow: at 1024 px the buttons go to a second line rather than reading "…"
        javafx.scene.layout.FlowPane actions = new javafx.scene.layout.FlowPane(8, 6, reopen, delete, export);
        for (Button b : java.util.List.of(reopen, delete, export)) {
            b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        actions.setAlignment(Pos.CENTER_LEFT);
        TextArea details = area("history-details", vm.detailsProperty());
        TabPane tabs = new TabPane(new Tab("Details", details), new Tab("Request", area("history-request",
                vm.requestProperty())), new Tab("Response", area("history-response", vm.responseProperty())),
                new Tab("Reasoning", area("history-reasoning", vm.reasoningProperty())));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox right = new VBox(8, actions, tabs);
        VBox.setVgrow(tabs, javafx.scene.layout.Priority.ALWAYS);
        right.setPadding(new Insets(0, 0, 0, 8));
        SplitPane split = new SplitPane(table, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.6);
        setCenter(split);
        sceneProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.refresh();
            }
        });
    }

    public HistoryViewModel viewModel() {
        return vm;
    }

    private static TextArea area(String id, javafx.beans.property.StringProperty p) {
        TextArea a = new TextArea();
        a.setId(id);
        a.setEditable(false);
        a.setWrapText(true);
        a.textProperty().bind(p);
        return a;
    }

    private static TableColumn<HistoryService.RunRow, String> col(String name, double w,
            Function<HistoryService.RunRow, ObservableValue<String>> f) {
        TableColumn<HistoryService.RunRow, String> c = new TableColumn<>(name);
        c.setPrefWidth(w);
        c.setCellValueFactory(x -> f.apply(x.getValue()));
        return c;
    }
}
