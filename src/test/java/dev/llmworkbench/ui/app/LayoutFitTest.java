package dev.llmworkbench.ui.app;

import dev.llmworkbench.store.DataDirs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Cell;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TabPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.onFx;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * Every view is usable at 1024×700 and at 1920×1080: no label, button or check box shows its text cut to "…"
 * (the text the skin draws is the whole text), and no two visible children of a box, flow or grid overlap.
 * Table, list and tree cells are left out: a cell that cuts a long value is the table's way of showing it.
 */
@ExtendWith(ApplicationExtension.class)
class LayoutFitTest {
    @TempDir
    static Path dir;
    private static int n;
    private Stage stage;
    private WorkbenchApp app;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(dir.resolve("d" + n++)), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void closeWindow() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({
            "Playground,1024,700", "Compare,1024,700", "Batch,1024,700", "Charts,1024,700", "Estimate,1024,700",
            "History,1024,700", "Settings,1024,700", "Evaluate,1024,700", "Benchmark,1024,700",
            "Playground,1920,1080", "Compare,1920,1080", "Batch,1920,1080", "Charts,1920,1080", "Estimate,1920,1080",
            "History,1920,1080", "Settings,1920,1080", "Evaluate,1920,1080", "Benchmark,1920,1080"})
    void nothingIsCutOrOverlaps(String view, int width, int height, FxRobot robot) throws Exception {
        onFx(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            app.window().navigation().show(view);
            return null;
        });
        String id = "#view-" + view.toLowerCase(Locale.ROOT);
        AnalystFlowsTest.waitFor(5, () -> robot.lookup(id).tryQuery().map(Node::isVisible).orElse(false));
        WaitForAsyncUtils.waitForFxEvents();
        List<String> problems = onFx(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            List<String> out = new ArrayList<>();
            check(stage.getScene().getRoot(), out, true);
            return out;
        });
        assertThat(problems).as(view + " at " + width + "x" + height).isEmpty();
    }

    /** The batch panel on the provider batch service, a job's shards in progress, fits as well. */
    @ParameterizedTest(name = "Batch, provider batch job running, at {0}x{1}")
    @CsvSource({"1024,700", "1920,1080"})
    void theBatchPanelWithAProviderBatchJobFits(int width, int height, FxRobot robot) throws Exception {
        AppServices services = app.services();
        services.providers().save(new dev.llmworkbench.domain.ProviderProfile("Slow batches",
                services.simulator().baseUrl(), "qwen-turbo", null,
                java.util.Map.of("X-Sim-Faults", "batch-ms=60000"), java.util.Map.of(), null, null), null);
        List<String> lines = new ArrayList<>(List.of("request_id,prompt,model"));
        for (int i = 1; i <= 12; i++) {
            lines.add("t" + i + ",Question " + i + "," + (i % 2 == 0 ? "qwen-plus" : "qwen-turbo"));
        }
        Path file = java.nio.file.Files.write(dir.resolve("fit-" + width + ".csv"), lines);
        dev.llmworkbench.ui.batch.BatchViewModel vm = app.batchViewModel();
        onFx(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            app.window().navigation().show("Batch");
            return vm.importFile(file);
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        onFx(() -> {
            vm.profileProperty().set("Slow batches");
            vm.remote().providerBatchProperty().set(true);
            vm.remote().pollSecondsProperty().set("0.5");
            vm.remote().estimate();
            return vm.remote().submit();
        });
        AnalystFlowsTest.waitFor(20, () -> vm.remote().shards().size() == 2
                && vm.remote().shards().stream().allMatch(r -> !r.batchId().isEmpty())
                && !vm.remote().estimateProperty().get().isEmpty() && !vm.remote().nextProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        List<String> problems = onFx(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            List<String> out = new ArrayList<>();
            check(stage.getScene().getRoot(), out, true);
            return out;
        });
        assertThat(problems).as("Batch with a provider batch job at " + width + "x" + height).isEmpty();
    }

    /**
     * The problems under {@code node}: cut texts, overlapping siblings and ({@code inWindow}: outside anything that
     * scrolls) texts that lie past the window's edge.
     */
    private static void check(Node node, List<String> out, boolean inWindow) {
        if (!node.isVisible() || node instanceof Cell<?>) {
            return;
        }
        if (node instanceof Labeled l && l.getText() != null && !l.getText().isEmpty() && l.getScene() != null) {
            Text drawn = drawnText(l);
            String shown = drawn == null ? null : drawn.getText().replace("\n", " ").replaceAll(" +", " ").strip();
            String whole = l.getText().replace("_", "").replace("\n", " ").replaceAll(" +", " ").strip();
            if (shown != null && !shown.equals(whole) && !shown.equals(l.getText())) {
                out.add("cut: " + describe(l) + " shows '" + drawn.getText() + "' of '" + l.getText() + "'");
            }
            Bounds b = l.localToScene(l.getLayoutBounds());
            if (inWindow && b.getWidth() > 0 && (b.getMaxX() > l.getScene().getWidth() + 1
                    || b.getMaxY() > l.getScene().getHeight() + 1)) {
                out.add("outside the window: " + describe(l) + " at x " + Math.round(b.getMinX()) + ".."
                        + Math.round(b.getMaxX()) + " of " + Math.round(l.getScene().getWidth()));
            }
        }
        if (node instanceof HBox || node instanceof VBox || node instanceof FlowPane || node instanceof GridPane) {
            List<Node> kids = ((Pane) node).getChildren().stream().filter(k -> k.isVisible() && k.isManaged()).toList();
            for (int i = 0; i < kids.size(); i++) {
                for (int j = i + 1; j < kids.size(); j++) {
                    Bounds a = kids.get(i).getBoundsInParent();
                    Bounds b = kids.get(j).getBoundsInParent();
                    // a pixel of shared edge is not an overlap
                    if (a.getWidth() > 0 && b.getWidth() > 0 && a.getHeight() > 0 && b.getHeight() > 0
                            && a.getMinX() + 1 < b.getMaxX() && b.getMinX() + 1 < a.getMaxX()
                            && a.getMinY() + 1 < b.getMaxY() && b.getMinY() + 1 < a.getMaxY()) {
                        out.add("overlap in " + describe(node) + ": " + describe(kids.get(i)) + " and "
                                + describe(kids.get(j)));
                    }
                }
            }
        }
        boolean scrolls = node instanceof javafx.scene.control.TableView<?> || node instanceof javafx.scene.control.ListView<?>;
        if (node instanceof ScrollPane sp && sp.getContent() != null) {
            check(sp.getContent(), out, false);
        } else if (node instanceof TabPane tp) {
            if (tp.getSelectionModel().getSelectedItem() != null && tp.getSelectionModel().getSelectedItem().getContent() != null) {
                check(tp.getSelectionModel().getSelectedItem().getContent(), out, inWindow);
            }
        } else if (node instanceof Parent p) {
            for (Node k : p.getChildrenUnmodifiable()) {
                check(k, out, inWindow && !scrolls);
            }
        }
    }

    /** The text node a labeled's skin draws (its displayed, possibly shortened, text), or null. */
    private static Text drawnText(Labeled l) {
        for (Node k : l.getChildrenUnmodifiable()) {
            if (k instanceof Text t && k.getStyleClass().contains("text")) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Node n) {
        String name = n.getClass().getSimpleName();
        if (n.getId() != null) {
            name += "#" + n.getId();
        }
        if (n instanceof Labeled l) {
            name += "['" + l.getText() + "']";
        }
        return name;
    }
}
