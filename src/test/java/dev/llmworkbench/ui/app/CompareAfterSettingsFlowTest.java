package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.store.DataDirs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextInputControl;
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
 * Issue 13, item 1: saving a provider profile in Settings must not break Compare. Before the fix the
 * lanes' provider boxes went blank (the list of profiles was replaced under them) and "Run all" threw a
 * NullPointerException on the window's thread.
 */
@ExtendWith(ApplicationExtension.class)
class CompareAfterSettingsFlowTest {
    @TempDir
    static Path dir;
    private Stage stage;
    private WorkbenchApp app;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(dir.resolve("data")), false));
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
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            try {
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void anExceptionOnTheWindowsThreadIsSaidInTheNoticeLine() throws Exception {
        onFx(() -> {
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(),
                    new IllegalStateException("a test failure"));
            return null;
        });
        assertThat(onFx(() -> app.window().noticeTitleProperty().get())).isEqualTo("Something went wrong.");
        assertThat(onFx(() -> app.window().noticeTextProperty().get())).startsWith("a test failure");
    }

    @Test
    void savingAProfileInSettingsThenRunningCompareWorks(FxRobot robot) throws Exception {
        onFx(() -> {
            app.window().showView("Compare");
            return null;
        });
        waitFor(() -> robot.lookup("#view-compare ComboBox").tryQuery().isPresent());
        ComboBox<?> laneOne = robot.lookup("#view-compare ComboBox").queryAs(ComboBox.class);
        assertThat(onFx(laneOne::getValue)).isNotNull();

        onFx(() -> {
            app.window().showView("Settings");
            return null;
        });
        // the view is made on its first visit (its lists are read off the window's thread): wait for its form
        waitFor(() -> robot.lookup("#profile-name").tryQuery().isPresent());
        onFx(() -> {
            robot.lookup("#profile-name").queryAs(TextInputControl.class).setText("my-gateway");
            robot.lookup("#base-url").queryAs(TextInputControl.class).setText("http://127.0.0.1:9/v1");
            robot.lookup("#default-model").queryAs(TextInputControl.class).setText("my-gateway-model");
            robot.lookup("#save-profile").queryAs(Button.class).fire();
            return null;
        });
        waitFor(() -> robot.lookup("#settings-message").queryAs(Label.class).getText().startsWith("Saved"));

        onFx(() -> {
            app.window().showView("Compare");
            return null;
        });
        for (ComboBox<?> box : robot.lookup("#view-compare ComboBox").queryAllAs(ComboBox.class)) {
            Object value = onFx(box::getValue);
            assertThat(value).as("lane box %s after the save", box.getId()).isNotNull();
            assertThat(value.toString()).isNotBlank();
        }
        onFx(() -> {
            robot.lookup("#compare-prompt").queryAs(TextInputControl.class).setText("Say hello");
            robot.lookup("#compare-run").queryAs(Button.class).fire();
            return null;
        });
        waitFor(() -> !robot.lookup("#compare-summary").queryAs(Label.class).getText().isBlank());
        // an exception on the window's thread would be said in the notice line
        assertThat(onFx(() -> app.window().noticeTitleProperty().get())).doesNotContain("went wrong");
        for (javafx.scene.control.TextArea out : robot.lookup(".text-area").queryAllAs(javafx.scene.control.TextArea.class)) {
            if (out.getId() != null && out.getId().startsWith("compare-output-")) {
                String shown = onFx(out::getText);
                assertThat(shown).as(out.getId()).isNotBlank();
            }
        }
    }
}
