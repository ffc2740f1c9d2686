package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.client.DialectMapper;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.history.HistoryService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.compare.CompareView;
import dev.llmworkbench.ui.compare.CompareViewModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputControl;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Issue 19, Compare: two lanes on the embedded simulator with their own temperature and thinking on and off, a
 * shared system prompt and a variable; each recorded request carries its lane's own fields, the reasoning shows in
 * the thinking lane only, the table marks the first, fastest and cheapest from the recorded figures, the word diff
 * of the two answers shows deleted and inserted words, and "Save as evaluation" makes a grid of one row and one
 * column per lane.
 */
@ExtendWith(ApplicationExtension.class)
class CompareLanesFlowTest {
    @TempDir
    static Path dir;
    private static int n;
    private Stage stage;
    private WorkbenchApp app;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        Path data = dir.resolve("data-" + n++);
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void close() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            try {
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup(id).queryAs(type);
    }

    private static void type(FxRobot robot, String id, String text) {
        node(robot, id, TextInputControl.class).setText(text);
    }

    private CompareViewModel show(FxRobot robot) throws Exception {
        onFx(() -> {
            app.window().showView("Compare");
            return null;
        });
        waitFor(() -> robot.lookup("#view-compare").tryQuery().isPresent());
        return onFx(() -> robot.lookup("#view-compare").queryAs(CompareView.class)).viewModel();
    }

    @Test
    void aLaneOffersTheThinkingSwitchOnlyForAModelThatHasOne(FxRobot robot) throws Exception {
        CompareViewModel vm = show(robot);
        onFx(() -> {
            vm.lanes().get(0).modelProperty().set("qwen3-235b-a22b"); // a switch, on by default
            node(robot, "#compare-thinking-1", CheckBox.class).setSelected(true);
            return null;
        });
        assertThat(onFx(() -> node(robot, "#compare-thinking-1", CheckBox.class).isDisabled())).isFalse();
        onFx(() -> {
            vm.lanes().get(0).modelProperty().set("qwen-max"); // never thinks, in the catalogue
            return null;
        });
        assertThat(onFx(() -> node(robot, "#compare-thinking-1", CheckBox.class).isDisabled()))
                .as("no switch for a model that never thinks").isTrue();
        assertThat(onFx(() -> node(robot, "#compare-thinking-1", CheckBox.class).isSelected()))
                .as("shown as what it does").isFalse();
        assertThat(onFx(() -> vm.lanes().get(0).thinkingProperty().get())).isFalse();
        assertThat(onFx(() -> node(robot, "#compare-thinking-1", CheckBox.class).getText()))
                .as("why, on the disabled switch itself").isEqualTo("Thinking: never");
        onFx(() -> {
            vm.lanes().get(0).modelProperty().set("qwen3-235b-a22b");
            return null;
        });
        assertThat(onFx(() -> node(robot, "#compare-thinking-1", CheckBox.class).getText())).isEqualTo("Thinking");
        assertThat(onFx(() -> node(robot, "#compare-thinking-2", CheckBox.class).isDisabled())).isEqualTo(
                onFx(() -> !vm.lanes().get(1).thinkingOfferedProperty().get()));
    }

    @Test
    void lanesWithTheirOwnTemperatureAndThinkingRunDiffAndSaveAsAnEvaluation(FxRobot robot) throws Exception {
        CompareViewModel vm = show(robot);
        String[] models = onFx(() -> new String[] {
                String.valueOf(node(robot, "#compare-model-1", ComboBox.class).getValue()),
                String.valueOf(node(robot, "#compare-model-2", ComboBox.class).getValue())});
        assertThat(models[0]).as("the two lanes start on two models").isNotEqualTo(models[1]);
        onFx(() -> {
            type(robot, "#compare-system", "Be brief.");
            type(robot, "#compare-prompt", "Tell me about {{topic}}.");
            type(robot, "#compare-temperature-1", "0.3");
            node(robot, "#compare-thinking-1", CheckBox.class).setSelected(true);
            type(robot, "#compare-budget-1", "64");
            type(robot, "#compare-temperature-2", "1.4");
            type(robot, "#compare-max-tokens-2", "80");
            return null;
        });
        waitFor(() -> robot.lookup("#compare-var-topic").tryQuery().isPresent());
        assertThat(onFx(() -> node(robot, "#compare-thinking-2", CheckBox.class).isSelected())).isFalse();
        assertThat(onFx(() -> node(robot, "#compare-budget-2", TextInputControl.class).isDisabled()))
                .as("no budget without thinking").isTrue();
        onFx(() -> {
            type(robot, "#compare-var-topic", "cheese");
            node(robot, "#compare-run", Button.class).fire();
            return null;
        });
        waitFor(() -> node(robot, "#compare-summary", Label.class).getText().startsWith("First:"));
        assertThat(onFx(() -> app.window().noticeTitleProperty().get())).doesNotContain("went wrong");

        // each recorded request carries its own lane's temperature and thinking, and the shared messages
        List<HistoryService.RunRow> runs = app.services().history().list("compare", null, null, null, null, 10);
        assertThat(runs).hasSize(2);
        Map<String, HistoryService.ResultView> byModel = new HashMap<>();
        for (HistoryService.RunRow r : runs) {
            HistoryService.ResultView v = app.services().history().details(r.id()).orElseThrow().results().get(0);
            byModel.put(v.model(), v);
        }
        assertThat(byModel).containsOnlyKeys(models[0], models[1]);
        JsonObject one = JsonParser.parseString(byModel.get(models[0]).requestJson()).getAsJsonObject();
        JsonObject two = JsonParser.parseString(byModel.get(models[1]).requestJson()).getAsJsonObject();
        assertThat(one.get("temperature").getAsDouble()).isEqualTo(0.3);
        assertThat(two.get("temperature").getAsDouble()).isEqualTo(1.4);
        assertThat(DialectMapper.thinkingOf(one)).isTrue();
        assertThat(DialectMapper.thinkingOf(two)).isFalse();
        assertThat(one.toString()).contains("\"thinking_budget\":64");
        assertThat(two.toString()).doesNotContain("thinking_budget");
        assertThat(two.get("max_tokens").getAsInt()).isEqualTo(80);
        assertThat(one.has("max_tokens")).isFalse();
        for (JsonObject body : List.of(one, two)) {
            assertThat(body.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString())
                    .isEqualTo("Be brief.");
            assertThat(body.getAsJsonArray("messages").get(1).getAsJsonObject().get("content").getAsString())
                    .isEqualTo("Tell me about cheese.");
        }

        // the reasoning shows in the thinking lane only, as recorded
        TextArea reasoning1 = node(robot, "#compare-reasoning-1", TextArea.class);
        TextArea reasoning2 = node(robot, "#compare-reasoning-2", TextArea.class);
        assertThat(byModel.get(models[0]).reasoning()).isNotBlank();
        assertThat(byModel.get(models[1]).reasoning()).isNullOrEmpty();
        assertThat(onFx(reasoning1::isVisible)).isTrue();
        assertThat(onFx(() -> reasoning1.getText())).isEqualTo(byModel.get(models[0]).reasoning());
        assertThat(onFx(reasoning2::isVisible)).isFalse();
        assertThat(onFx(() -> reasoning2.getText())).isEmpty();
        assertThat(onFx(() -> node(robot, "#compare-output-2", TextArea.class).getText()))
                .isEqualTo(byModel.get(models[1]).response());

        // the table shows the recorded figures and marks the best of each
        @SuppressWarnings("unchecked")
        TableView<CompareViewModel.MetricsRow> table = node(robot, "#compare-metrics", TableView.class);
        List<CompareViewModel.MetricsRow> rows = onFx(() -> List.copyOf(table.getItems()));
        assertThat(rows).hasSize(2);
        for (int i = 0; i < 2; i++) {
            HistoryService.ResultView rec = byModel.get(models[i]);
            assertThat(rows.get(i).lane()).contains(models[i]);
            assertThat(rows.get(i).ttft()).isEqualTo(String.format(java.util.Locale.ROOT, "%.0f ms", rec.ttftMs()));
            assertThat(rows.get(i).e2e()).isEqualTo(String.format(java.util.Locale.ROOT, "%.0f ms", rec.e2eMs()));
            assertThat(rows.get(i).tokens()).isEqualTo(rec.promptTokens() + " → " + rec.completionTokens());
        }
        int fastest = byModel.get(models[0]).e2eMs() <= byModel.get(models[1]).e2eMs() ? 0 : 1;
        int first = byModel.get(models[0]).ttftMs() <= byModel.get(models[1]).ttftMs() ? 0 : 1;
        int cheapest = byModel.get(models[0]).costUsd().compareTo(byModel.get(models[1]).costUsd()) <= 0 ? 0 : 1;
        assertThat(rows.get(fastest).marks()).contains("fastest");
        assertThat(rows.get(first).marks()).contains("first");
        assertThat(rows.get(cheapest).marks()).contains("cheapest");
        assertThat(node(robot, "#compare-marks-" + (fastest + 1), Label.class).getText()).contains("fastest");

        // the word diff of the two answers
        onFx(() -> {
            TabPane tabs = node(robot, "#compare-results", TabPane.class);
            tabs.getSelectionModel().select(1);
            return null;
        });
        waitFor(() -> vm.diff().resultProperty().get() != null);
        TextFlow diff = node(robot, "#compare-diff", TextFlow.class);
        List<String> kinds = onFx(() -> diff.getChildren().stream().flatMap(c -> ((Text) c).getStyleClass().stream())
                .distinct().toList());
        assertThat(kinds).contains("diff-deleted", "diff-inserted");
        assertThat(onFx(() -> node(robot, "#compare-diff-summary", Label.class).getText()))
                .startsWith("lane 1 → lane 2: ").contains("deleted").contains("inserted");
        String shown = onFx(() -> diff.getChildren().stream().filter(c -> !c.getStyleClass().contains("diff-inserted"))
                .map(c -> ((Text) c).getText()).reduce("", String::concat));
        assertThat(shown).as("the kept and deleted words are the first answer").isEqualTo(byModel.get(models[0]).response());

        // Save as evaluation: a grid of one row and one column per lane, through the eval service
        onFx(() -> {
            node(robot, "#compare-save-eval", Button.class).fire();
            return null;
        });
        waitFor(() -> !vm.savedGridIdProperty().get().isEmpty());
        assertThat(onFx(() -> node(robot, "#compare-save-message", Label.class).getText())).startsWith("Saved as")
                .contains("thinking on (budget 64) not carried");
        EvalGrid grid = app.services().evals().grid(onFx(() -> vm.savedGridIdProperty().get()));
        assertThat(grid.rows()).hasSize(1);
        assertThat(grid.rows().get(0).vars()).containsEntry("topic", "cheese");
        assertThat(grid.columns()).extracting(EvalGrid.Column::model).containsExactly(models[0], models[1]);
        assertThat(grid.columns()).extracting(EvalGrid.Column::parameters)
                .containsExactly("temperature=0.3", "temperature=1.4, max_tokens=80");
        assertThat(app.services().history().list("eval", null, null, null, null, 10)).hasSize(1);
    }

    @Test
    void theAnswersScrollTogetherUnlessToldNotTo(FxRobot robot) throws Exception {
        show(robot);
        TextArea a = node(robot, "#compare-output-1", TextArea.class);
        TextArea b = node(robot, "#compare-output-2", TextArea.class);
        onFx(() -> {
            a.setText("line\n".repeat(300));
            b.setText("row\n".repeat(600));
            a.getScene().getRoot().layout();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        onFx(() -> {
            a.setScrollTop(400);
            return null;
        });
        waitFor(() -> b.getScrollTop() > 0);
        double before = onFx(b::getScrollTop);
        onFx(() -> {
            node(robot, "#compare-sync-scroll", CheckBox.class).setSelected(false);
            a.setScrollTop(0);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(a::getScrollTop)).isZero();
        assertThat(onFx(b::getScrollTop)).as("not followed once switched off").isEqualTo(before);
    }
}
