package dev.llmworkbench.ui.app;

import static dev.llmworkbench.ui.app.AnalystFlowsTest.onFx;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalPlan;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.eval.EvalView;
import dev.llmworkbench.ui.eval.EvalViewModel;
import dev.llmworkbench.ui.eval.GridBuilderViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
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

/**
 * The Evaluate view against the embedded simulator over loopback: a grid built in the desktop from two prompt
 * versions of the library × two models × 20 test cases, one check failing on one column, its pass rates, filters,
 * export and re-run; and a promptfoo configuration (2 prompts, 2 {@code openai:chat:} providers on the simulator,
 * a 20-row tests.csv with regex, contains and not-icontains) imported and run, its unsupported part listed.
 * Every figure on screen is compared with the service's grid as the store holds it.
 */
@ExtendWith(ApplicationExtension.class)
class EvalFlowTest {
    private static final long TIMEOUT_S = 90;
    @TempDir
    static Path dir;
    private static int n;
    private AppServices services;
    private Stage stage;
    private Path data;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        data = dir.resolve("data-" + (n++));
        WorkbenchApp app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
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

    private EvalViewModel open(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT8); // appended after the seven views
        waitFor(5, () -> robot.lookup("#view-evaluate").tryQuery().map(Node::isVisible).orElse(false));
        return robot.lookup("#view-evaluate").queryAs(EvalView.class).viewModel();
    }

    private static <T> T await(java.util.concurrent.Callable<CompletableFuture<T>> action) throws Exception {
        return onFx(action).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The footer line {@code line} (0 pass rate, 1 latency, 2 cost) of grid column {@code col}, as shown. */
    private static String footerShown(FxRobot robot, int line, int col) throws Exception {
        TableView<?> t = robot.lookup("#eval-footer").queryAs(TableView.class);
        return onFx(() -> {
            TableColumn<?, ?> c = t.getColumns().get(col + 1);
            return String.valueOf(c.getCellObservableValue(line).getValue());
        });
    }

    private static void runToTheEnd(EvalViewModel vm, List<EvalGrid.CellState> seenWhileRunning) throws Exception {
        CompletableFuture<EvalGrid> done = onFx(() -> {
            // a live cell event reaches the grid while the run is under way (not only the final read)
            vm.rows().get(0).cell(0).addListener((o, a, b) -> {
                if (b != null && vm.stateProperty().get() == EvalViewModel.State.RUNNING) {
                    seenWhileRunning.add(b.state());
                }
            });
            vm.run();
            return vm.finished();
        });
        assertThat(done.get(TIMEOUT_S, TimeUnit.SECONDS)).isNotNull();
        waitFor(5, () -> vm.stateProperty().get() == EvalViewModel.State.READY);
    }

    @Test
    void twoLibraryVersionsTimesTwoModelsTimesTwentyCasesOneCheckFailingOnOneColumn(FxRobot robot) throws Exception {
        // the library: two versions of one prompt (the second in Chinese); tests: 20 cases, the third check on the
        // first ten only, so that the short Chinese column fails those ten
        services.prompts().save("answer", "", "Answer in one sentence: {{q}}", Map.of(), Map.of());
        services.prompts().save("answer", "", "请用一句话回答：{{q}}", Map.of(), Map.of());
        StringBuilder csv = new StringBuilder("q,__expected1,__expected2,__expected3\n");
        for (int i = 1; i <= 20; i++) {
            csv.append("case ").append(i).append(",regex: ^\\S,not-icontains: zebra,")
                    .append(i <= 10 ? "\"not-regex: ^[\\p{IsHan}，、。]{1,8}$\"" : "").append('\n');
        }
        Path tests = Files.writeString(dir.resolve("grid-tests.csv"), csv.toString(), StandardCharsets.UTF_8);

        EvalViewModel vm = open(robot);
        GridBuilderViewModel b = vm.builder();
        await(b::reload);
        await(() -> b.loadTests(tests));
        assertThat(onFx(() -> b.testsSummaryProperty().get())).isEqualTo("grid-tests.csv: 20 test cases");
        await(() -> b.loadVersions("answer"));
        List<SavedPrompt> versions = onFx(() -> List.copyOf(b.versions()));
        assertThat(versions).extracting(SavedPrompt::label).containsExactly("answer v1", "answer v2");
        onFx(() -> {
            b.choose(versions.get(0));
            b.choose(versions.get(1));
            return null;
        });
        // the two versions side by side, word by word: the English words struck out, the Chinese inserted
        assertThat(onFx(() -> b.diffProperty().get().deletedWords())).isPositive();
        assertThat(onFx(() -> robot.lookup("#eval-diff-summary").queryAs(Label.class).getText()))
                .matches("\\d+ words deleted, \\d+ inserted");
        List<String> deleted = onFx(() -> robot.lookup("#eval-diff-older").queryAs(TextFlow.class).getChildren()
                .stream().filter(x -> x.getStyleClass().contains("diff-deleted")).map(x -> ((Text) x).getText()).toList());
        assertThat(String.join("", deleted)).contains("Answer in one sentence");
        List<String> inserted = onFx(() -> robot.lookup("#eval-diff-newer").queryAs(TextFlow.class).getChildren()
                .stream().filter(x -> x.getStyleClass().contains("diff-inserted")).map(x -> ((Text) x).getText()).toList());
        assertThat(String.join("", inserted)).contains("请用一句话回答");

        // two models on the built-in simulator, the second cut to 5 tokens
        onFx(() -> {
            b.profileProperty().set(services.providers().simulator());
            b.modelProperty().set("qwen-turbo");
            assertThat(b.addTarget()).isTrue();
            b.modelProperty().set("qwen-plus");
            b.maxTokensProperty().set("5");
            assertThat(b.addTarget()).isTrue();
            return null;
        });
        EvalGrid created = await(b::create);
        assertThat(created.columns()).hasSize(4);
        assertThat(onFx(() -> vm.rows().size())).isEqualTo(20);
        assertThat(onFx(() -> vm.variables())).containsExactly("q");

        onFx(() -> {
            vm.concurrencyProperty().set("20");
            return null;
        });
        List<EvalGrid.CellState> live = new CopyOnWriteArrayList<>();
        long before = services.simulator().requestCount();
        runToTheEnd(vm, live);
        assertThat(live).contains(EvalGrid.CellState.PASSED);
        assertThat(services.simulator().requestCount() - before).isEqualTo(80);

        // the columns: (v1, turbo), (v1, plus 5 tokens), (v2, turbo), (v2, plus 5 tokens): the last fails ten rows
        EvalGrid stored = services.evals().grid(created.gridId());
        assertThat(stored.columns()).extracting(c -> c.footer().passRate()).containsExactly(1.0, 1.0, 1.0, 0.5);
        assertThat(onFx(() -> List.copyOf(vm.footers()))).isEqualTo(stored.columns().stream()
                .map(EvalGrid.Column::footer).toList());
        assertThat(footerShown(robot, 0, 0)).isEqualTo("20/20 passed (100.0%)");
        assertThat(footerShown(robot, 0, 3)).isEqualTo("10/20 passed (50.0%)");
        EvalGrid.Footer f3 = stored.columns().get(3).footer();
        assertThat(footerShown(robot, 1, 3)).isEqualTo("mean " + Math.round(f3.meanLatencyMs()) + " ms · p95 "
                + Math.round(f3.p95LatencyMs()) + " ms");
        assertThat(footerShown(robot, 2, 3)).startsWith("$").isNotEqualTo("$0");
        assertThat(onFx(() -> robot.lookup("#eval-totals").queryAs(Label.class).getText()))
                .startsWith("70/80 passed (87.5%) · 10 failed · 0 errors · 0 not run · $");

        // a failing cell in full: its checks with their reasons
        onFx(() -> {
            vm.select(3, 0);
            return null;
        });
        assertThat(onFx(() -> vm.detailProperty().get())).contains("fail").contains("FAIL  not-regex")
                .contains("pass  regex: ^\\S").contains("Prompt sent:\n请用一句话回答：case 1");

        // filters: the ten rows that fail somewhere; they differ between columns too
        onFx(() -> {
            vm.filterProperty().set(EvalGrid.Filter.FAILED_ONLY);
            return null;
        });
        assertThat(onFx(() -> vm.rows().stream().map(r -> r.row()).toList()))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(onFx(() -> robot.lookup("#eval-grid").queryAs(TableView.class).getItems().size())).isEqualTo(10);

        // export: the failed cells as CSV (the filter applies), every cell as JSONL and HTML
        Path csvOut = dir.resolve("failed.csv");
        await(() -> vm.export(csvOut));
        assertThat(Files.readAllLines(csvOut)).hasSize(1 + 10);
        onFx(() -> {
            vm.filterProperty().set(EvalGrid.Filter.ALL);
            return null;
        });
        Path jsonl = dir.resolve("grid.jsonl");
        await(() -> vm.export(jsonl));
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(80);
        assertThat(lines.stream().filter(l -> JsonParser.parseString(l).getAsJsonObject().get("pass").getAsBoolean()))
                .hasSize(70);
        Path html = dir.resolve("grid.html");
        await(() -> vm.export(html));
        assertThat(Files.readString(html)).contains("10/20 (50.0%)", "answer v2");
        assertThat(onFx(() -> vm.noticeProperty().get())).startsWith("Exported HTML to ");

        // re-run one cell: exactly one request, the figures read again from the store
        before = services.simulator().requestCount();
        onFx(() -> {
            vm.rerunCell(1, 4);
            return null;
        });
        onFx(vm::finished).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(services.simulator().requestCount() - before).isEqualTo(1);
        assertThat(onFx(() -> vm.footers().get(3).passRate())).isEqualTo(0.5);

        // the grid is in the previous grids, and reopens
        await(vm::reloadRecent);
        assertThat(onFx(() -> vm.recent().get(0).gridId())).isEqualTo(created.gridId());
    }

    @Test
    void aPromptfooConfigurationIsImportedAndRunItsUnsupportedPartListed(FxRobot robot) throws Exception {
        String sim = services.simulator().baseUrl();
        StringBuilder csv = new StringBuilder("topic,__expected1,__expected2,__expected3,__expected4\n");
        for (int i = 1; i <= 20; i++) {
            csv.append("topic ").append(i).append(",regex: ^\\S,contains: .,not-icontains: zebra,")
                    .append(i == 1 ? "javascript: output.length > 0" : "").append('\n');
        }
        Files.writeString(dir.resolve("tests.csv"), csv.toString(), StandardCharsets.UTF_8);
        Path config = Files.writeString(dir.resolve("promptfooconfig.yaml"), """
                description: imported suite
                prompts:
                  - "Write one line about {{topic}}"
                  - "请写一句关于{{topic}}的话"
                providers:
                  - id: openai:chat:qwen-turbo
                    config: {apiBaseUrl: "%s"}
                  - id: openai:chat:qwen-plus
                    config: {apiBaseUrl: "%s", temperature: 0.2}
                tests: file://tests.csv
                """.formatted(sim, sim), StandardCharsets.UTF_8);

        EvalViewModel vm = open(robot);
        EvalGrid created = await(() -> vm.importConfig(config));
        assertThat(created.columns()).extracting(EvalGrid.Column::model)
                .containsExactly("qwen-turbo", "qwen-plus", "qwen-turbo", "qwen-plus");
        assertThat(created.rows()).hasSize(20);
        // the javascript check is not run: it is listed, not ignored
        assertThat(onFx(() -> List.copyOf(vm.unsupported()))).singleElement().asString().startsWith("javascript");
        waitFor(5, () -> robot.lookup("#eval-unsupported-pane").query().isVisible());
        assertThat(onFx(() -> robot.lookup("#eval-unsupported").queryAs(ListView.class).getItems().size())).isEqualTo(1);
        assertThat(onFx(() -> vm.noticeProperty().get())).contains("1 parts are not run (listed)");
        assertThat(created.plan().unsupported()).extracting(EvalPlan.Unsupported::what).containsExactly("javascript");

        onFx(() -> {
            vm.concurrencyProperty().set("20");
            return null;
        });
        runToTheEnd(vm, new CopyOnWriteArrayList<>());
        // English answers end with a full stop; the Chinese ones with "。": the Chinese prompt's columns fail contains
        EvalGrid stored = services.evals().grid(created.gridId());
        assertThat(stored.columns()).extracting(c -> c.footer().passRate()).containsExactly(1.0, 1.0, 0.0, 0.0);
        assertThat(footerShown(robot, 0, 1)).isEqualTo("20/20 passed (100.0%)");
        assertThat(footerShown(robot, 0, 2)).isEqualTo("0/20 passed (0.0%)");
        assertThat(onFx(() -> List.copyOf(vm.footers()))).isEqualTo(stored.columns().stream()
                .map(EvalGrid.Column::footer).toList());
        onFx(() -> {
            vm.select(2, 5);
            return null;
        });
        assertThat(onFx(() -> vm.detailProperty().get())).contains("FAIL  contains: .").contains("pass  regex");

        // re-run one column: its 20 cells, nothing else
        long before = services.simulator().requestCount();
        onFx(() -> {
            vm.rerunColumn(0);
            return null;
        });
        onFx(vm::finished).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(services.simulator().requestCount() - before).isEqualTo(20);
        onFx(() -> {
            vm.filterProperty().set(EvalGrid.Filter.DIFFERS);
            return null;
        });
        assertThat(onFx(() -> vm.rows().size())).isEqualTo(20);
    }
}
