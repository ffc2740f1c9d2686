package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.common.Shortcuts;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import static org.assertj.core.api.Assertions.assertThat;








@ExtendWith(ApplicationExtension.class)
class WorkbenchAppTest {
    private final InMemoryUiPreferences prefs = new InMemoryUiPreferences();
    private Stage stage;
    private WorkbenchApp app;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        app = new WorkbenchApp(prefs);
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }

    private static Node navCell(FxRobot robot, String name) {
        return robot.lookup(".nav-cell").match((ListCell<?> c) -> name.equals(c.getItem())).query();
    }

    private static boolean shown(FxRobot robot, String name) {
        return robot.lookup("#view-" + name.toLowerCase(java.util.Locale.ROOT)).tryQuery()
                .map(Node::isVisible).orElse(false)
                && robot.lookup("#view-" + name.toLowerCase(java.util.Locale.ROOT)).query().getScene() != null;
    }

    @Test
    void theWindowOpensWithTheTitleTheStatusBarAndTheSimulatorNotice(FxRobot robot) {
        assertThat(stage.isShowing()).isTrue();
        assertThat(stage.getTitle()).startsWith("LLM Workbench");
        assertThat(robot.lookup(".status-provider").queryLabeled().getText())
                .isEqualTo("Simulator (built in) · qwen3-235b-a22b");
        assertThat(robot.lookup(".status-spend").queryLabeled().getText()).isEqualTo("today $0.00 of no budget");
        assertThat(robot.lookup(".status-limiter").queryLabeled().getText()).isEqualTo("limiter: ready (100/min)");
        Node notice = robot.lookup(".notice").query();
        assertThat(notice.isVisible()).isTrue();
        assertThat(notice.getAccessibleText()).contains("simulator");
        assertThat(shown(robot, "Playground")).isTrue();
        assertThat(app.window().navigation().names()).containsExactlyElementsOf(WorkbenchApp.VIEWS);
    }

    @Test
    void eachNavigationEntryShowsItsViewCreatedOnTheFirstVisit(FxRobot robot) {
        Navigation navigation = app.window().navigation();
        assertThat(navigation.isCreated("Playground")).isTrue();
        assertThat(navigation.isCreated("Settings")).isFalse();
        for (String name : WorkbenchApp.VIEWS) {
            robot.clickOn(navCell(robot, name));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(navigation.getCurrent()).isEqualTo(name);
            assertThat(shown(robot, name)).as(name + " shown").isTrue();
            assertThat(stage.getTitle()).isEqualTo("LLM Workbench — " + name);
            assertThat(robot.lookup(".view-title").queryLabeled().getText()).isEqualTo(name);
        }
        assertThat(prefs.get(MainWindow.PREF_VIEW)).contains(WorkbenchApp.VIEWS.get(WorkbenchApp.VIEWS.size() - 1));
    }

    @Test
    void ctrlDigitsSwitchViewsFromTheKeyboard(FxRobot robot) {
        List<String> views = WorkbenchApp.VIEWS;
        KeyCode[] digits = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5,
            KeyCode.DIGIT6, KeyCode.DIGIT7, KeyCode.DIGIT8, KeyCode.DIGIT9};
        // Ctrl+1..7 keep the first seven views; views added later are appended after them
        assertThat(views.subList(0, 7)).containsExactly("Playground", "Compare", "Batch", "Charts", "Estimate",
                "History", "Settings");
        for (int i = views.size() - 1; i >= 0; i--) {
            robot.push(KeyCode.CONTROL, digits[i]);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(app.window().navigation().getCurrent()).isEqualTo(views.get(i));
            assertThat(shown(robot, views.get(i))).isTrue();
        }
    }

    @Test
    void theSidebarIsKeyboardReachableWithAccessibleText(FxRobot robot) {
        Node list = robot.lookup(".sidebar-list").query();
        assertThat(list.isFocused()).isTrue();
        assertThat(list.getAccessibleText()).isEqualTo("Views");
        robot.type(KeyCode.DOWN, 2);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window().navigation().getCurrent()).isEqualTo("Batch");
        assertThat(navCell(robot, "Batch").getAccessibleText()).isEqualTo("Batch, Control 3");
        assertThat(robot.lookup(".theme-toggle").query().getAccessibleText()).isEqualTo("Switch to the dark theme");
    }

    @Test
    void theThemeToggleSwitchesTheStylesheetAndIsRemembered(FxRobot robot) throws Exception {
        String light = new PrimerLight().getUserAgentStylesheet();
        String dark = new PrimerDark().getUserAgentStylesheet();
        assertThat(Application.getUserAgentStylesheet()).isEqualTo(light);

        robot.clickOn(".theme-toggle");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(Application.getUserAgentStylesheet()).isEqualTo(dark);
        assertThat(prefs.get(MainWindow.PREF_THEME)).contains("dark");
        assertThat(robot.lookup(".theme-toggle").queryButton().getAccessibleText())
                .isEqualTo("Switch to the light theme");

        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.D);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(Application.getUserAgentStylesheet()).isEqualTo(light);
        assertThat(prefs.get(MainWindow.PREF_THEME)).contains("light");

        prefs.put(MainWindow.PREF_THEME, "dark");
        Stage second = FxToolkit.registerStage(Stage::new);
        try {
            WorkbenchApp again = new WorkbenchApp(prefs);
            again.init(); // the services open off the FX thread, as the launcher opens them
            onFx(() -> {
                again.start(second);
                return null;
            });
            assertThat(again.window().getTheme()).isEqualTo(Theme.DARK);
            assertThat(Application.getUserAgentStylesheet()).isEqualTo(dark);
        } finally {
            onFx(() -> {
                second.hide();
                return null;
            });
        }
    }

    @Test
    void thePlaygroundsProfileIsTheOneUsedLastAfterARestart(FxRobot robot, @TempDir Path data) throws Exception {
        // issue 13, item 6: a restart picked the first profile, not the one last used
        String name = "zz-last-used";
        java.util.function.Supplier<AppServices> services = () -> new AppServices(DataDirs.at(data), false);
        Stage first = FxToolkit.registerStage(Stage::new);
        WorkbenchApp once = new WorkbenchApp(prefs, services);
        try {
            once.init(); // the services open off the FX thread, as the launcher opens them
            // the profile is saved on the test's thread: the store is never written on the FX thread
            once.services().providers().save(ProviderProfile.of(name, "http://127.0.0.1:9/v1"), null);
            onFx(() -> {
                once.start(first);
                once.window().showView("Playground");
                return null;
            });
            PlaygroundViewModel vm = robot.from(first.getScene().getRoot()).lookup("#view-playground")
                    .queryAs(PlaygroundView.class).viewModel();
            onFx(() -> {
                vm.reloadProfiles();
                vm.profileProperty().set(vm.profiles().stream().filter(p -> p.name().equals(name)).findFirst()
                        .orElseThrow());
                return null;
            });
        } finally {
            onFx(() -> {
                first.hide();
                return null;
            });
        }
        assertThat(prefs.get(WorkbenchApp.PREF_LAST_PROFILE, "")).isEqualTo(name);

        Stage second = FxToolkit.registerStage(Stage::new);
        WorkbenchApp again = new WorkbenchApp(prefs, services);
        try {
            again.init(); // the services open off the FX thread, as the launcher opens them
            onFx(() -> {
                again.start(second);
                again.window().showView("Playground");
                return null;
            });
            PlaygroundViewModel vm2 = robot.from(second.getScene().getRoot()).lookup("#view-playground")
                    .queryAs(PlaygroundView.class).viewModel();
            assertThat(onFx(() -> vm2.profileProperty().get().name())).isEqualTo(name);
        } finally {
            onFx(() -> {
                second.hide();
                return null;
            });
        }
    }

    @Test
    void theWindowSizeAndViewAreRememberedForTheNextStart(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT4);
        onFx(() -> {
            stage.setWidth(900);
            stage.setHeight(600);
            stage.setX(40);
            stage.setY(30);
            stage.hide();
            return null;
        });
        assertThat(prefs.getDouble(MainWindow.PREF_WIDTH, 0)).isEqualTo(900);
        assertThat(prefs.getDouble(MainWindow.PREF_HEIGHT, 0)).isEqualTo(600);

        Stage second = FxToolkit.registerStage(Stage::new);
        try {
            WorkbenchApp again = new WorkbenchApp(prefs);
            again.init(); // the services open off the FX thread, as the launcher opens them
            onFx(() -> {
                again.start(second);
                return null;
            });
            assertThat(second.getWidth()).isEqualTo(900);
            assertThat(second.getHeight()).isEqualTo(600);
            assertThat(second.getX()).isEqualTo(40);
            assertThat(second.getY()).isEqualTo(30);
            // the view is built on the FX thread's next turn, after the first frame
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(again.window().navigation().getCurrent()).isEqualTo("Charts");
        } finally {
            onFx(() -> {
                second.hide();
                return null;
            });
        }
    }

    @Test
    void resizingIsSavedWithoutClosingTheWindow() throws Exception {
        onFx(() -> {
            stage.setWidth(1000);
            stage.setHeight(640);
            return null;
        });
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS,
                () -> prefs.getDouble(MainWindow.PREF_WIDTH, 0) == 1000 && prefs.getDouble(MainWindow.PREF_HEIGHT, 0) == 640);
        assertThat(stage.isShowing()).isTrue();
    }

    @Test
    void viewShortcutsRunOnlyWhileTheirViewIsShown(FxRobot robot) throws Exception {
        AtomicInteger compareRuns = new AtomicInteger();
        AtomicInteger playgroundRuns = new AtomicInteger();
        onFx(() -> {
            // the real views register their own Ctrl+Enter when first created: create them first
            app.window().navigation().view("Compare");
            app.window().acceleratorsFor("Compare").register(Shortcuts.RUN, compareRuns::incrementAndGet);
            app.window().acceleratorsFor("Playground").register(Shortcuts.RUN, playgroundRuns::incrementAndGet);
            return null;
        });
        robot.push(KeyCode.CONTROL, KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(playgroundRuns).hasValue(1);
        assertThat(compareRuns).hasValue(0);

        robot.push(KeyCode.CONTROL, KeyCode.DIGIT2);
        robot.push(KeyCode.CONTROL, KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(compareRuns).hasValue(1);
        assertThat(playgroundRuns).hasValue(1);

        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        robot.push(KeyCode.CONTROL, KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(compareRuns).hasValue(1);
        assertThat(playgroundRuns).hasValue(1);
    }

    @Test
    void theNoticeCanBeClosedAndOffersSettings(FxRobot robot) {
        robot.clickOn(".notice-action");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.window().navigation().getCurrent()).isEqualTo("Settings");
        robot.clickOn(".notice-close");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".notice").query().isVisible()).isFalse();
    }

    @Test
    void aRegisteredViewReplacesItsPlaceholder(FxRobot robot) throws Exception {
        onFx(() -> {
            app.window().navigation().register("History", () -> {
                Label real = new Label("real history");
                real.setId("real-history");
                return real;
            });
            return null;
        });
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT6);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#real-history").tryQuery()).isPresent();
        assertThat(app.window().navigation().names()).hasSize(WorkbenchApp.VIEWS.size());
    }
}
