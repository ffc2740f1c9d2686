package dev.llmworkbench.ui.app;

import static dev.llmworkbench.ui.app.AnalystFlowsTest.onFx;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.ThinkingMode;
import dev.llmworkbench.service.bench.BenchResult;
import dev.llmworkbench.service.bench.LevelResult;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.bench.BenchTexts;
import dev.llmworkbench.ui.bench.BenchView;
import dev.llmworkbench.ui.bench.BenchViewModel;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The Benchmark view against the embedded simulator over loopback (its latency set by the {@code X-Sim-Faults}
 * header given in the form): two concurrency levels run live, the table shows the service's figures as the stored
 * run holds them, the curve has a point per level, the ITL histogram fills while the run goes; Stop stops; a bad
 * option is said in one line and nothing is sent.
 */
@ExtendWith(ApplicationExtension.class)
class BenchFlowTest {
    private static final long TIMEOUT_S = 60;
    private static final String FAULTS = "X-Sim-Faults=ttft-ms=40,tps=400";
    @TempDir
    static Path dir;
    private static int n;
    private AppServices services;
    private Stage stage;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        Path data = dir.resolve("data-" + (n++));
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

    private BenchView open(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT9); // appended after Evaluate
        waitFor(5, () -> robot.lookup("#view-benchmark").tryQuery().map(Node::isVisible).orElse(false));
        return robot.lookup("#view-benchmark").queryAs(BenchView.class);
    }

    private void simulatorWith(BenchViewModel vm, String levels, String requests) throws Exception {
        onFx(() -> {
            vm.options().profileProperty().set(services.providers().simulator());
            vm.options().headersProperty().set(FAULTS);
            vm.options().levelsProperty().set(levels);
            vm.options().requestsProperty().set(requests);
            vm.options().maxTokensProperty().set("24");
            return null;
        });
    }

    private static String shown(TableView<?> t, int row, String columnId) throws Exception {
        return onFx(() -> {
            TableColumn<?, ?> c = t.getColumns().stream().filter(x -> columnId.equals(x.getId())).findFirst()
                    .orElseThrow();
            return String.valueOf(c.getCellObservableValue(row).getValue());
        });
    }

    @Test
    void twoConcurrencyLevelsRunLiveAndShowTheServicesFigures(FxRobot robot) throws Exception {
        BenchView view = open(robot);
        BenchViewModel vm = view.viewModel();
        simulatorWith(vm, "1,2", "8");
        AtomicBoolean histogramWhileRunning = new AtomicBoolean();
        AtomicBoolean progressWhileRunning = new AtomicBoolean();
        long before = services.simulator().requestCount();
        CompletableFuture<BenchResult> done = onFx(() -> {
            vm.itl().addListener((ListChangeListener<Object>) c -> {
                if (vm.stateProperty().get() == BenchViewModel.State.RUNNING && !vm.itl().isEmpty()) {
                    histogramWhileRunning.set(true);
                }
            });
            vm.progressProperty().addListener((o, a, b) -> {
                if (vm.stateProperty().get() == BenchViewModel.State.RUNNING && b.contains(" done, ")) {
                    progressWhileRunning.set(true);
                }
            });
            return vm.run();
        });
        BenchResult result = done.get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(result).isNotNull();
        assertThat(onFx(() -> vm.errorProperty().get())).isEmpty();
        assertThat(histogramWhileRunning).isTrue();
        assertThat(progressWhileRunning).isTrue();
        // warm-up (the level's concurrency) and 8 measured requests per level, nothing more
        assertThat(services.simulator().requestCount() - before).isEqualTo(1 + 8 + 2 + 8);

        List<LevelResult> levels = result.levels();
        assertThat(levels).extracting(l -> l.load().label()).containsExactly("c=1", "c=2");
        assertThat(levels).allSatisfy(l -> {
            assertThat(l.requests()).isEqualTo(8);
            assertThat(l.errors()).isZero();
        });
        assertThat(onFx(() -> List.copyOf(vm.levels()))).isEqualTo(levels);

        // the stored run holds the same summary
        long runId = onFx(vm::runId);
        assertThat(runId).isPositive();
        RunRecord run = services.history().show(runId).orElseThrow().run();
        assertThat(JsonParser.parseString(run.summaryJson())).isEqualTo(JsonParser.parseString(
                new com.google.gson.Gson().toJson(result.toJson())));

        // the table shows the service's figures
        TableView<?> table = robot.lookup("#bench-results").queryAs(TableView.class);
        assertThat(onFx(() -> table.getItems().size())).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            LevelResult l = levels.get(i);
            assertThat(shown(table, i, "bench-col-load")).isEqualTo(l.load().label());
            assertThat(shown(table, i, "bench-col-requests")).isEqualTo("8");
            assertThat(shown(table, i, "bench-col-errors")).isEqualTo("0");
            assertThat(shown(table, i, "bench-col-req-s")).isEqualTo(BenchTexts.f(l.requestRate(), 2));
            assertThat(shown(table, i, "bench-col-output-tok-s")).isEqualTo(BenchTexts.tokensPerS(l));
            assertThat(shown(table, i, "bench-col-goodput")).isEqualTo(BenchTexts.pct(l.goodput()));
            assertThat(shown(table, i, "bench-col-ttft-p50-p99")).isEqualTo(BenchTexts.f(l.ttft().p50(), 1) + " / "
                    + BenchTexts.f(l.ttft().p99(), 1));
            assertThat(shown(table, i, "bench-col-itl-p50-p99")).isEqualTo(BenchTexts.p50p99(l.itl()));
            assertThat(shown(table, i, "bench-col-e2e-p50-p99")).isEqualTo(BenchTexts.p50p99(l.e2e()));
            assertThat(shown(table, i, "bench-col-tokens")).isEqualTo(l.tokensSource());
        }
        // the curve: one point per level (p50 and p99), at the service's figures
        assertThat(onFx(view::curveSizes)).containsExactly(2, 2);
        assertThat(onFx(() -> vm.curve().stream().map(BenchViewModel.CurvePoint::x).toList()))
                .containsExactly(levels.get(0).outputTokensPerS(), levels.get(1).outputTokensPerS());
        assertThat(onFx(() -> vm.curve().get(1).p99())).isEqualTo(levels.get(1).e2e().p99());
        onFx(() -> {
            vm.xAxisProperty().set(BenchViewModel.XAxis.REQUEST_RATE);
            vm.yAxisProperty().set(BenchViewModel.YAxis.TTFT);
            return null;
        });
        assertThat(onFx(() -> vm.curve().get(0).x())).isEqualTo(levels.get(0).requestRate());
        assertThat(onFx(() -> vm.curve().get(0).p50())).isEqualTo(levels.get(0).ttft().p50());
        // the histogram of the last level has bars
        assertThat(onFx(view::itlBars)).isPositive();

        // exports: the service's lines, the summary
        Path lines = dir.resolve("requests-" + runId + ".jsonl");
        onFx(() -> vm.exportRequests(lines)).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(lines)).hasSize(16);
        Path summary = dir.resolve("summary-" + runId + ".json");
        onFx(() -> vm.exportSummary(summary)).get(TIMEOUT_S, TimeUnit.SECONDS);
        var json = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        assertThat(json.get("run_id").getAsLong()).isEqualTo(runId);
        assertThat(json.getAsJsonArray("levels")).hasSize(2);
    }

    /** Chooses {@code value} in the form's box {@code id}, as a person choosing it does. */
    private static void choose(FxRobot robot, String id, String value) throws Exception {
        onFx(() -> {
            robot.lookup(id).<ComboBox<String>>query().setValue(value);
            return null;
        });
    }

    @Test
    void theThinkingChoiceIsOfferedOnlyForAModelThatTakesASwitch(FxRobot robot) throws Exception {
        BenchViewModel vm = open(robot).viewModel();
        simulatorWith(vm, "1", "2");
        // a thinking-only model, as the catalogue would know Qwen3-Thinking-2507 (the bundled one lists none)
        String thinker = "qwen3-235b-a22b-thinking-2507";
        services.prices().setOverride(new ModelPrice("dashscope-intl", thinker, List.of(), Currency.USD,
                new BigDecimal("0.7"), new BigDecimal("8.4"), null, null, null, List.of(), 131_072, null,
                LocalDate.of(2025, 7, 25), "test", false, true, ThinkingMode.ALWAYS, null));
        ComboBox<?> thinking = robot.lookup("#bench-thinking").queryAs(ComboBox.class);

        choose(robot, "#bench-model", "qwen3-235b-a22b"); // hybrid: a switch, on by default
        choose(robot, "#bench-thinking", "on");
        assertThat(onFx(thinking::isDisabled)).isFalse();
        assertThat(onFx(() -> thinking.getTooltip().getText())).startsWith("On unless turned off. ");
        assertThat(onFx(() -> vm.options().prepare().plan().thinking())).isTrue();

        choose(robot, "#bench-model", "qwen-max"); // never thinks, in the catalogue
        assertThat(onFx(thinking::isDisabled)).as("no switch for a model that never thinks").isTrue();
        assertThat(onFx(thinking::getValue)).as("the stale \"on\" is dropped").isEqualTo("provider default");
        assertThat(onFx(() -> thinking.getTooltip().getText())).startsWith("This model never thinks: no switch. ");
        assertThat(onFx(() -> thinking.getButtonCell().getText())).as("why, on the disabled choice itself")
                .isEqualTo("Thinking: never");
        assertThat(onFx(() -> vm.options().prepare().plan().thinking())).isNull();

        choose(robot, "#bench-model", "qwen3-235b-a22b");
        assertThat(onFx(thinking::isDisabled)).isFalse();
        assertThat(onFx(() -> thinking.getButtonCell().getText())).isEqualTo("provider default");
        choose(robot, "#bench-thinking", "off");
        assertThat(onFx(() -> thinking.getButtonCell().getText())).isEqualTo("off");
        choose(robot, "#bench-model", thinker);
        assertThat(onFx(thinking::isDisabled)).as("no switch for a model that always thinks").isTrue();
        assertThat(onFx(thinking::getValue)).isEqualTo("provider default");
        assertThat(onFx(() -> thinking.getTooltip().getText())).startsWith("This model always thinks: no switch. ");
        assertThat(onFx(() -> thinking.getButtonCell().getText())).isEqualTo("Thinking: always");
        assertThat(onFx(() -> vm.options().prepare().plan().thinking())).isNull();

        // what a run sends and records for a model that takes no switch: no thinking setting at all
        choose(robot, "#bench-model", "qwen3-235b-a22b");
        choose(robot, "#bench-thinking", "on");
        choose(robot, "#bench-model", "qwen-max");
        BenchResult result = onFx(vm::run).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(result).isNotNull();
        RunRecord run = services.history().show(onFx(vm::runId)).orElseThrow().run();
        var settings = JsonParser.parseString(run.settingsJson()).getAsJsonObject();
        assertThat(settings.get("model").getAsString()).isEqualTo("qwen-max");
        assertThat(settings.has("thinking")).as("nothing sent: the provider's default").isFalse();
    }

    @Test
    void stopStopsTheRun(FxRobot robot) throws Exception {
        BenchViewModel vm = open(robot).viewModel();
        simulatorWith(vm, "2", "400");
        CompletableFuture<BenchResult> done = onFx(vm::run);
        waitFor(20, () -> vm.progressProperty().get().contains("c=2: ") && !vm.progressProperty().get()
                .contains("c=2: 0 done"));
        onFx(() -> {
            robot.lookup("#bench-stop").queryButton().fire();
            return null;
        });
        assertThat(done.get(TIMEOUT_S, TimeUnit.SECONDS)).isNull();
        assertThat(onFx(() -> vm.stateProperty().get())).isEqualTo(BenchViewModel.State.READY);
        assertThat(onFx(() -> vm.noticeProperty().get())).startsWith("Stopped");
        // far fewer than the 400 + 2 asked for went out
        assertThat(services.simulator().requestCount()).isLessThan(200);
        RunRecord run = services.history().show(onFx(vm::runId)).orElseThrow().run();
        assertThat(run.status()).isEqualTo(RunRecord.FAILED);
        assertThat(run.summaryJson()).contains("stopped");
    }

    @Test
    void aCapacitySearchMarksItsAnswerOnTheCurve(FxRobot robot) throws Exception {
        BenchView view = open(robot);
        BenchViewModel vm = view.viewModel();
        // the server runs 2 requests at once and queues the rest: from 3 in flight on, TTFT misses 100 ms
        simulatorWith(vm, "", "6");
        onFx(() -> {
            vm.options().headersProperty().set("X-Sim-Faults=ttft-ms=40,tps=400,max-concurrency=2");
            vm.options().outputTokensProperty().set("48");
            vm.options().maxTokensProperty().set("48");
            vm.options().sloTtftMsProperty().set("100");
            vm.options().findMaxProperty().set("concurrency");
            return null;
        });
        BenchResult result = onFx(vm::run).get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(result).isNotNull();
        BenchResult.Search s = result.search();
        assertThat(s).isNotNull();
        assertThat(s.max()).isNotNull();
        String max = "c=" + s.max().intValue();
        assertThat(onFx(() -> vm.answerProperty().get())).contains("highest concurrency meeting the SLOs")
                .contains(": " + s.max().intValue() + " (" + s.steps() + " steps");
        assertThat(onFx(() -> List.copyOf(vm.levels()))).isEqualTo(result.levels());
        // a point per level, the answer marked once
        assertThat(onFx(view::curveSizes)).containsExactly(result.levels().size(), result.levels().size(), 1);
        assertThat(onFx(() -> vm.curve().stream().filter(BenchViewModel.CurvePoint::answer)
                .map(BenchViewModel.CurvePoint::label).toList())).containsExactly(max);
    }

    @Test
    void aBadOptionIsSaidInOneLineAndNothingIsSent(FxRobot robot) throws Exception {
        BenchViewModel vm = open(robot).viewModel();
        simulatorWith(vm, "1,2", "abc");
        long before = services.simulator().requestCount();
        onFx(() -> {
            robot.lookup("#bench-run").queryButton().fire();
            return null;
        });
        assertThat(onFx(() -> robot.lookup("#bench-error").queryAs(Label.class).getText()))
                .isEqualTo("--requests must be a whole number, was 'abc'");
        // a check of the service's own: neither requests nor a duration
        onFx(() -> {
            vm.options().requestsProperty().set("");
            return vm.run();
        });
        assertThat(onFx(() -> vm.errorProperty().get())).isEqualTo("give --requests N or --duration-s S (one of them)");
        onFx(() -> {
            vm.options().requestsProperty().set("4");
            vm.options().loadKindProperty().set(dev.llmworkbench.ui.bench.BenchOptions.LoadKind.RATE);
            vm.options().levelsProperty().set("5,x");
            return vm.run();
        });
        assertThat(onFx(() -> vm.errorProperty().get())).startsWith("--rate needs numbers");
        assertThat(onFx(() -> vm.stateProperty().get())).isEqualTo(BenchViewModel.State.READY);
        assertThat(services.simulator().requestCount()).isEqualTo(before);
        assertThat(services.history().list(null, null, null, null, null, 10)).isEmpty();
    }
}
