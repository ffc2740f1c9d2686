package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.Role;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.history.HistoryView;
import dev.llmworkbench.ui.history.HistoryViewModel;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.application.Platform;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.onFx;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * History stores the request exactly as it was sent, and "Reopen in Playground" restores what the Playground
 * held: a multi-turn, system-prompted, thinking run reopened and run again sends the same body, byte for byte.
 */
@ExtendWith(ApplicationExtension.class)
class ReopenFromHistoryFlowTest {
    @TempDir
    static Path dir;
    private AppServices services;
    private Stage stage;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        WorkbenchApp app = new WorkbenchApp(new InMemoryUiPreferences(),
                () -> new AppServices(DataDirs.at(dir.resolve("data")), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
        services = app.services();
    }

    @AfterEach
    void closeWindow() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    private static PlaygroundViewModel playground(FxRobot robot) {
        return robot.lookup("#view-playground").queryAs(PlaygroundView.class).viewModel();
    }

    private static Map<String, String> values(PlaygroundViewModel vm) throws Exception {
        return onFx(() -> vm.variables().stream().collect(Collectors.toMap(PlaygroundViewModel.Variable::name,
                v -> v.valueProperty().get())));
    }

    private static void setVariable(PlaygroundViewModel vm, String name, String value) throws Exception {
        waitFor(5, () -> vm.variables().stream().anyMatch(v -> v.name().equals(name)));
        onFx(() -> {
            vm.variables().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().valueProperty()
                    .set(value);
            return null;
        });
    }

    private static void runAndWait(PlaygroundViewModel vm) throws Exception {
        onFx(() -> {
            vm.run();
            return null;
        });
        waitFor(20, () -> vm.stateProperty().get() != PlaygroundViewModel.State.RUNNING);
        assertThat(onFx(() -> vm.stateProperty().get())).isEqualTo(PlaygroundViewModel.State.DONE);
    }

    /** The newest run's stored result (the run is recorded off the window's thread, just after it ends). */
    private HistoryService.ResultView newestResult(int runsExpected) throws Exception {
        // the store is read here, on the test's thread (never on the FX thread)
        org.testfx.util.WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> services.history().list("single", null, null, null, null, 100).size() == runsExpected);
        HistoryService.RunRow newest = services.history().list("single", null, null, null, null, 1).get(0);
        return services.history().details(newest.id()).orElseThrow().results().get(0);
    }

    @Test
    void aReopenedMultiTurnThinkingRunSendsTheSameBodyAgain(FxRobot robot) throws Exception {
        PlaygroundViewModel vm = playground(robot);
        onFx(() -> {
            vm.systemPromptProperty().set("You answer as a {{persona}}.");
            vm.userPromptProperty().set("Explain {{topic}} in one line.");
            vm.temperatureProperty().set("0.3");
            vm.maxTokensProperty().set("80");
            vm.seedProperty().set("7");
            vm.thinkingProperty().set(true);
            vm.thinkingBudgetProperty().set("64");
            return null;
        });
        setVariable(vm, "persona", "pirate");
        setVariable(vm, "topic", "tides");
        runAndWait(vm);
        newestResult(1);
        // a thinking run: how many of the tokens out were reasoning, and each part at its own price
        assertThat(Integer.parseInt(onFx(() -> vm.reasoningTokensProperty().get()))).isPositive();
        assertThat(onFx(() -> vm.costDetailProperty().get())).startsWith("Cost: ").contains(" reasoning × $8.40/M")
                .contains(" answer × $2.80/M").contains(" = $");

        // the second turn: the conversation holds the first
        onFx(() -> {
            vm.userPromptProperty().set("And now {{topic}} for {{audience}}.");
            return null;
        });
        setVariable(vm, "topic", "tides");
        setVariable(vm, "audience", "children");
        runAndWait(vm);
        HistoryService.ResultView second = newestResult(2);
        String sent = second.requestJson();
        assertThat(sent).isNotNull().doesNotContain("Bearer");
        assertThat(sent).contains("You answer as a pirate.").contains("Explain tides in one line.")
                .contains("And now tides for children.").contains("\"enable_thinking\":true");
        String answer = second.response();
        long secondRun = services.history().list("single", null, null, null, null, 1).get(0).id();

        // another prompt meanwhile: the Playground no longer holds the run
        onFx(() -> {
            vm.newConversation();
            vm.systemPromptProperty().set("");
            vm.userPromptProperty().set("Something else");
            vm.thinkingProperty().set(false);
            return null;
        });

        robot.push(KeyCode.CONTROL, KeyCode.DIGIT6);
        waitFor(5, () -> robot.lookup("#view-history").tryQuery().isPresent());
        HistoryViewModel history = robot.lookup("#view-history").queryAs(HistoryView.class).viewModel();
        onFx(history::refresh).get(10, TimeUnit.SECONDS);
        waitFor(5, () -> history.runs().stream().anyMatch(r -> r.id() == secondRun));
        onFx(() -> {
            history.selectedProperty().set(history.runs().stream().filter(r -> r.id() == secondRun).findFirst()
                    .orElseThrow());
            return null;
        });
        // the details split the tokens out into reasoning and answer, as they are billed
        waitFor(5, () -> history.detailsProperty().get().contains(" reasoning / "));
        assertThat(onFx(() -> history.detailsProperty().get())).containsPattern("tokens \\d+ in / [1-9]\\d* reasoning / \\d+ answer");
        onFx(history::reopenSelected).get(10, TimeUnit.SECONDS);
        waitFor(5, () -> robot.lookup("#view-playground").tryQuery().map(javafx.scene.Node::isVisible).orElse(false));

        assertThat(onFx(() -> vm.systemPromptProperty().get())).isEqualTo("You answer as a {{persona}}.");
        assertThat(onFx(() -> vm.userPromptProperty().get())).isEqualTo("And now {{topic}} for {{audience}}.");
        waitFor(5, () -> vm.variables().size() == 3);
        assertThat(values(vm)).containsEntry("persona", "pirate").containsEntry("topic", "tides")
                .containsEntry("audience", "children");
        assertThat(onFx(() -> vm.thinkingProperty().get())).isTrue();
        assertThat(onFx(() -> vm.thinkingBudgetProperty().get())).isEqualTo("64");
        assertThat(onFx(() -> vm.temperatureProperty().get())).isEqualTo("0.3");
        assertThat(onFx(() -> List.copyOf(vm.conversation()))).extracting(m -> m.role())
                .containsExactly(Role.USER, Role.ASSISTANT);
        assertThat(onFx(() -> vm.answerProperty().get())).isEqualTo(answer);

        runAndWait(vm);
        HistoryService.ResultView again = newestResult(3);
        assertThat(again.requestJson()).isEqualTo(sent);
    }
}
