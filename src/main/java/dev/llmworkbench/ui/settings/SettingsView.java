package dev.llmworkbench.ui.settings;

import dev.llmworkbench.ui.common.Fields;
import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.providers.LimitsService;
import dev.llmworkbench.service.providers.ProviderPreset;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/** Settings: provider profiles, limits and budgets, prices and currency. */
public final class SettingsView extends BorderPane {
    private final SettingsViewModel vm;

    public SettingsView(SettingsViewModel vm) {
        this.vm = vm;
        setId("view-settings");
        setAccessibleText("Settings view");
        TabPane tabs = new TabPane(new Tab("Providers", providers()), new Tab("Limits and budgets", limits()),
                new Tab("Prices", prices()));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(tabs);
    }

    private Node providers() {
        ListView<ProviderProfile> list = new ListView<>(vm.profiles());
        list.setId("profiles");
        list.setAccessibleText("Saved providers");
        list.setPrefWidth(220);
        Label none = new Label("No provider yet: the built-in simulator answers.");
        none.setWrapText(true);
        list.setPlaceholder(none);
        list.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(ProviderProfile p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : p.name());
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> vm.edit(p));

        ComboBox<ProviderPreset> preset = new ComboBox<>(FXCollections.observableArrayList(
                ProviderPreset.ALL.stream().filter(p -> !ProviderPreset.SIMULATOR.equals(p.name())).toList()));
        preset.setId("preset");
        preset.setPromptText("Start from a preset");
        preset.setAccessibleText("Provider preset");
        preset.setConverter(new StringConverter<>() {
            @Override
            public String toString(ProviderPreset p) {
                return p == null ? "" : p.name();
            }

            @Override
            public ProviderPreset fromString(String s) {
                return ProviderPreset.find(s).orElse(null);
            }
        });
        preset.valueProperty().bindBidirectional(vm.presetProperty());
        PasswordField key = new PasswordField();
        key.setId("api-key");
        key.setPromptText("API key (stored outside the database)");
        key.setAccessibleText("API key, masked");
        key.textProperty().bindBidirectional(vm.keyProperty());
        ComboBox<Dialect> dialect = new ComboBox<>(FXCollections.observableArrayList(Dialect.values()));
        dialect.setId("dialect");
        dialect.setAccessibleText("Dialect: how the provider spells the thinking switch");
        dialect.setConverter(new StringConverter<>() {
            @Override
            public String toString(Dialect d) {
                return d == null ? "" : d.wireName();
            }

            @Override
            public Dialect fromString(String s) {
                return Dialect.parse(s);
            }
        });
        dialect.valueProperty().bindBidirectional(vm.dialectProperty());
        Label dialectNote = new Label();
        dialectNote.setWrapText(true);
        dialectNote.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> vm.dialectProperty().get() == null ? "" : "Thinking switch: " + vm.dialectProperty().get()
                        .thinkingSwitch(), vm.dialectProperty()));
        TextArea headers = area("extra-headers", vm.extraHeadersProperty(), "X-Header: value (one per line)");
        TextArea body = area("extra-body", vm.extraBodyProperty(), "{\"enable_search\": true}");

        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        int r = 0;
        g.addRow(r++, new Label("Preset"), preset);
        g.addRow(r++, new Label("Name"), Fields.bound("profile-name", vm.nameProperty(), "My provider"));
        g.addRow(r++, new Label("Base URL"), Fields.bound("base-url", vm.baseUrlProperty(), "https://…/v1"));
        g.addRow(r++, new Label("Default model"), Fields.bound("default-model", vm.defaultModelProperty(), "qwen3-235b-a22b"));
        g.addRow(r++, new Label("Dialect"), new javafx.scene.layout.VBox(4, dialect, dialectNote));
        g.addRow(r++, new Label("API key"), key);
        g.addRow(r++, new Label("Extra headers"), headers);
        g.addRow(r++, new Label("Extra body"), body);
        g.addRow(r++, new Label("HTTP(S) proxy"), Fields.bound("proxy", vm.proxyProperty(), "http://proxy.example:3128"));
        g.addRow(r++, new Label("Extra CA certificate"), Fields.bound("ca-cert", vm.caCertProperty(), "/path/to/company-ca.pem"));
        for (Node n : g.getChildren()) {
            if (n instanceof TextField || n instanceof TextArea || n instanceof ComboBox) {
                GridPane.setHgrow(n, Priority.ALWAYS);
                ((javafx.scene.layout.Region) n).setMaxWidth(Double.MAX_VALUE);
            } else if (n instanceof Label l) {
                l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // the fields narrow, never the names
            }
        }
        Button save = new Button("Save");
        save.setId("save-profile");
        save.getStyleClass().add(Styles.ACCENT);
        save.setOnAction(e -> vm.save());
        Button test = new Button("Test connection");
        test.setId("test-connection");
        test.setOnAction(e -> vm.testConnection());
        Button delete = new Button("Delete");
        delete.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        delete.setOnAction(e -> vm.delete(list.getSelectionModel().getSelectedItem()));
        Label message = new Label();
        message.setId("settings-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());
        Label keys = new Label();
        keys.getStyleClass().add(Styles.TEXT_MUTED);
        keys.setWrapText(true);
        keys.textProperty().bind(vm.keyStatusProperty());
        VBox form = new VBox(8, g, new HBox(8, save, test, delete), message, keys);
        form.setPadding(new Insets(0, 0, 0, 12));
        ScrollPane sp = new ScrollPane(form);
        sp.setFitToWidth(true);
        BorderPane pane = new BorderPane(sp);
        pane.setLeft(list);
        pane.setPadding(new Insets(10));
        return pane;
    }

    private Node limits() {
        ComboBox<LimitsService.Tier> tiers = new ComboBox<>(FXCollections.observableArrayList(LimitsService.presets()));
        tiers.setPromptText("Preset tier");
        tiers.setConverter(new StringConverter<>() {
            @Override
            public String toString(LimitsService.Tier t) {
                return t == null ? "" : t.name() + " (" + t.requestsPerMinute() + " req/min, " + t.tokensPerMinute() + " tokens/min)";
            }

            @Override
            public LimitsService.Tier fromString(String s) {
                return null;
            }
        });
        tiers.valueProperty().addListener((o, a, t) -> {
            if (t != null) {
                vm.useTier(t);
            }
        });
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        int r = 0;
        g.addRow(r++, new Label("Rate-limit tier"), tiers);
        g.addRow(r++, new Label("Tier name"), Fields.bound("tier-name", vm.tierNameProperty(), "custom"));
        g.addRow(r++, new Label("Requests per minute"), Fields.bound("rpm", vm.rpmProperty(), "60"));
        g.addRow(r++, new Label("Tokens per minute"), Fields.bound("tpm", vm.tpmProperty(), "100000"));
        g.addRow(r++, new Label("Daily budget (USD)"), Fields.bound("daily-budget", vm.dailyBudgetProperty(), "none"));
        g.addRow(r++, new Label("Tokens per hour"), Fields.bound("hourly-tokens", vm.hourlyTokensProperty(), "no limit"));
        Button apply = new Button("Apply");
        apply.setId("apply-limits");
        apply.getStyleClass().add(Styles.ACCENT);
        apply.setOnAction(e -> vm.applyLimits());
        Label msg = new Label();
        msg.textProperty().bind(vm.limitsMessageProperty());
        VBox box = new VBox(10, g, new HBox(8, apply, msg));
        box.setPadding(new Insets(12));
        return box;
    }

    private Node prices() {
        TableView<ModelPrice> table = new TableView<>(vm.priceRows());
        table.setId("price-table");
        table.setEditable(true);
        table.setAccessibleText("Prices per million tokens; input and output are editable");
        table.getColumns().add(column("Provider", ModelPrice::provider, 150));
        table.getColumns().add(column("Model", ModelPrice::model, 190));
        table.getColumns().add(column("Cur.", p -> p.currency().name(), 50));
        TableColumn<ModelPrice, String> in = column("Input / M", p -> p.inputPerM().toPlainString(), 90);
        in.setId("price-input");
        in.setEditable(true);
        in.setCellFactory(TextFieldTableCell.forTableColumn());
        in.setOnEditCommit(e -> vm.setPrice(e.getRowValue(), e.getNewValue(), e.getRowValue().outputPerM().toPlainString()));
        TableColumn<ModelPrice, String> out = column("Output / M", p -> p.outputPerM().toPlainString(), 90);
        out.setEditable(true);
        out.setCellFactory(TextFieldTableCell.forTableColumn());
        out.setOnEditCommit(e -> vm.setPrice(e.getRowValue(), e.getRowValue().inputPerM().toPlainString(), e.getNewValue()));
        table.getColumns().add(in);
        table.getColumns().add(out);
        table.getColumns().add(column("Date", p -> p.priceDate() == null ? "" : p.priceDate().toString(), 104));
        table.getColumns().get(table.getColumns().size() - 1).setMinWidth(104); // "2026-11-24" whole
        table.getColumns().add(column("Override", p -> p.userOverride() ? "✎ yours" : "", 80));
        VBox.setVgrow(table, Priority.ALWAYS);
        Button remove = new Button("Remove override");
        remove.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        remove.setOnAction(e -> vm.removeOverride(table.getSelectionModel().getSelectedItem()));
        ComboBox<Currency> currency = new ComboBox<>(FXCollections.observableArrayList(Currency.values()));
        currency.setAccessibleText("Display currency");
        currency.valueProperty().bindBidirectional(vm.currencyProperty());
        TextField rate = Fields.bound("exchange-rate", vm.rateProperty(), "7.3");
        rate.setPrefColumnCount(6);
        Button apply = new Button("Apply");
        apply.setOnAction(e -> vm.applyCurrency());
        Label msg = new Label();
        msg.setId("prices-message");
        msg.textProperty().bind(vm.pricesMessageProperty());
        HBox row = new HBox(8, remove, new Label("Currency"), currency, new Label("CNY per USD"), rate, apply, msg);
        row.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, new Label("Double-click an input or output price to set your own (per million tokens)."),
                table, row);
        box.setPadding(new Insets(10));
        return box;
    }

    private static TableColumn<ModelPrice, String> column(String title, Function<ModelPrice, String> value, double width) {
        TableColumn<ModelPrice, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        c.setEditable(false);
        return c;
    }

    private static TextArea area(String id, StringProperty p, String prompt) {
        TextArea a = new TextArea();
        a.setId(id);
        a.setPromptText(prompt);
        a.setPrefRowCount(2);
        a.setAccessibleText(id.replace('-', ' '));
        a.textProperty().bindBidirectional(p);
        return a;
    }

    SettingsViewModel viewModel() {
        return vm;
    }
}
