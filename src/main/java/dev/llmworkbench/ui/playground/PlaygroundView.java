package dev.llmworkbench.ui.playground;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.ui.common.ProfileNames;
import dev.llmworkbench.ui.common.Fields;
import dev.llmworkbench.ui.common.AcceleratorRegistry;
import dev.llmworkbench.ui.common.MetricTile;
import dev.llmworkbench.ui.common.Shortcuts;
import dev.llmworkbench.ui.common.StreamingTextBuffer;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/**
 * The prompt playground: prompt editors with {@code {{variable}}} highlighting and a form of the
 * variables, parameters, the conversation, the streamed output (reasoning above the answer), the
 * live metrics strip, errors in place, the prompt library, "View code" and an inspector.
 */
public final class PlaygroundView extends BorderPane {
    private final PlaygroundViewModel vm;
    private final Runnable openSettings;
    private final CodeArea systemEditor = new CodeArea();
    private final CodeArea userEditor = new CodeArea();
    private final OutputTextView reasoningArea = output("reasoning-area", "Reasoning of the answer");
    private final OutputTextView answerArea = output("answer-area", "The answer");
    private final TitledPane reasoningPane = new TitledPane("Reasoning", reasoningArea);
    private final StreamingTextBuffer reasoningBuffer;
    private final StreamingTextBuffer answerBuffer;
    /** The live metrics change at most every {@value #TICK_MS} ms: a label change per frame re-lays out the strip. */
    static final long TICK_MS = 100;
    private final AnimationTimer ticker = new AnimationTimer() {
        private long last;

        @Override
        public void handle(long now) {
            if (now - last >= TICK_MS * 1_000_000L) {
                last = now;
                vm.tick();
            }
        }
    };

    public PlaygroundView(PlaygroundViewModel vm, AcceleratorRegistry accelerators, Runnable openSettings) {
        this.vm = vm;
        this.openSettings = openSettings;
        setId("view-playground");
        getStyleClass().add("playground");
        setAccessibleText("Playground view");
        reasoningBuffer = new StreamingTextBuffer(text -> {
            if (!reasoningPane.isVisible()) {
                reasoningPane.setVisible(true);
                reasoningPane.setManaged(true);
            }
            reasoningArea.appendText(text);
        });
        answerBuffer = new StreamingTextBuffer(answerArea::appendText);
        vm.setStreamSink(new PlaygroundViewModel.StreamSink() {
            @Override
            public void reset() {
                reasoningBuffer.discardPending();
                answerBuffer.discardPending();
                reasoningArea.clear();
                answerArea.clear();
                reasoningPane.setVisible(false);
                reasoningPane.setManaged(false);
                reasoningBuffer.start();
                answerBuffer.start();
                ticker.start();
            }

            @Override
            public void reasoning(String delta) {
                reasoningBuffer.append(delta);
            }

            @Override
            public void content(String delta) {
                answerBuffer.append(delta);
            }

            @Override
            public void end() {
                reasoningBuffer.flushNow();
                answerBuffer.flushNow();
                reasoningBuffer.stop();
                answerBuffer.stop();
                ticker.stop();
                vm.tick();
            }
        });

        SplitPane split = new SplitPane(left(), right());
        split.setDividerPositions(0.46);
        setCenter(split);

        accelerators.register(Shortcuts.RUN, vm::run);
        accelerators.register(Shortcuts.STOP, vm::stop);
        accelerators.register(Shortcuts.FOCUS_PROMPT, userEditor::requestFocus);
    }

    // ------------------------------------------------------------------ left: prompts

    private Node left() {
        editor(systemEditor, vm.systemPromptProperty(), "system-editor", "System prompt");
        editor(userEditor, vm.userPromptProperty(), "user-editor", "User prompt (Ctrl+L)");
        vm.systemSpansProperty().addListener((o, a, spans) -> highlight(systemEditor, spans));
        vm.userSpansProperty().addListener((o, a, spans) -> highlight(userEditor, spans));

        VirtualizedScrollPane<CodeArea> sysPane = new VirtualizedScrollPane<>(systemEditor);
        sysPane.setPrefHeight(80);
        VirtualizedScrollPane<CodeArea> userPane = new VirtualizedScrollPane<>(userEditor);
        userPane.setPrefHeight(160);
        VBox.setVgrow(userPane, javafx.scene.layout.Priority.ALWAYS);

        GridPane varForm = new GridPane();
        varForm.getStyleClass().add("variables-form");
        varForm.setHgap(8);
        varForm.setVgap(4);
        vm.variables().addListener((ListChangeListener<PlaygroundViewModel.Variable>) c -> fillVariables(varForm));
        Label varTitle = caption("Variables");
        varTitle.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(vm.variables()));
        varTitle.managedProperty().bind(varTitle.visibleProperty());

        Label estimate = new Label();
        estimate.setId("estimate");
        estimate.getStyleClass().addAll(Styles.TEXT_MUTED, "estimate");
        estimate.textProperty().bind(vm.estimateProperty());
        estimate.setTooltip(new Tooltip("Estimated input tokens and input cost of this request"));

        Button run = new Button("Run");
        run.setId("run");
        run.getStyleClass().add(Styles.ACCENT);
        run.setTooltip(new Tooltip("Run (Ctrl+Enter)"));
        run.setAccessibleText("Run the prompt, Control Enter");
        run.setOnAction(e -> vm.run());
        Button stop = new Button("Stop");
        stop.setId("stop");
        stop.setTooltip(new Tooltip("Stop (Esc)"));
        stop.setAccessibleText("Stop the request, Escape");
        stop.setOnAction(e -> vm.stop());
        run.disableProperty().bind(vm.stateProperty().isEqualTo(PlaygroundViewModel.State.RUNNING));
        stop.disableProperty().bind(vm.stateProperty().isNotEqualTo(PlaygroundViewModel.State.RUNNING));
        Button newConv = new Button("New conversation");
        newConv.setId("new-conversation");
        newConv.setOnAction(e -> vm.newConversation());
        Button code = new Button("View code");
        code.setId("view-code");
        code.setOnAction(e -> showCode());
        HBox buttons = new HBox(8, run, stop, newConv, code);
        buttons.setAlignment(Pos.CENTER_LEFT);

        ListView<Message> turns = new ListView<>(vm.conversation());
        turns.setId("conversation");
        turns.setAccessibleText("Conversation so far: select a turn, Delete removes it, Enter edits it");
        turns.setPrefHeight(120);
        turns.setPlaceholder(new Label("No turns yet: the next run starts a conversation."));
        turns.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(Message m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : m.role().wireName() + ": " + abbreviate(m.content()));
            }
        });
        turns.setOnKeyPressed(e -> {
            int i = turns.getSelectionModel().getSelectedIndex();
            if (i < 0) {
                return;
            }
            if (e.getCode() == javafx.scene.input.KeyCode.DELETE) {
                vm.removeTurn(i);
            } else if (e.getCode() == javafx.scene.input.KeyCode.ENTER) {
                editTurn(i);
            }
        });
        turns.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && turns.getSelectionModel().getSelectedIndex() >= 0) {
                editTurn(turns.getSelectionModel().getSelectedIndex());
            }
        });
        Button removeTurn = new Button("Remove turn");
        removeTurn.disableProperty().bind(turns.getSelectionModel().selectedItemProperty().isNull());
        removeTurn.setOnAction(e -> vm.removeTurn(turns.getSelectionModel().getSelectedIndex()));
        Button editTurn = new Button("Edit turn");
        editTurn.disableProperty().bind(turns.getSelectionModel().selectedItemProperty().isNull());
        editTurn.setOnAction(e -> editTurn(turns.getSelectionModel().getSelectedIndex()));

        VBox box = new VBox(6, caption("System"), sysPane, caption("Prompt"), userPane, varTitle, varForm, estimate,
                buttons, library(), caption("Conversation"), turns, new HBox(6, editTurn, removeTurn));
        box.setPadding(new Insets(8));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        return scroll;
    }

    private void editTurn(int index) {
        Message m = vm.conversation().get(index);
        TextInputDialog d = new TextInputDialog(m.content());
        d.setTitle("Edit turn");
        d.setHeaderText("Edit the " + m.role().wireName() + " turn");
        d.showAndWait().ifPresent(text -> vm.editTurn(index, text));
    }

    private Node library() {
        TextField name = new TextField();
        name.setId("prompt-name");
        name.setPromptText("Prompt name");
        name.setAccessibleText("Name to save the prompt under");
        Button save = new Button("Save");
        save.setId("save-prompt");
        save.setOnAction(e -> vm.savePrompt(name.getText())); // a bad name is said in the notice
        ComboBox<String> names = new ComboBox<>(vm.promptNames());
        names.setPromptText("Library");
        names.setAccessibleText("Saved prompts");
        ComboBox<SavedPrompt> versions = new ComboBox<>(vm.versions());
        versions.setPromptText("Version");
        versions.setAccessibleText("Versions of the saved prompt");
        versions.setConverter(new StringConverter<>() {
            @Override
            public String toString(SavedPrompt p) {
                return p == null ? "" : "v" + p.version() + " · " + p.createdAt().toString().substring(0, 16);
            }

            @Override
            public SavedPrompt fromString(String s) {
                return null;
            }
        });
        names.valueProperty().addListener((o, a, n) -> {
            vm.loadVersions(n);
            name.setText(n == null ? name.getText() : n);
        });
        Button open = new Button("Open");
        open.disableProperty().bind(versions.valueProperty().isNull());
        open.setOnAction(e -> vm.open(versions.getValue()));
        Button diff = new Button("Diff");
        diff.setTooltip(new Tooltip("What changed from the previous version to the one selected"));
        diff.disableProperty().bind(versions.valueProperty().isNull());
        diff.setOnAction(e -> {
            SavedPrompt sel = versions.getValue();
            int i = vm.versions().indexOf(sel);
            SavedPrompt older = i > 0 ? vm.versions().get(i - 1) : sel;
            showText("Diff v" + older.version() + " → v" + sel.version(), vm.diff(older, sel));
        });
        Label notice = new Label();
        notice.getStyleClass().add(Styles.TEXT_MUTED);
        notice.textProperty().bind(vm.noticeProperty());
        FlowPane row = new FlowPane(6, 6, name, save, names, versions, open, diff, notice);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private void fillVariables(GridPane form) {
        form.getChildren().clear();
        int r = 0;
        for (PlaygroundViewModel.Variable v : vm.variables()) {
            Label l = new Label(v.name());
            TextField f = new TextField();
            f.setId("var-" + v.name());
            f.setAccessibleText("Value of " + v.name());
            f.textProperty().bindBidirectional(v.valueProperty());
            GridPane.setHgrow(f, javafx.scene.layout.Priority.ALWAYS);
            form.addRow(r++, l, f);
        }
    }

    private static void editor(CodeArea area, StringProperty text, String id, String accessible) {
        area.setId(id);
        area.getStyleClass().add("prompt-editor");
        area.setWrapText(true);
        area.setAccessibleText(accessible);
        area.replaceText(text.get());
        area.textProperty().addListener((o, a, b) -> {
            if (!b.equals(text.get())) {
                text.set(b);
            }
        });
        text.addListener((o, a, b) -> {
            if (!b.equals(area.getText())) {
                area.replaceText(b);
            }
        });
    }

    private static void highlight(CodeArea area, List<PromptTemplates.Span> spans) {
        int length = area.getLength();
        StyleSpansBuilder<Collection<String>> b = new StyleSpansBuilder<>();
        int at = 0;
        for (PromptTemplates.Span s : spans) {
            if (s.end() > length) {
                return; // stale: the text changed since; the next analysis repaints
            }
            b.add(Collections.emptyList(), s.start() - at);
            b.add(Collections.singleton("variable"), s.end() - s.start());
            at = s.end();
        }
        b.add(Collections.emptyList(), Math.max(0, length - at));
        StyleSpans<Collection<String>> built = b.create();
        if (built.length() == length) {
            area.setStyleSpans(0, built);
        }
    }

    // ------------------------------------------------------------------ right: parameters and output

    private Node right() {
        TabPane tabs = new TabPane(new Tab("Output", output()), new Tab("Parameters", parameters()),
                new Tab("Inspector", inspector()));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private Node output() {
        reasoningPane.setId("reasoning-pane");
        reasoningPane.setExpanded(true);
        reasoningPane.setVisible(false);
        reasoningPane.setManaged(false);
        reasoningArea.setPrefHeight(140);
        answerArea.setPrefHeight(320);
        VBox.setVgrow(answerArea, javafx.scene.layout.Priority.ALWAYS);

        VBox errorBox = new VBox(4);
        errorBox.setId("error-box");
        errorBox.getStyleClass().add("error-box");
        Label errTitle = new Label();
        errTitle.getStyleClass().addAll(Styles.TEXT_BOLD, Styles.DANGER);
        errTitle.textProperty().bind(vm.errorTitleProperty());
        Label errText = new Label();
        errText.setId("error-text");
        errText.setWrapText(true);
        errText.textProperty().bind(vm.errorTextProperty());
        Button action = new Button();
        action.setId("error-action");
        action.getStyleClass().add(Styles.SMALL);
        vm.errorActionProperty().addListener((o, a, n) -> {
            action.setVisible(n == ErrorAdvice.Action.OPEN_SETTINGS || n == ErrorAdvice.Action.TURN_STREAMING_ON
                    || n == ErrorAdvice.Action.RAISE_BUDGET);
            action.setText(n == ErrorAdvice.Action.TURN_STREAMING_ON ? "Turn streaming on" : "Open Settings");
        });
        action.setVisible(false);
        action.managedProperty().bind(action.visibleProperty());
        action.setOnAction(e -> {
            if (vm.errorActionProperty().get() == ErrorAdvice.Action.TURN_STREAMING_ON) {
                vm.turnStreamingOn();
            } else {
                openSettings.run();
            }
        });
        errorBox.getChildren().addAll(errTitle, errText, action);
        errorBox.visibleProperty().bind(vm.errorTitleProperty().isNotEmpty());
        errorBox.managedProperty().bind(errorBox.visibleProperty());

        Label retry = new Label();
        retry.setId("retry-note");
        retry.getStyleClass().add(Styles.WARNING);
        retry.textProperty().bind(vm.retryNoteProperty());
        retry.managedProperty().bind(retry.textProperty().isNotEmpty());

        Label json = new Label();
        json.setId("json-mark");
        json.textProperty().bind(vm.jsonMarkProperty());
        json.managedProperty().bind(json.textProperty().isNotEmpty());
        vm.jsonValidProperty().addListener((o, a, n) -> {
            json.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER);
            if (n != null) {
                json.getStyleClass().add(n ? Styles.SUCCESS : Styles.DANGER);
            }
        });
        TextArea tools = readOnly("tool-calls");
        tools.setPrefRowCount(5);
        tools.textProperty().bind(vm.toolCallsProperty());
        TitledPane toolPane = new TitledPane("Tool calls", tools);
        toolPane.visibleProperty().bind(vm.toolCallsProperty().isNotEmpty());
        toolPane.managedProperty().bind(toolPane.visibleProperty());

        Label status = new Label();
        status.setId("run-state");
        status.getStyleClass().add(Styles.TEXT_MUTED);
        status.textProperty().bind(vm.stateProperty().map(s -> switch (s) {
            case IDLE -> "Ready";
            case RUNNING -> "Streaming…";
            case DONE -> "Done";
            case STOPPED -> "Stopped: the text that arrived is kept";
            case FAILED -> "Failed";
        }));

        VBox box = new VBox(6, metrics(), status, retry, errorBox, reasoningPane, caption("Answer"), answerArea,
                json, toolPane);
        box.setPadding(new Insets(8));
        return box;
    }

    private Node metrics() {
        FlowPane strip = new FlowPane(14, 6);
        strip.setId("metrics");
        strip.getStyleClass().add("metrics-strip");
        strip.getChildren().addAll(
                tile("TTFT", "Time to the first token (reasoning included)", vm.ttftProperty(), "metric-ttft"),
                tile("TTFO", "Time to the first answer token", vm.ttfoProperty(), "metric-ttfo"),
                tile("tokens/s", "Decode speed: 1 / time per output token", vm.tokensPerSecondProperty(), "metric-tps"),
                tile("end-to-end", "Request start to the last chunk", vm.e2eProperty(), "metric-e2e"),
                tile("tokens in", "Prompt tokens", vm.tokensInProperty(), "metric-in"),
                tile("tokens out", "Completion tokens", vm.tokensOutProperty(), "metric-out"),
                tile("cost USD", "Cost of this request in USD", vm.costUsdProperty(), "metric-usd"),
                tile("cost CNY", "Cost of this request in CNY", vm.costCnyProperty(), "metric-cny"),
                tile("attempts", "HTTP attempts (retries included)", vm.attemptsTextProperty(), "metric-attempts"));
        return strip;
    }

    private static MetricTile tile(String caption, String help, javafx.beans.value.ObservableValue<String> value,
                                   String id) {
        MetricTile t = new MetricTile(caption, help);
        t.setId(id);
        t.setValue(value.getValue());
        value.addListener((o, a, b) -> t.setValue(b));
        return t;
    }

    private Node parameters() {
        ComboBox<ProviderProfile> provider = new ComboBox<>(vm.profiles());
        provider.setId("provider");
        provider.setAccessibleText("Provider");
        provider.valueProperty().bindBidirectional(vm.profileProperty());
        provider.setConverter(new ProfileNames(vm.profiles()));
        ComboBox<String> model = new ComboBox<>(vm.models());
        model.setId("model");
        model.setEditable(true);
        model.setAccessibleText("Model");
        model.valueProperty().bindBidirectional(vm.modelProperty());
        CheckBox thinking = new CheckBox("Thinking");
        thinking.setId("thinking");
        thinking.selectedProperty().bindBidirectional(vm.thinkingProperty());
        thinking.setTooltip(new Tooltip("enable_thinking; DashScope needs streaming for it (turned on for you)"));
        CheckBox stream = new CheckBox("Stream");
        stream.setId("stream");
        stream.selectedProperty().bindBidirectional(vm.streamProperty());
        ComboBox<Priority> priority = new ComboBox<>(javafx.collections.FXCollections.observableArrayList(Priority.values()));
        priority.setAccessibleText("Priority");
        priority.valueProperty().bindBidirectional(vm.priorityProperty());
        ComboBox<ResponseFormat.Type> format =
                new ComboBox<>(javafx.collections.FXCollections.observableArrayList(ResponseFormat.Type.values()));
        format.setId("response-format");
        format.setAccessibleText("Response format");
        format.valueProperty().bindBidirectional(vm.responseFormatProperty());
        TextArea schema = new TextArea();
        schema.setId("schema");
        schema.setPromptText("{\"type\": \"object\", \"required\": [...], \"properties\": {...}}");
        schema.setPrefRowCount(4);
        schema.textProperty().bindBidirectional(vm.schemaJsonProperty());
        schema.disableProperty().bind(vm.responseFormatProperty().isNotEqualTo(ResponseFormat.Type.JSON_SCHEMA));
        TextArea tools = new TextArea();
        tools.setId("tools");
        tools.setPromptText("[{\"name\": \"get_weather\", \"description\": \"...\", \"parameters\": {...}}]");
        tools.setPrefRowCount(4);
        tools.textProperty().bindBidirectional(vm.toolsJsonProperty());

        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        g.setPadding(new Insets(10));
        javafx.scene.layout.ColumnConstraints labels = new javafx.scene.layout.ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints fields = new javafx.scene.layout.ColumnConstraints();
        fields.setHgrow(javafx.scene.layout.Priority.ALWAYS);
        g.getColumnConstraints().addAll(labels, fields);
        int r = 0;
        g.addRow(r++, new Label("Provider"), provider);
        g.addRow(r++, new Label("Model"), model);
        g.addRow(r++, new Label("Temperature"), Fields.bound("temperature", vm.temperatureProperty(), "0 – 2"));
        g.addRow(r++, new Label("top_p"), Fields.bound("top-p", vm.topPProperty(), "0 – 1"));
        g.addRow(r++, new Label("max_tokens"), Fields.bound("max-tokens", vm.maxTokensProperty(), "no limit"));
        g.addRow(r++, thinking, Fields.bound("thinking-budget", vm.thinkingBudgetProperty(), "thinking budget (tokens)"));
        g.addRow(r++, new Label("Seed"), Fields.bound("seed", vm.seedProperty(), "random"));
        g.addRow(r++, stream, new Label(""));
        g.addRow(r++, new Label("Priority"), priority);
        g.addRow(r++, new Label("Response format"), format);
        g.addRow(r++, new Label("JSON schema"), schema);
        g.addRow(r++, new Label("Tools"), tools);
        ScrollPane sp = new ScrollPane(g);
        sp.setFitToWidth(true);
        return sp;
    }

    private Node inspector() {
        TextArea request = readOnly("inspector-request");
        request.textProperty().bind(vm.requestJsonProperty());
        TextArea headers = readOnly("inspector-headers");
        headers.textProperty().bind(vm.responseHeadersProperty());
        // up to ~1,200 lines: a text area would lay all of them out again in the pulse that sets them
        OutputTextView events = output("inspector-events", "Raw stream events with their arrival times");
        events.appendText(vm.rawEventsProperty().get());
        vm.rawEventsProperty().addListener((o, a, b) -> {
            events.clear();
            events.appendText(b);
        });
        VBox box = new VBox(6, caption("Request (key never included)"), request, caption("Response headers"), headers,
                caption("Stream events (arrival time)"), events);
        box.setPadding(new Insets(8));
        for (Region a : List.<Region>of(request, headers, events)) {
            VBox.setVgrow(a, javafx.scene.layout.Priority.ALWAYS);
        }
        return box;
    }

    private void showCode() {
        String curl;
        String python;
        String java;
        try {
            curl = vm.codeCurl();
            python = vm.codePython();
            java = vm.codeJava();
        } catch (RuntimeException e) {
            showText("View code", "The request is not complete yet: " + e.getMessage());
            return;
        }
        TabPane tabs = new TabPane(codeTab("curl", curl), codeTab("Python (openai)", python), codeTab("Java (OkHttp)", java));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setPrefSize(760, 480);
        Alert a = new Alert(Alert.AlertType.NONE, "", ButtonType.CLOSE);
        a.setTitle("View code");
        a.setHeaderText("The current request; the key is read from an environment variable");
        a.getDialogPane().setContent(tabs);
        a.setResizable(true);
        a.show();
    }

    private static Tab codeTab(String name, String code) {
        TextArea t = readOnly("code-" + name.split(" ")[0].toLowerCase(java.util.Locale.ROOT));
        t.setText(code);
        t.getStyleClass().add("code");
        return new Tab(name, t);
    }

    private static void showText(String title, String text) {
        TextArea t = readOnly("dialog-text");
        t.setText(text);
        t.getStyleClass().add("code");
        t.setPrefSize(640, 400);
        Alert a = new Alert(Alert.AlertType.NONE, "", ButtonType.CLOSE);
        a.setTitle(title);
        a.setHeaderText(title);
        a.getDialogPane().setContent(t);
        a.setResizable(true);
        a.show();
    }

    private static OutputTextView output(String id, String accessible) {
        OutputTextView v = new OutputTextView();
        v.setId(id);
        v.listView().setAccessibleText(accessible);
        v.listView().setPlaceholder(new Label(""));
        return v;
    }

    private static TextArea readOnly(String id) {
        TextArea t = new TextArea();
        t.setId(id);
        t.setEditable(false);
        t.setWrapText(true);
        t.getStyleClass().add("output-text");
        return t;
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_BOLD, "section-caption");
        return l;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 119) + "…" : one;
    }

    /** The view model (tests). */
    public PlaygroundViewModel viewModel() {
        return vm;
    }

    static Region spacer() {
        Region r = new Region();
        HBox.setHgrow(r, javafx.scene.layout.Priority.ALWAYS);
        return r;
    }

    static Orientation vertical() {
        return Orientation.VERTICAL;
    }
}
