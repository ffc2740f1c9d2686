package dev.llmworkbench.ui.playground;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.service.playground.ConversationTree;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.app.InMemoryUiPreferences;
import dev.llmworkbench.ui.app.WorkbenchApp;
import dev.llmworkbench.ui.common.MarkdownBlocks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.GridPane;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Playground's transcript through the real window: a multi-turn conversation whose answer is Markdown (a
 * table, a code block) is rendered and copied; the last answer is regenerated (a sibling, switched back and
 * forth); a branch is made from an earlier turn, an edited prompt sent as a sibling; the history stores the
 * branches and reopening the run restores them. The provider is a local server answering with fixed streams.
 */
@ExtendWith(ApplicationExtension.class)
class TranscriptFlowTest {
    static final String CODE = "def ttft(t0, t1):\n    return t1 - t0  # seconds";
    static final String MARKDOWN = "## Models\n\n| model | TTFT |\n|---|---|\n| small | 95 ms |\n| large | 310 ms |\n\n"
            + "```python\n" + CODE + "\n```\n\nUse `stream: true` and **measure**.";

    @TempDir
    static Path dir;
    private static int n;
    private final MockWebServer server = new MockWebServer();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger answers = new AtomicInteger();
    /** When set, every answer is this text. */
    private volatile String fixedAnswer;
    private WorkbenchApp app;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        Platform.setImplicitExit(false);
        this.stage = stage;
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (!r.getUrl().encodedPath().endsWith("/chat/completions")) { // the model list
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                            .body("{\"object\":\"list\",\"data\":[{\"id\":\"qwen3-8b\",\"object\":\"model\"}]}")
                            .build();
                }
                bodies.add(r.getBody() == null ? "" : r.getBody().utf8());
                int i = answers.incrementAndGet();
                String fixed = fixedAnswer;
                String text = fixed != null ? fixed : i == 1 ? MARKDOWN : "Answer number " + i + ".";
                return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(stream(text,
                        i == 1 ? "Think about a table first." : null)).build();
            }
        });
        server.start();
        app = new WorkbenchApp(new InMemoryUiPreferences(),
                () -> new AppServices(DataDirs.at(dir.resolve("data-" + (n++))), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void close() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
        server.close();
    }

    /** An SSE stream of the text in pieces of 7 characters, reasoning first, then usage. */
    private static String stream(String text, String reasoning) {
        StringBuilder sb = new StringBuilder();
        if (reasoning != null) {
            sb.append(chunk("reasoning_content", reasoning));
        }
        for (int i = 0; i < text.length(); i += 7) {
            sb.append(chunk("content", text.substring(i, Math.min(text.length(), i + 7))));
        }
        sb.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sb.append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":42,"
                + "\"total_tokens\":62}}\n\n");
        return sb.append("data: [DONE]\n\n").toString();
    }

    private static String chunk(String field, String piece) {
        JsonObject delta = new JsonObject();
        delta.addProperty(field, piece);
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}\n\n";
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> {
            try {
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private PlaygroundView view(FxRobot robot) {
        return robot.lookup("#view-playground").queryAs(PlaygroundView.class);
    }

    private void runAndWait(PlaygroundViewModel vm, Runnable start) throws Exception {
        int before = answers.get();
        onFx(() -> {
            start.run();
            return null;
        });
        waitFor(() -> answers.get() > before && vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
    }

    /**
     * {@code f} applied, on the FX thread, to the cell showing a row, scrolled into view first (a virtualized list
     * lays out only the rows on screen, and reuses its cells: a cell is looked up and used in one go).
     */
    private <T> T inRow(FxRobot robot, TranscriptView t, Callable<Integer> row, java.util.function.Function<Node, T> f)
            throws Exception {
        int index = onFx(row);
        assertThat(index).as("row").isNotNegative();
        // scrolled again while it is not on screen: the transcript follows the end after a run, a frame later
        waitFor(() -> {
            if (cell(t, index) != null) {
                return true;
            }
            t.listView().scrollTo(index);
            return false;
        });
        return onFx(() -> f.apply(cell(t, index)));
    }

    private static Node cell(TranscriptView t, int index) {
        return t.listView().lookupAll(".transcript-row").stream()
                .filter(c -> ((ListCell<?>) c).getIndex() == index && ((ListCell<?>) c).getGraphic() != null
                        && c.isVisible())
                .findFirst().orElse(null);
    }

    /** Presses the action of a turn's header, as a click does (enabled and shown). */
    private void press(FxRobot robot, TranscriptView t, int turn, String styleClass) throws Exception {
        this.<Void>inRow(robot, t, () -> t.headerRow(turn), header -> {
            Button b = (Button) header.lookup("." + styleClass);
            assertThat(b).as(styleClass).isNotNull();
            assertThat(b.isDisabled()).as(styleClass + " disabled").isFalse();
            b.fire();
            return null;
        });
    }

    /** The "2/3" of a turn's branch switcher. */
    private String position(FxRobot robot, TranscriptView t, int turn) throws Exception {
        return inRow(robot, t, () -> t.headerRow(turn), h -> ((Label) h.lookup(".branch-position")).getText());
    }

    private static String clipboard() throws Exception {
        return onFx(() -> Clipboard.getSystemClipboard().getString());
    }

    private static String flowText(Node n) {
        StringBuilder sb = new StringBuilder();
        for (Node k : ((TextFlow) n).getChildren()) {
            sb.append(((Text) k).getText());
        }
        return sb.toString();
    }

    /** The Playground on a profile of the local server, with {@code prompt} typed. */
    private PlaygroundView onTheLocalServer(FxRobot robot, String prompt) throws Exception {
        ProviderProfile local = new ProviderProfile("Local", server.url("/v1").toString(), "qwen3-8b", null,
                Map.of(), Map.of(), null, null);
        app.services().providers().save(local, null); // the store: not on the FX thread
        PlaygroundView view = view(robot);
        PlaygroundViewModel vm = view.viewModel();
        onFx(() -> {
            vm.reloadProfiles();
            vm.profileProperty().set(vm.profiles().stream().filter(p -> p.name().equals("Local")).findFirst()
                    .orElseThrow());
            vm.userPromptProperty().set(prompt);
            return null;
        });
        return view;
    }

    @Test
    void aMarkdownAnswerIsRenderedCopiedRegeneratedAndBranched(FxRobot robot) throws Exception {
        PlaygroundView view = onTheLocalServer(robot, "Compare the models");
        PlaygroundViewModel vm = view.viewModel();
        TranscriptView t = view.transcript();

        // turn 1: Markdown, rendered: a table and a highlighted code block; the reasoning collapsible above
        runAndWait(vm, vm::run);
        ConversationTree tree = onFx(() -> vm.conversationTreeProperty().get());
        int q1 = tree.path().get(0).id();
        int a1 = tree.path().get(1).id();
        assertThat(tree.path().get(1).reasoning()).isEqualTo("Think about a table first.");
        assertThat(tree.path().get(1).tokensOut()).isEqualTo(42);
        assertThat(this.<List<String>>inRow(robot, t, () -> t.blockRow(a1, MarkdownBlocks.Kind.TABLE), cell -> ((GridPane) cell
                .lookup(".md-table")).getChildren().stream().map(TranscriptFlowTest::flowText).toList()))
                .containsExactly("model", "TTFT", "small", "95 ms", "large", "310 ms");
        Callable<Integer> codeRow = () -> t.blockRow(a1, MarkdownBlocks.Kind.CODE);
        assertThat(this.<String>inRow(robot, t, codeRow, cell -> flowText(cell.lookup(".md-code-text")))).isEqualTo(CODE);
        assertThat(this.<List<String>>inRow(robot, t, codeRow, cell -> cell.lookupAll(".code-keyword").stream()
                .map(k -> ((Text) k).getText()).toList())).contains("def", "return");
        assertThat(this.<List<String>>inRow(robot, t, codeRow, cell -> cell.lookupAll(".code-comment").stream()
                .map(k -> ((Text) k).getText()).toList())).containsExactly("# seconds");
        // the code block's Copy, clicked by the robot: the code alone
        Button copyCode = inRow(robot, t, codeRow, cell -> (Button) cell.lookup(".md-code-copy"));
        robot.clickOn(copyCode);
        waitFor(() -> CODE.equals(Clipboard.getSystemClipboard().getString()));
        assertThat(clipboard()).isEqualTo(CODE);
        // the turn's Copy: its Markdown as it came
        press(robot, t, a1, "turn-copy");
        assertThat(clipboard()).isEqualTo(MARKDOWN);
        assertThat(this.<String>inRow(robot, t, () -> t.blockRow(a1, MarkdownBlocks.Kind.HEADING),
                cell -> flowText(cell.lookup(".md-h2")))).isEqualTo("Models");
        // the reasoning, collapsed above the answer, opens
        assertThat(onFx(() -> t.reasoningShownRows(a1))).isZero();
        this.<Void>inRow(robot, t, () -> t.headerRow(a1) + 1, cell -> {
            ((Button) cell.lookup(".reasoning-toggle")).fire();
            return null;
        });
        assertThat(onFx(() -> t.reasoningShownRows(a1))).isEqualTo(1);

        // turn 2
        onFx(() -> {
            vm.userPromptProperty().set("And the third model?");
            return null;
        });
        runAndWait(vm, vm::run);
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(Message::content)
                .containsExactly("Compare the models", MARKDOWN, "And the third model?", "Answer number 2.");

        // regenerate the last answer: the same conversation sent again, the new answer a sibling of the old
        int a2 = onFx(() -> vm.conversationTreeProperty().get().head());
        press(robot, t, a2, "turn-regenerate");
        waitFor(() -> answers.get() == 3 && vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
        assertThat(bodies.get(2)).isEqualTo(bodies.get(1));
        assertThat(onFx(() -> t.answerText())).isEqualTo("Answer number 3.");
        int a3 = onFx(() -> vm.conversationTreeProperty().get().head());
        assertThat(position(robot, t, a3)).isEqualTo("2/2");
        press(robot, t, a3, "branch-prev");
        assertThat(onFx(() -> vm.conversation().get(3).content())).isEqualTo("Answer number 2.");
        assertThat(position(robot, t, a2)).isEqualTo("1/2");

        // branch from the first answer: the conversation continues from it, the rest kept as a branch
        press(robot, t, a1, "turn-branch");
        assertThat(onFx(() -> vm.conversation().size())).isEqualTo(2);
        onFx(() -> {
            vm.userPromptProperty().set("Something else instead");
            return null;
        });
        runAndWait(vm, vm::run);
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(Message::content)
                .containsExactly("Compare the models", MARKDOWN, "Something else instead", "Answer number 4.");
        assertThat(bodies.get(3)).contains("Something else instead").doesNotContain("And the third model?");
        int q3 = onFx(() -> vm.conversation().size() == 4 ? vm.conversationTreeProperty().get().path().get(2).id() : -1);
        assertThat(position(robot, t, q3)).isEqualTo("2/2");

        // edit the first prompt in the multi-line editor: sent as a sibling, the original kept
        // fired in the row as found (as press() does): a click could land after the transcript, following the end a
        // frame later, recycled that row's cell; the editor is modal, so the firing is not waited for here
        this.<Void>inRow(robot, t, () -> t.headerRow(q1), h -> {
            Button edit = (Button) h.lookup(".turn-edit");
            assertThat(edit).as("turn-edit").isNotNull();
            javafx.application.Platform.runLater(edit::fire);
            return null;
        });
        waitFor(() -> robot.lookup("#edit-turn-text").tryQuery().isPresent());
        onFx(() -> {
            robot.lookup("#edit-turn-text").queryAs(TextArea.class).setText("Compare the models,\nbriefly");
            return null;
        });
        robot.clickOn(robot.lookup((Node b) -> b instanceof Button x && "Send".equals(x.getText()) && x.isVisible())
                .queryButton());
        waitFor(() -> answers.get() == 5 && vm.stateProperty().get() == PlaygroundViewModel.State.DONE);
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(Message::content)
                .containsExactly("Compare the models,\nbriefly", "Answer number 5.");
        ConversationTree all = onFx(() -> vm.conversationTreeProperty().get());
        assertThat(all.children(0)).extracting(ConversationTree.Turn::text)
                .containsExactly("Compare the models", "Compare the models,\nbriefly");
        // back to the original prompt: the branch chosen last below it comes back
        onFx(() -> {
            vm.switchBranch(all.head() - 1, -1);
            return null;
        });
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(Message::content)
                .containsExactly("Compare the models", MARKDOWN, "Something else instead", "Answer number 4.");

        // a run from here: the history keeps the conversation with its branches, and reopening restores them
        onFx(() -> {
            vm.userPromptProperty().set("Last one");
            return null;
        });
        runAndWait(vm, vm::run);
        HistoryService history = app.services().history();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> history.list("single", null, null, null, null, 100).size() == 6);
        long newest = history.list("single", null, null, null, null, 1).get(0).id();
        ReopenRequest reopen = history.reopen(newest).orElseThrow();
        assertThat(reopen.draft().tree()).isNotNull();
        assertThat(reopen.draft().tree().turns()).hasSize(9); // as it was when the last prompt was sent
        onFx(() -> {
            vm.newConversation();
            vm.reopen(reopen);
            return null;
        });
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        assertThat(onFx(() -> vm.conversationTreeProperty().get().children(0))).hasSize(2);
        assertThat(onFx(() -> t.answerText())).isEqualTo("Answer number 6.");
        int reopenedQ3 = onFx(() -> vm.conversationTreeProperty().get().path().get(2).id());
        assertThat(position(robot, t, reopenedQ3)).isEqualTo("2/2");
    }

    @Test
    void aLongAnswerIsRenderedFromMarkdownOffTheUiThreadAndLosesNothing(FxRobot robot) throws Exception {
        StringBuilder sb = new StringBuilder(MARKDOWN).append("\n\n");
        for (int p = 0; sb.length() <= LongAnswers.OFF_THREAD_FROM; p++) {
            sb.append("Paragraph ").append(p).append(": the *first* token came after 95 ms, the last after 2 s.\n\n");
        }
        String longAnswer = sb.toString();
        fixedAnswer = longAnswer;
        PlaygroundView view = onTheLocalServer(robot, "A long report, please");
        PlaygroundViewModel vm = view.viewModel();
        TranscriptView t = view.transcript();
        runAndWait(vm, vm::run);
        int a = onFx(() -> vm.conversationTreeProperty().get().head());
        // the table and the code block come once the parse is back (plain text is shown until then)
        waitFor(() -> t.blockRow(a, MarkdownBlocks.Kind.TABLE) >= 0 && t.blockRow(a, MarkdownBlocks.Kind.CODE) >= 0);
        assertThat(onFx(t::answerText)).isEqualTo(longAnswer);
        assertThat(onFx(() -> vm.conversationTreeProperty().get().path().get(1).text())).isEqualTo(longAnswer);
        String last = "Paragraph " + (longAnswer.split("Paragraph ").length - 2) + ":";
        assertThat(onFx(() -> t.listView().getItems().stream().map(r -> ((TranscriptView.Row) r).copyText())
                .filter(x -> x.contains(last)).count())).isEqualTo(1L);
    }
}
