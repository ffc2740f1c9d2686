package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.chat.ErrorAdvice;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The desktop's main flows through the real window, on the embedded simulator. */
@ExtendWith(ApplicationExtension.class)
class DesktopFlowsTest {
    @TempDir
    static Path dir;
    private static int n;
    private WorkbenchApp app;
    private Stage stage;
    private Simulator locked;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        Path data = dir.resolve("data-" + (n++));
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void closeWindow() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
        if (locked != null) {
            locked.close();
        }
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
    }

    private PlaygroundViewModel vm(FxRobot robot) {
        return robot.lookup("#view-playground").queryAs(PlaygroundView.class).viewModel();
    }

    private static String text(FxRobot robot, String id) {
        javafx.scene.Node n = robot.lookup(id).query();
        return n instanceof dev.llmworkbench.ui.playground.TranscriptView t ? t.answerText() : ((TextArea) n).getText();
    }

    private static String tile(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(dev.llmworkbench.ui.common.MetricTile.class).getValue();
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            try {
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private void useProfile(FxRobot robot, ProviderProfile p) throws Exception {
        app.services().providers().save(p, null); // the store and the secret store: not on the FX thread
        onFx(() -> {
            PlaygroundViewModel vm = vm(robot);
            vm.reloadProfiles();
            vm.profileProperty().set(vm.profiles().stream().filter(x -> x.name().equals(p.name())).findFirst()
                    .orElseThrow());
            return null;
        });
    }

    @Test
    void aPromptRunOnTheSimulatorShowsTheAnswerAndTheMetrics(FxRobot robot) throws Exception {
        robot.clickOn("#user-editor").write("Say hello to the workbench");
        robot.push(KeyCode.CONTROL, KeyCode.ENTER);
        waitFor(() -> vm(robot).stateProperty().get() == PlaygroundViewModel.State.DONE);
        assertThat(text(robot, "#transcript")).isNotBlank();
        assertThat(tile(robot, "#metric-ttft")).endsWith("ms");
        assertThat(tile(robot, "#metric-e2e")).endsWith("ms");
        assertThat(tile(robot, "#metric-out")).matches("\\d+");
        assertThat(tile(robot, "#metric-usd")).startsWith("$");
        assertThat(tile(robot, "#metric-cny")).startsWith("¥");
        assertThat(tile(robot, "#metric-attempts")).isEqualTo("1");
        assertThat(vm(robot).conversation()).hasSize(2);
        assertThat(vm(robot).requestJsonProperty().get()).contains("Say hello to the workbench");
        assertThat(vm(robot).rawEventsProperty().get()).contains("ms");
    }

    @Test
    void stopMidStreamKeepsThePartialText(FxRobot robot) throws Exception {
        ProviderProfile slow = new ProviderProfile("Slow simulator", app.services().simulator().baseUrl(),
                "qwen3-235b-a22b", null, Map.of("X-Sim-Faults", "ttft-ms=0,tps=20"), Map.of(), null, null);
        useProfile(robot, slow);
        robot.clickOn("#user-editor").write("Write a long story");
        robot.push(KeyCode.CONTROL, KeyCode.ENTER);
        waitFor(() -> text(robot, "#transcript").length() > 5);
        robot.push(KeyCode.ESCAPE);
        waitFor(() -> vm(robot).stateProperty().get() == PlaygroundViewModel.State.STOPPED);
        String kept = text(robot, "#transcript");
        assertThat(kept).isNotBlank();
        assertThat(vm(robot).answerProperty().get()).isEqualTo(kept);
        assertThat(robot.lookup("#run-state").queryAs(Label.class).getText()).contains("kept");
    }

    @Test
    void aWrongKeyShowsTheErrorAndTheWayToSettings(FxRobot robot) throws Exception {
        locked = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("key=secret")));
        useProfile(robot, ProviderProfile.of("Locked", locked.baseUrl()));
        onFx(() -> {
            vm(robot).modelProperty().set("qwen3-235b-a22b");
            vm(robot).userPromptProperty().set("Hello?");
            return null;
        });
        robot.clickOn("#run");
        waitFor(() -> vm(robot).stateProperty().get() == PlaygroundViewModel.State.FAILED);
        assertThat(vm(robot).errorActionProperty().get()).isEqualTo(ErrorAdvice.Action.OPEN_SETTINGS);
        assertThat(robot.lookup("#error-text").queryAs(Label.class).getText()).contains("Settings");
        robot.clickOn("#error-action");
        waitFor(() -> "Settings".equals(app.window().navigation().getCurrent()));
        assertThat(robot.lookup("#view-settings").tryQuery()).isPresent();
    }

    @Test
    void compareRunsTwoModelsSideBySide(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        waitFor(() -> robot.lookup("#view-compare").tryQuery().isPresent());
        robot.clickOn("#compare-prompt").write("Compare me");
        robot.clickOn("#compare-run");
        waitFor(() -> robot.lookup("#compare-summary").queryAs(Label.class).getText().startsWith("First:"));
        assertThat(text(robot, "#compare-output-1")).isNotBlank();
        assertThat(text(robot, "#compare-output-2")).isNotBlank();
        String summary = robot.lookup("#compare-summary").queryAs(Label.class).getText();
        assertThat(summary).contains("Fastest:").contains("Cheapest:");
    }

    @Test
    void editingAPriceChangesTheEstimate(FxRobot robot) throws Exception {
        onFx(() -> {
            vm(robot).userPromptProperty().set("How much does this cost? ".repeat(40));
            return null;
        });
        waitFor(() -> robot.lookup("#estimate").queryAs(Label.class).getText().contains("$"));
        String before = robot.lookup("#estimate").queryAs(Label.class).getText();
        String model = vm(robot).modelProperty().get();
        ModelPrice entry = app.services().prices().find(null, model).orElseThrow();
        // through the window: Settings → Prices, edit the input price cell of the model's entry, Enter
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT7);
        robot.clickOn("Prices");
        @SuppressWarnings("unchecked")
        javafx.scene.control.TableView<ModelPrice> table = robot.lookup("#price-table").queryAs(javafx.scene.control.TableView.class);
        int row = onFx(() -> {
            for (int i = 0; i < table.getItems().size(); i++) {
                ModelPrice p = table.getItems().get(i);
                if (p.provider().equals(entry.provider()) && p.model().equals(entry.model())) {
                    table.scrollTo(i);
                    table.layout();
                    table.getSelectionModel().select(i);
                    javafx.scene.control.TableColumn<ModelPrice, ?> input = table.getColumns().stream()
                            .filter(c -> "price-input".equals(c.getId())).findFirst().orElseThrow();
                    table.edit(i, input);
                    return i;
                }
            }
            return -1;
        });
        assertThat(row).isNotNegative();
        waitFor(() -> table.getEditingCell() != null);
        robot.push(KeyCode.CONTROL, KeyCode.A).write("1000").push(KeyCode.ENTER);
        waitFor(() -> table.getItems().get(row).inputPerM().compareTo(new BigDecimal("1000")) == 0);
        assertThat(table.getItems().get(row).userOverride()).isTrue();
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT1);
        waitFor(() -> !robot.lookup("#estimate").queryAs(Label.class).getText().equals(before));
        String after = robot.lookup("#estimate").queryAs(Label.class).getText();
        assertThat(after).startsWith("≈").contains("$");
        assertThat(after).isNotEqualTo(before);
    }
}
