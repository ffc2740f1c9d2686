package dev.llmworkbench.ui.batch;

import dev.llmworkbench.service.batch.BatchService;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The batch panel's parts for the provider batch service: the choice of engine with the completion window, the
 * estimate of both, a job's shards while it runs (state, counts, time since submission), the next look at the
 * provider, Cancel, "Retry failed / not run" as a new provider batch, and the jobs left running by the last
 * session ("Watch").
 */
final class RemotePane {
    private final RemoteJobViewModel vm;
    private final BatchViewModel panel;
    private final Node owner;
    private final VBox offered = new VBox(4);
    private final FlowPane mode;
    private final VBox body;
    private List<Node> settings;
    private List<Node> buttons;

    RemotePane(BatchViewModel panel, Node owner) {
        this.panel = panel;
        this.vm = panel.remote();
        this.owner = owner;
        this.mode = buildMode();
        this.body = buildBody();
        offered.setId("batch-remote-offered");
        vm.offered().addListener((ListChangeListener<BatchService.JobInfo>) c -> fillOffered());
        fillOffered();
        if (!vm.available()) {
            mode.setVisible(false);
            mode.setManaged(false);
        }
    }

    /** True while the provider batch service is chosen. */
    BooleanBinding chosen() {
        return vm.providerBatchProperty().and(javafx.beans.binding.Bindings.createBooleanBinding(vm::available));
    }

    Node offered() {
        return offered;
    }

    Node mode() {
        return mode;
    }

    Node body() {
        return body;
    }

    /** The completion window and the poll interval, for the settings' row (shown while the service is chosen). */
    List<Node> settings() {
        return settings;
    }

    /** Estimate, Submit, Cancel, Retry and Watch again, for the actions' row (shown while the service is chosen). */
    List<Node> buttons() {
        return buttons;
    }

    private FlowPane buildMode() {
        ToggleGroup group = new ToggleGroup();
        RadioButton live = new RadioButton("Live from this computer");
        live.setId("batch-engine-live");
        RadioButton remote = new RadioButton("Provider batch service (about 50% cheaper, up to 24 h or the window you pick)");
        remote.setId("batch-engine-remote");
        live.setToggleGroup(group);
        remote.setToggleGroup(group);
        (vm.providerBatchProperty().get() ? remote : live).setSelected(true);
        remote.selectedProperty().addListener((o, a, b) -> vm.providerBatchProperty().set(b));
        vm.providerBatchProperty().addListener((o, a, b) -> (b ? remote : live).setSelected(true));
        var busy = javafx.beans.binding.Bindings.createBooleanBinding(panel::isActive, panel.stateProperty());
        live.disableProperty().bind(busy);
        remote.disableProperty().bind(busy);
        ComboBox<String> window = new ComboBox<>();
        window.getItems().setAll(RemoteJobViewModel.WINDOWS);
        window.setEditable(true);
        window.setId("batch-window");
        window.setPrefWidth(90);
        window.valueProperty().bindBidirectional(vm.windowProperty());
        window.setTooltip(new Tooltip("How long the provider may take. OpenAI takes 24h only; DashScope 24h to 336h "
                + "(1d to 14d)."));
        TextField poll = new TextField();
        poll.setId("batch-poll");
        poll.setPrefColumnCount(3);
        poll.textProperty().bindBidirectional(vm.pollSecondsProperty());
        poll.setTooltip(new Tooltip("How often the provider is asked how its batches stand"));
        HBox windowBox = labelled("Window", window);
        HBox pollBox = labelled("Look every", poll, new Label("s"));
        for (Node n : new Node[] {windowBox, pollBox}) {
            n.visibleProperty().bind(chosen());
            n.managedProperty().bind(chosen());
        }
        settings = List.of(windowBox, pollBox);
        for (Region r : new Region[] {live, remote}) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        FlowPane row = new FlowPane(10, 6, live, remote);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setId("batch-engine");
        return row;
    }

    private VBox buildBody() {
        Button estimate = new Button("Estimate both");
        estimate.setId("batch-remote-estimate");
        estimate.disableProperty().bind(panel.fileProperty().isNull());
        estimate.setOnAction(e -> vm.estimate());
        Button submit = new Button("Submit…");
        submit.setTooltip(new Tooltip("Estimate both ways, then upload the rows and create the provider's batches"));
        submit.setId("batch-remote-submit");
        submit.defaultButtonProperty().bind(chosen());
        var idle = javafx.beans.binding.Bindings.createBooleanBinding(() -> !panel.isActive(), panel.stateProperty());
        submit.disableProperty().bind(panel.fileProperty().isNull().or(idle.not()));
        submit.setOnAction(e -> confirmAndSubmit());
        Button cancel = new Button("Cancel batches");
        cancel.setTooltip(new Tooltip("Cancel the job's batches at the provider; what they finished is kept"));
        cancel.setId("batch-remote-cancel");
        cancel.disableProperty().bind(vm.watchingProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Button retry = new Button("Retry failed / not run");
        retry.setId("batch-remote-retry");
        retry.setTooltip(new Tooltip("Send only the failed and not-run rows again, as a new provider batch of the same job"));
        retry.disableProperty().bind(vm.jobProperty().isNull().or(idle.not()).or(vm.retryableProperty().isEqualTo(0)));
        retry.setOnAction(e -> vm.retryAsBatch());
        Button again = new Button("Watch again");
        again.setId("batch-remote-watch-again");
        again.disableProperty().bind(vm.jobProperty().isNull()
                .or(panel.stateProperty().isNotEqualTo(BatchViewModel.State.FAILED)));
        again.visibleProperty().bind(again.disableProperty().not().and(chosen()));
        again.managedProperty().bind(again.visibleProperty());
        again.setOnAction(e -> vm.watchAgain());
        buttons = List.of(estimate, submit, cancel, retry, again);
        for (Button b : List.of(estimate, submit, cancel, retry)) {
            b.visibleProperty().bind(chosen());
            b.managedProperty().bind(chosen());
        }

        Label est = new Label();
        est.setId("batch-remote-estimate-text");
        est.setWrapText(true);
        est.textProperty().bind(vm.estimateProperty());
        showWhenText(est);
        TableView<RemoteJobViewModel.ShardRow> table = new TableView<>(vm.shards());
        table.setId("batch-remote-shards");
        table.setFixedCellSize(26);
        table.setPrefHeight(26 * 3 + 44);
        table.setMinHeight(26 + 44);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(col("Shard", 70, r -> r.shard()));
        table.getColumns().add(col("State", 160, RemoteJobViewModel.ShardRow::state));
        table.getColumns().add(col("Counts", 130, RemoteJobViewModel.ShardRow::counts));
        table.getColumns().add(col("Lines", 70, r -> r.lines()));
        table.getColumns().add(col("Submitted", 120, RemoteJobViewModel.ShardRow::submitted));
        table.getColumns().add(col("Batch", 170, RemoteJobViewModel.ShardRow::batchId));
        table.getColumns().add(col("Note", 260, RemoteJobViewModel.ShardRow::note));
        var hasShards = javafx.beans.binding.Bindings.isNotEmpty(vm.shards());
        table.visibleProperty().bind(hasShards);
        table.managedProperty().bind(hasShards);
        Label counts = new Label();
        counts.setId("batch-remote-counts");
        counts.textProperty().bind(vm.countsProperty());
        counts.setMinWidth(Region.USE_PREF_SIZE);
        showWhenText(counts);
        Label next = new Label();
        next.setId("batch-remote-next");
        next.textProperty().bind(vm.nextProperty());
        next.setMinWidth(Region.USE_PREF_SIZE);
        showWhenText(next);
        FlowPane status = new FlowPane(16, 4, counts, next);
        VBox box = new VBox(6, est, status, table);
        box.setId("batch-remote");
        box.visibleProperty().bind(chosen());
        box.managedProperty().bind(chosen());
        return box;
    }

    private void fillOffered() {
        offered.getChildren().clear();
        for (BatchService.JobInfo j : vm.offered()) {
            Button b = new Button("Watch");
            b.setId("batch-remote-watch");
            b.setOnAction(e -> vm.watch(j));
            Label l = new Label("Provider batch job " + j.jobId() + " (" + Path.of(j.inputPath()).getFileName()
                    + ") is still running at the provider.");
            l.setWrapText(true);
            HBox row = new HBox(8, l, b);
            row.setAlignment(Pos.CENTER_LEFT);
            offered.getChildren().add(row);
        }
        offered.setManaged(!vm.offered().isEmpty());
        offered.setVisible(!vm.offered().isEmpty());
    }

    private void confirmAndSubmit() {
        vm.estimate().thenAccept(e -> {
            Alert a = new Alert(Alert.AlertType.CONFIRMATION, e.describe(), ButtonType.OK, ButtonType.CANCEL);
            a.setTitle("Submit to the provider's batch service?");
            a.setHeaderText("Submit to the provider's batch service?");
            if (owner.getScene() != null) {
                a.initOwner(owner.getScene().getWindow());
            }
            a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.submit());
        });
    }

    private static void showWhenText(Label l) {
        l.visibleProperty().bind(l.textProperty().isNotEmpty());
        l.managedProperty().bind(l.textProperty().isNotEmpty());
    }

    private static HBox labelled(String label, Node... nodes) {
        HBox b = new HBox(4, new Label(label));
        b.getChildren().addAll(nodes);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }

    private static <T> TableColumn<RemoteJobViewModel.ShardRow, T> col(String name, double width,
                                                                       Function<RemoteJobViewModel.ShardRow, T> value) {
        TableColumn<RemoteJobViewModel.ShardRow, T> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setMinWidth(Math.min(width, 130)); // the short columns keep their headers whole; Batch and Note give way
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(value.apply(f.getValue())));
        return c;
    }
}
