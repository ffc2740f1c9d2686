package dev.llmworkbench.ui.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.service.batch.BatchProgress;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.common.UiThread;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation view model on the real desktop services (the embedded simulator): the builder's checks of its
 * fields, the judge a judged check needs, a cancel that leaves cells not run and says so, and Run sending exactly
 * those afterwards. The view model's UI steps run on a thread that stands for the FX thread and fails any store call.
 */
class EvalViewModelTest {
    @TempDir
    Path dir;
    private AppServices services;
    private UiThread ui;
    private EvalViewModel vm;

    @BeforeEach
    void setUp() {
        services = new AppServices(DataDirs.at(dir.resolve("data")), false);
        ui = new UiThread();
        vm = new EvalViewModel(services::evals, services::recentGrids, services.prompts(), services.providers(),
                services.prices().models(), services.background(), ui.executor());
    }

    @AfterEach
    void tearDown() {
        ui.close();
        services.close();
    }

    private Path tests(String name, int rows, String check) throws Exception {
        StringBuilder csv = new StringBuilder("q,__expected1\n");
        for (int i = 1; i <= rows; i++) {
            csv.append("question ").append(i).append(',').append(check).append('\n');
        }
        return Files.writeString(dir.resolve(name), csv.toString(), StandardCharsets.UTF_8);
    }

    private GridBuilderViewModel builderWith(Path tests, String model) throws Exception {
        services.prompts().save("p", "Be brief.", "Answer: {{q}}", Map.of(), Map.of());
        GridBuilderViewModel b = vm.builder();
        ui.await(b::reload);
        ui.await(() -> b.loadTests(tests));
        ui.await(() -> b.loadVersions("p"));
        ui.run(() -> {
            b.choose(b.versions().get(0));
            b.profileProperty().set(services.providers().simulator());
            b.modelProperty().set(model);
        });
        return b;
    }

    @Test
    void theBuilderSaysWhatIsWrongAndAJudgedCheckNeedsAJudge() throws Exception {
        GridBuilderViewModel b = vm.builder();
        assertThat(ui.<EvalGrid>await(b::create)).isNull();
        assertThat(ui.call(() -> vm.noticeProperty().get())).isEqualTo("Open a tests file (CSV or JSONL) first.");

        b = builderWith(tests("judged.csv", 3, "llm-similar: a reply to {{q}}"), "qwen-turbo");
        GridBuilderViewModel bb = b;
        ui.run(() -> bb.temperatureProperty().set("hot"));
        assertThat(ui.call(bb::addTarget)).isFalse();
        assertThat(ui.call(() -> vm.noticeProperty().get())).isEqualTo("the temperature must be a number, was 'hot'");
        ui.run(() -> bb.temperatureProperty().set("3"));
        assertThat(ui.call(bb::addTarget)).isFalse();
        assertThat(ui.call(() -> vm.noticeProperty().get())).startsWith("the temperature must be between 0 and 2");
        ui.run(() -> bb.temperatureProperty().set("0.2"));
        assertThat(ui.call(bb::addTarget)).isTrue();
        assertThat(ui.call(() -> bb.targets().get(0).describe()))
                .isEqualTo("Simulator (built in) · qwen-turbo (temperature=0.2)");

        // an llm-similar check without a judge is refused; with one, the grid is made and the judge's cost counted
        assertThat(ui.call(bb::create).handle((g, e) -> e).get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(ui.call(() -> vm.noticeProperty().get())).isEqualTo("Cannot create the grid: the tests have "
                + "llm-similar or llm-rubric checks: choose a judge model");
        assertThat(ui.call(bb::useAsJudge)).isTrue();
        EvalGrid g = ui.await(bb::create);
        assertThat(g.plan().judge().model()).isEqualTo("qwen-turbo");
        assertThat(ui.call(() -> vm.gridProperty().get().gridId())).isEqualTo(g.gridId());
        // the system prompt and the user prompt are sent as a conversation
        assertThat(g.plan().prompts().get(0).raw()).contains("\"role\":\"system\"").contains("Be brief.");

        ui.run(() -> vm.concurrencyProperty().set("8"));
        ui.await(vm::run);
        EvalGrid stored = services.evals().grid(g.gridId());
        assertThat(stored.totals().judgeCostUsd()).isPositive();
        assertThat(ui.call(() -> vm.totalsProperty().get())).isEqualTo(CellTexts.totals(stored.totals()))
                .contains("(judge $");
        assertThat(stored.cells()).allSatisfy(c -> assertThat(c.checks()).singleElement()
                .satisfies(r -> assertThat(r.reason()).startsWith("judge: ")));

        // a wrong budget is said, nothing is sent
        long before = services.simulator().requestCount();
        ui.run(() -> vm.budgetProperty().set("lots"));
        assertThat(ui.<EvalGrid>await(() -> vm.rerunColumn(0))).isNull();
        assertThat(ui.call(() -> vm.noticeProperty().get())).startsWith("Check the run's settings");
        assertThat(services.simulator().requestCount()).isEqualTo(before);
    }

    @Test
    void aCancelLeavesCellsNotRunAndRunSendsExactlyThoseLater() throws Exception {
        // qwen-max on the simulator takes a while per answer: one at a time, the cancel comes early
        GridBuilderViewModel b = builderWith(tests("slow.csv", 12, "regex: ^\\S"), "qwen-max");
        assertThat(ui.call(b::addTarget)).isTrue();
        EvalGrid g = ui.await(b::create);
        ui.run(() -> vm.concurrencyProperty().set("1"));
        ui.run(vm::run);
        // the engine's figures of the column under way, in the words the command prints them
        ui.await(vm.progressProperty(), () -> vm.progressProperty().get().startsWith("column 1: 1/12 done, "));
        ui.run(vm::cancel);
        ui.call(vm::finished).get(30, TimeUnit.SECONDS);
        assertThat(ui.call(() -> vm.stateProperty().get())).isEqualTo(EvalViewModel.State.READY);
        String job = services.evals().grid(g.gridId()).columns().get(0).jobId();
        long notRun = services.batches().items(job).stream().filter(r -> r.itemStatus() == ItemStatus.NOT_RUN).count();
        assertThat(notRun).isBetween(1L, 11L);
        assertThat(ui.call(() -> vm.stopProperty().get())).isEqualTo("Cancelled: " + notRun
                + " cells not run (Run sends them)");
        // the cells left unsent are not counted as answered
        assertThat(ui.call(() -> vm.progressProperty().get())).endsWith(": " + (12 - notRun) + "/12 cells answered, "
                + notRun + " not run");
        List<EvalGrid.CellState> shown = ui.call(() -> vm.rows().stream().map(r -> r.cell(0).get().state()).toList());
        assertThat(shown.stream().filter(s -> s == EvalGrid.CellState.NOT_RUN).count()).isEqualTo(notRun);

        ui.run(() -> vm.concurrencyProperty().set("12"));
        long before = services.simulator().requestCount();
        ui.await(vm::run);
        assertThat(services.simulator().requestCount() - before).isEqualTo(notRun);
        assertThat(ui.call(() -> vm.stopProperty().get())).isEmpty();
        assertThat(ui.call(() -> vm.footers().get(0).passed())).isEqualTo(12);
    }

    @Test
    void cellTextsFormatTheServicesFigures() {
        EvalGrid.Cell c = new EvalGrid.Cell(0, 0, 1, EvalGrid.CellState.PASSED, "p", "word ".repeat(40), List.of(),
                true, new BigDecimal("0.0000123"), null, 812.4, null);
        String text = CellTexts.cell(c);
        // amounts as every view and the command line write them (Amounts.usd)
        assertThat(text).startsWith("pass · $0.0000123 · 812 ms\n").endsWith("…");
        assertThat(text.split("\n")[1]).hasSize(CellTexts.SHORT);
        assertThat(CellTexts.usd(BigDecimal.ZERO)).isEqualTo("$0.00");
        assertThat(CellTexts.usd(new BigDecimal("1.234"))).isEqualTo("$1.23");
        assertThat(CellTexts.usd(null)).isEqualTo("no price");
        assertThat(CellTexts.percent(0.875)).isEqualTo("87.5%");
        BatchProgress p = new BatchProgress(10, 3, 2, 5, 0, 0, 0, 1, 100, 50, new BigDecimal("0.0123"),
                Duration.ofSeconds(4), Duration.ofSeconds(3), false, null);
        assertThat(CellTexts.progress(1, p)).isEqualTo("column 2: " + p.describe())
                .startsWith("column 2: 5/10 done, 0 failed, 2 in flight, 3 queued, 1 retries, 150 tokens, $0.0123");
    }
}
