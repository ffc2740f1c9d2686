package dev.llmworkbench.ui.playground;

import static dev.llmworkbench.ui.playground.ViewParts.caption;
import static dev.llmworkbench.ui.playground.ViewParts.readOnly;

import atlantafx.base.theme.Styles;
import dev.llmworkbench.service.playground.PromptTemplates;
import dev.llmworkbench.ui.common.AcceleratorRegistry;
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
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
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
    private final TranscriptView transcript;
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
        transcript = new TranscriptView(vm);
        reasoningBuffer = new StreamingTextBuffer(transcript::appendReasoning);
        answerBuffer = new StreamingTextBuffer(transcript::appendAnswer);
        vm.setStreamSink(new PlaygroundViewModel.StreamSink() {
            @Override
            public void reset() {
                reasoningBuffer.discardPending();
                answerBuffer.discardPending();
                transcript.reset();
            }

            @Override
            public void prompt(String text) {
                transcript.start(text);
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
                transcript.end();
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
        estimate.setWrapText(true); // "≈ N tokens (qwen3) in · ≈ $… / ¥…" is longer than the column at 1024 px
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
        code.setOnAction(e -> CodeDialog.show(vm));
        // at 1024x700 the four do not fit side by side: they wrap to a second line, never shortened to "…"
        javafx.scene.layout.FlowPane buttons = new javafx.scene.layout.FlowPane(8, 6, run, stop, newConv, code);
        buttons.setAlignment(Pos.CENTER_LEFT);
        for (Button b : java.util.List.of(run, stop, newConv, code)) {
            b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }

        VBox box = new VBox(6, caption("System"), sysPane, caption("Prompt"), userPane, varTitle, varForm, estimate,
                buttons, new PromptLibraryBar(vm));
        box.setPadding(new Insets(8));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        return scroll;
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
        TabPane tabs = new TabPane(new Tab("Output", outputPane()), new Tab("Parameters", new ParametersPane(vm)),
                new Tab("Inspector", new InspectorPane(vm)));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private Node outputPane() {
        transcript.setPrefHeight(420);
        transcript.setMinHeight(160);
        VBox.setVgrow(transcript, javafx.scene.layout.Priority.ALWAYS);

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

        Label costDetail = new Label();
        costDetail.setId("cost-detail");
        costDetail.getStyleClass().add(Styles.TEXT_MUTED);
        costDetail.setWrapText(true);
        costDetail.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // wraps to a second line, never "…"
        costDetail.textProperty().bind(vm.costDetailProperty());
        costDetail.managedProperty().bind(vm.costDetailProperty().isNotEmpty());
        costDetail.visibleProperty().bind(vm.costDetailProperty().isNotEmpty());
        VBox box = new VBox(6, new MetricsRow(vm), costDetail, status, retry, new ErrorBox(vm, openSettings), transcript,
                json, toolPane);
        box.setPadding(new Insets(8));
        return box;
    }

    /** The transcript (tests, the benchmark). */
    public TranscriptView transcript() {
        return transcript;
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
