package dev.llmworkbench.ui.compare;

import dev.llmworkbench.service.compare.CompareMarks;
import dev.llmworkbench.service.compare.WordDiff;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.util.StringConverter;

/**
 * Under the lanes: the metrics table (the recorded figures of each lane, its marks) and the word diff of two lanes'
 * answers (deleted words struck through, inserted words underlined).
 */
final class CompareResultsPane extends TabPane {
    private final TextFlow diffText = new TextFlow();

    CompareResultsPane(CompareViewModel vm) {
        setId("compare-results");
        setTabClosingPolicy(TabClosingPolicy.UNAVAILABLE);
        Tab metrics = new Tab("Metrics", metricsTable(vm));
        metrics.setId("compare-metrics-tab");
        Tab diff = new Tab("Diff", diffPane(vm.diff()));
        diff.setId("compare-diff-tab");
        getTabs().addAll(metrics, diff);
    }

    private static TableView<CompareViewModel.MetricsRow> metricsTable(CompareViewModel vm) {
        TableView<CompareViewModel.MetricsRow> table = new TableView<>(vm.metrics());
        table.setId("compare-metrics");
        table.setAccessibleText("Metrics of each lane");
        Label none = new Label("Run the lanes: their figures, as recorded in the history, appear here.");
        none.setWrapText(true);
        table.setPlaceholder(none);
        // columns keep their width (a heading is never cut): a narrow window scrolls the table sideways
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.getColumns().add(column("Lane", CompareViewModel.MetricsRow::lane, 260));
        table.getColumns().add(column("TTFT", CompareViewModel.MetricsRow::ttft, 100));
        table.getColumns().add(column("tokens/s", CompareViewModel.MetricsRow::tokensPerSecond, 110));
        table.getColumns().add(column("end-to-end", CompareViewModel.MetricsRow::e2e, 120));
        table.getColumns().add(column("tokens in → out", CompareViewModel.MetricsRow::tokens, 150));
        table.getColumns().add(column("cost", CompareViewModel.MetricsRow::cost, 180));
        TableColumn<CompareViewModel.MetricsRow, String> marks = column("marks", CompareViewModel.MetricsRow::marks,
                140);
        marks.setId("compare-metrics-marks");
        StringBuilder help = new StringBuilder();
        for (CompareMarks.Mark m : CompareMarks.Mark.values()) {
            help.append(help.length() == 0 ? "" : "; ").append(m.word()).append(": ").append(m.meaning());
        }
        Label heading = new Label("marks");
        heading.setTooltip(new javafx.scene.control.Tooltip(help + " (among the lanes that finished)"));
        marks.setText("");
        marks.setGraphic(heading);
        table.getColumns().add(marks);
        return table;
    }

    private static TableColumn<CompareViewModel.MetricsRow, String> column(String name,
            Function<CompareViewModel.MetricsRow, String> value, double width) {
        TableColumn<CompareViewModel.MetricsRow, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setMinWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(value.apply(f.getValue())));
        c.setSortable(false);
        return c;
    }

    private BorderPane diffPane(CompareDiff diff) {
        ComboBox<Integer> from = chooser(diff, "compare-diff-from", "The first answer of the diff");
        from.valueProperty().bindBidirectional(diff.fromProperty());
        ComboBox<Integer> to = chooser(diff, "compare-diff-to", "The second answer of the diff");
        to.valueProperty().bindBidirectional(diff.toProperty());
        Label arrow = new Label("→");
        arrow.setMinWidth(Region.USE_PREF_SIZE);
        Label summary = new Label();
        summary.setId("compare-diff-summary");
        summary.setWrapText(true);
        summary.textProperty().bind(diff.summaryProperty());
        HBox.setHgrow(summary, Priority.ALWAYS);
        summary.setMaxWidth(Double.MAX_VALUE);
        HBox top = new HBox(8, from, arrow, to, summary);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6));
        diffText.setId("compare-diff");
        diffText.getStyleClass().add("compare-diff");
        diffText.setAccessibleText("Word diff of the two answers: deleted words struck through, inserted underlined");
        ScrollPane scroll = new ScrollPane(diffText);
        scroll.setFitToWidth(true);
        show(diff.resultProperty().get());
        diff.resultProperty().addListener((o, a, b) -> show(b));
        BorderPane pane = new BorderPane(scroll);
        pane.setTop(top);
        return pane;
    }

    private static ComboBox<Integer> chooser(CompareDiff diff, String id, String help) {
        ComboBox<Integer> box = new ComboBox<>(diff.choices());
        box.setId(id);
        box.setAccessibleText(help);
        box.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer lane) {
                return diff.describe(lane);
            }

            @Override
            public Integer fromString(String s) {
                return null;
            }
        });
        box.setButtonCell(new ListCell<>() {
            @Override
            protected void updateItem(Integer lane, boolean empty) {
                super.updateItem(lane, empty);
                setText(empty || lane == null ? "" : "Lane " + lane);
            }
        });
        return box;
    }

    private void show(WordDiff.Result r) {
        diffText.getChildren().clear();
        if (r == null) {
            return;
        }
        for (WordDiff.Segment s : r.segments()) {
            Text t = new Text(s.text());
            t.getStyleClass().add(switch (s.kind()) {
                case SAME -> "diff-same";
                case DELETED -> "diff-deleted";
                case INSERTED -> "diff-inserted";
            });
            diffText.getChildren().add(t);
        }
    }
}
