package dev.llmworkbench.ui.playground;

import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.ConversationTree.Turn;
import dev.llmworkbench.ui.common.FxExecutor;
import dev.llmworkbench.ui.common.MarkdownBlocks;
import dev.llmworkbench.ui.common.MarkdownBlocks.Block;
import dev.llmworkbench.ui.common.MarkdownNodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Text;

/**
 * The conversation as a chat transcript: each turn a block (a header with who speaks, the answer's figures, the
 * branch switcher and the turn's actions; the reasoning, collapsible, above the answer; the text, an answer
 * rendered from Markdown), then the run in flight. It is one virtualized list of rows (a header, a paragraph, a
 * code block's piece, a table...), so only what is on screen is laid out, however long the conversation.
 *
 * <p>While a run streams, its text arrives once per frame (the view's {@code StreamingTextBuffer}s) and is shown
 * as plain text in blocks, of which an append touches only the last; when the run ends its answer is rendered
 * from Markdown once. It follows the end of the text while the reader has not scrolled up. FX thread.
 */
public final class TranscriptView extends StackPane {
    static final int LIVE_USER = -1;
    static final int LIVE_ANSWER = -2;

    enum Kind { HEADER, TOGGLE, REASONING, BLOCK, PLAIN }

    /** One row: {@code turn} is a turn's id or {@link #LIVE_USER} / {@link #LIVE_ANSWER}. */
    record Row(Kind kind, int turn, Role role, Block block, String text) {
        /** Each row is itself: a row made anew is shown anew (its header's actions, a toggle's state). */
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        String copyText() {
            return switch (kind) {
                case BLOCK -> block.plainText() + "\n";
                case PLAIN, REASONING -> text;
                default -> "";
            };
        }
    }

    private record Rendered(String text, List<Row> rows) { }

    private final PlaygroundViewModel vm;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ListView<Row> list = new ListView<>(rows);
    /** The rows of each turn's text, rendered once (until the text changes). */
    private final Map<Integer, Rendered> rendered = new HashMap<>();
    private final Set<Integer> reasoningShown = new HashSet<>();
    private ConversationTree tree = ConversationTree.EMPTY;
    private int pathRows;

    private final TextBlocks liveReasoning = new TextBlocks();
    private final TextBlocks liveAnswer = new TextBlocks();
    private List<String> livePromptBlocks = List.of();
    private String livePrompt = "";
    /** A run's answer is shown after the conversation (in flight, or ended without being added to it). */
    private boolean live;
    private boolean streaming;
    private boolean liveReasoningShown = true;
    /** The ended run's answer rendered from Markdown; null while it streams (plain). */
    private List<Block> liveMarkdown;
    private Rendered lastRendered;
    private final LongAnswers longAnswers;
    private boolean follow = true;
    private boolean scrollPending;

    public TranscriptView(PlaygroundViewModel vm) {
        this.vm = vm;
        this.longAnswers = new LongAnswers(vm);
        setId("transcript");
        getStyleClass().add("transcript");
        list.setId("transcript-list");
        list.getStyleClass().add("transcript-list");
        list.setAccessibleText("The conversation: each turn with its actions; Control C copies the selected rows");
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        list.setCellFactory(lv -> new TranscriptCell(this));
        Label empty = new Label("Run a prompt: the conversation shows here, each answer with its figures.");
        empty.getStyleClass().add("transcript-placeholder");
        empty.setWrapText(true);
        list.setPlaceholder(empty);
        list.addEventFilter(ScrollEvent.SCROLL, e -> FxExecutor.platform().later(this::updateFollow));
        list.addEventFilter(MouseEvent.MOUSE_RELEASED, e -> updateFollow());
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (KeyCombination.keyCombination("Shortcut+C").match(e)) {
                MarkdownNodes.copy(selectedText());
                e.consume();
            } else if (e.getCode() == KeyCode.END) {
                follow = true;
            }
        });
        MenuItem copySel = new MenuItem("Copy selection");
        copySel.setOnAction(e -> MarkdownNodes.copy(selectedText()));
        MenuItem copyAll = new MenuItem("Copy the conversation");
        copyAll.setOnAction(e -> MarkdownNodes.copy(conversationText()));
        list.setContextMenu(new ContextMenu(copySel, copyAll));
        getChildren().add(list);

        vm.conversationTreeProperty().addListener((o, a, t) -> {
            tree = t;
            if (!streaming) {
                clearLive();
            }
            rebuild();
        });
        vm.stateProperty().addListener((o, a, s) -> list.refresh()); // the headers' actions follow the state
        tree = vm.conversationTreeProperty().get();
        rebuild();
    }

    // ------------------------------------------------------------------ the run in flight (the view's sink)

    /** Clears the run's section (a new run, a new conversation). */
    void reset() {
        clearLive();
        follow = true;
        rebuildLive();
    }

    /** A run starts: its prompt (empty: the conversation's last turn is the prompt) and its answer, streaming. */
    void start(String prompt) {
        clearLive();
        livePrompt = prompt == null ? "" : prompt;
        livePromptBlocks = livePrompt.isEmpty() ? List.of() : TextBlocks.of(livePrompt);
        live = true;
        streaming = true;
        liveReasoningShown = true;
        rebuildLive();
        scrollToEndIfFollowing();
    }

    /** Reasoning arrived (once per frame). */
    void appendReasoning(String s) {
        if (!live) {
            return;
        }
        boolean first = liveReasoning.isEmpty();
        int old = liveReasoning.size();
        int from = liveReasoning.append(s);
        if (first) {
            rebuildLive(); // the toggle appears
        } else if (liveReasoningShown) {
            update(answerHeader() + 2, old, from, liveReasoning, Kind.REASONING);
        }
        scrollToEndIfFollowing();
    }

    /** Answer text arrived (once per frame). */
    void appendAnswer(String s) {
        if (!live) {
            return;
        }
        int old = liveAnswer.size();
        int from = liveAnswer.append(s);
        update(answerStart(), old, from, liveAnswer, Kind.PLAIN);
        scrollToEndIfFollowing();
    }

    /** The run ended: its answer is rendered from Markdown (once; a long one off the UI thread, {@link LongAnswers}). */
    void end() {
        streaming = false;
        if (live && !liveAnswer.isEmpty()) {
            String text = liveAnswer.text();
            if (LongAnswers.isLong(text)) {
                longAnswers.parse(text, this::parsedLater);
            } else {
                showLiveMarkdown(text, MarkdownBlocks.parse(text));
            }
        }
    }

    private void showLiveMarkdown(String text, List<Block> blocks) {
        liveMarkdown = blocks;
        lastRendered = new Rendered(text, blockRows(LIVE_ANSWER, blocks));
        rebuildLive();
        scrollToEndIfFollowing();
    }

    /** A long answer parsed: the run's, still shown, or a turn's (whose rows are made at the rebuild). */
    private void parsedLater(String text, List<Block> blocks) {
        if (live && !streaming && liveMarkdown == null && liveAnswer.text().equals(text)) {
            showLiveMarkdown(text, blocks);
        } else {
            longAnswers.keep(text, blocks);
            rebuild();
        }
    }

    private void clearLive() {
        live = false;
        streaming = false;
        livePrompt = "";
        livePromptBlocks = List.of();
        liveReasoning.clear();
        liveAnswer.clear();
        liveMarkdown = null;
    }

    private void update(int start, int old, int from, TextBlocks blocks, Kind kind) {
        List<Row> added = new ArrayList<>();
        for (int i = from; i < blocks.size(); i++) {
            Row r = new Row(kind, LIVE_ANSWER, Role.ASSISTANT, null, blocks.block(i));
            if (i < old) {
                rows.set(start + i, r);
            } else {
                added.add(r);
            }
        }
        if (!added.isEmpty()) {
            rows.addAll(start + old, added);
        }
    }

    private int answerHeader() {
        return pathRows + (livePrompt.isEmpty() ? 0 : 1 + livePromptBlocks.size());
    }

    private int answerStart() {
        int shown = liveReasoningShown ? liveReasoning.size() : 0;
        return answerHeader() + 1 + (liveReasoning.isEmpty() ? 0 : 1 + shown);
    }

    // ------------------------------------------------------------------ rows

    private void rebuild() {
        List<Row> all = pathRows();
        pathRows = all.size();
        all.addAll(liveRows());
        rows.setAll(all);
        scrollToEndIfFollowing();
    }

    private void rebuildLive() {
        rows.remove(pathRows, rows.size());
        rows.addAll(liveRows());
    }

    private List<Row> pathRows() {
        List<Row> out = new ArrayList<>();
        Set<Integer> onPath = new HashSet<>();
        for (Turn t : tree.path()) {
            onPath.add(t.id());
            out.add(new Row(Kind.HEADER, t.id(), t.role(), null, null));
            if (!t.reasoning().isEmpty()) {
                out.add(new Row(Kind.TOGGLE, t.id(), t.role(), null, t.reasoning()));
                if (reasoningShown.contains(t.id())) {
                    TextBlocks.of(t.reasoning()).forEach(b -> out.add(new Row(Kind.REASONING, t.id(), t.role(), null, b)));
                }
            }
            out.addAll(body(t));
        }
        rendered.keySet().retainAll(tree.turns().stream().map(Turn::id).collect(Collectors.toSet()));
        lastRendered = null;
        return out;
    }

    /** A turn's text as rows: a prompt as it was typed, an answer rendered from Markdown; kept until it changes. */
    private List<Row> body(Turn t) {
        Rendered r = rendered.get(t.id());
        if (r == null || !r.text().equals(t.text())) {
            List<Row> out;
            List<Block> blocks;
            if (t.role() != Role.ASSISTANT) {
                out = TextBlocks.of(t.text()).stream().map(b -> new Row(Kind.PLAIN, t.id(), t.role(), null, b))
                        .toList();
            } else if (lastRendered != null && lastRendered.text().equals(t.text())) {
                out = lastRendered.rows().stream().map(x -> new Row(x.kind(), t.id(), t.role(), x.block(), x.text()))
                        .toList(); // the run that just ended: rendered when it ended
            } else if (!LongAnswers.isLong(t.text())) {
                out = blockRows(t.id(), MarkdownBlocks.parse(t.text()));
            } else if ((blocks = longAnswers.take(t.text())) != null) {
                out = blockRows(t.id(), blocks);
            } else {
                longAnswers.parse(t.text(), this::parsedLater); // plain meanwhile, not kept: the rebuild renders it
                return TextBlocks.of(t.text()).stream().map(b -> new Row(Kind.PLAIN, t.id(), t.role(), null, b))
                        .toList();
            }
            r = new Rendered(t.text(), out);
            rendered.put(t.id(), r);
        }
        return r.rows();
    }

    private static List<Row> blockRows(int turn, List<Block> blocks) {
        List<Row> out = new ArrayList<>();
        for (Block b : blocks) {
            out.add(new Row(Kind.BLOCK, turn, Role.ASSISTANT, b, null));
        }
        return out;
    }

    private List<Row> liveRows() {
        List<Row> out = new ArrayList<>();
        if (!live) {
            return out;
        }
        if (!livePrompt.isEmpty()) {
            out.add(new Row(Kind.HEADER, LIVE_USER, Role.USER, null, null));
            livePromptBlocks.forEach(b -> out.add(new Row(Kind.PLAIN, LIVE_USER, Role.USER, null, b)));
        }
        out.add(new Row(Kind.HEADER, LIVE_ANSWER, Role.ASSISTANT, null, null));
        if (!liveReasoning.isEmpty()) {
            out.add(new Row(Kind.TOGGLE, LIVE_ANSWER, Role.ASSISTANT, null, null));
            if (liveReasoningShown) {
                for (int i = 0; i < liveReasoning.size(); i++) {
                    out.add(new Row(Kind.REASONING, LIVE_ANSWER, Role.ASSISTANT, null, liveReasoning.block(i)));
                }
            }
        }
        if (liveMarkdown != null) {
            out.addAll(blockRows(LIVE_ANSWER, liveMarkdown));
        } else {
            for (int i = 0; i < liveAnswer.size(); i++) {
                out.add(new Row(Kind.PLAIN, LIVE_ANSWER, Role.ASSISTANT, null, liveAnswer.block(i)));
            }
        }
        return out;
    }

    void toggleReasoning(int turn) {
        if (turn == LIVE_ANSWER) {
            liveReasoningShown = !liveReasoningShown;
            rebuildLive();
        } else {
            if (!reasoningShown.remove(turn)) {
                reasoningShown.add(turn);
            }
            rebuild();
        }
    }

    // ------------------------------------------------------------------ what it shows (tests, the benchmark)

    /** The answer shown last: the run's (in flight, stopped, failed, reopened), else the conversation's last. */
    public String answerText() {
        if (live) {
            return liveAnswer.text();
        }
        List<Turn> path = tree.path();
        return path.isEmpty() || path.get(path.size() - 1).role() != Role.ASSISTANT ? ""
                : path.get(path.size() - 1).text();
    }

    /** The reasoning of {@link #answerText()}. */
    public String reasoningText() {
        if (live) {
            return liveReasoning.text();
        }
        List<Turn> path = tree.path();
        return path.isEmpty() ? "" : path.get(path.size() - 1).reasoning();
    }

    /** The list of rows (tests, the benchmark). */
    public ListView<?> listView() {
        return list;
    }

    /** The row of a turn's header ({@link #LIVE_USER}, {@link #LIVE_ANSWER}: the run's), -1 when not shown (tests). */
    int headerRow(int turn) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).kind() == Kind.HEADER && rows.get(i).turn() == turn) {
                return i;
            }
        }
        return -1;
    }

    /** The first row showing a block of this kind of a turn's text, -1 when none (tests). */
    int blockRow(int turn, MarkdownBlocks.Kind kind) {
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.turn() == turn && r.kind() == Kind.BLOCK && r.block().kind() == kind) {
                return i;
            }
        }
        return -1;
    }

    /** How many rows of a turn's reasoning are shown (0: collapsed) (tests). */
    int reasoningShownRows(int turn) {
        return (int) rows.stream().filter(r -> r.turn() == turn && r.kind() == Kind.REASONING).count();
    }

    /** How many rows the transcript has (tests, the benchmark). */
    public int rowCount() {
        return rows.size();
    }

    private String selectedText() {
        return list.getSelectionModel().getSelectedItems().stream().map(Row::copyText).collect(Collectors.joining());
    }

    private String conversationText() {
        StringBuilder sb = new StringBuilder();
        for (Turn t : tree.path()) {
            sb.append(t.role() == Role.USER ? "You" : "Assistant").append(":\n").append(t.text()).append("\n\n");
        }
        if (live) {
            if (!livePrompt.isEmpty()) {
                sb.append("You:\n").append(livePrompt).append("\n\n");
            }
            sb.append("Assistant:\n").append(liveAnswer.text()).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ following the end

    private void scrollToEndIfFollowing() {
        if (!follow || scrollPending) {
            return;
        }
        scrollPending = true;
        FxExecutor.platform().later(() -> { // after this pulse's layout has measured the new rows
            scrollPending = false;
            VirtualFlow<?> flow = flow();
            if (flow != null) {
                flow.setPosition(1.0);
            } else if (!rows.isEmpty()) {
                list.scrollTo(rows.size() - 1);
            }
        });
    }

    private void updateFollow() {
        VirtualFlow<?> flow = flow();
        follow = flow == null || flow.getPosition() >= 0.999 || rows.size() <= 1;
    }

    private VirtualFlow<?> flow() {
        return list.lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
    }

    // ------------------------------------------------------------------ for the cells

    PlaygroundViewModel viewModel() {
        return vm;
    }

    ConversationTree tree() {
        return tree;
    }

    boolean isStreaming() {
        return streaming;
    }

    String livePrompt() {
        return livePrompt;
    }

    String liveAnswerText() {
        return liveAnswer.text();
    }

    boolean isReasoningShown(int turn) {
        return turn == LIVE_ANSWER ? liveReasoningShown : reasoningShown.contains(turn);
    }
}
