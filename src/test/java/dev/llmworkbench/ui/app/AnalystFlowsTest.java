package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import dev.llmworkbench.ui.charts.ChartsView;
import dev.llmworkbench.ui.charts.ChartsViewModel;
import dev.llmworkbench.ui.history.HistoryView;
import dev.llmworkbench.ui.history.HistoryViewModel;
import dev.llmworkbench.ui.playground.PlaygroundView;
import dev.llmworkbench.ui.playground.PlaygroundViewModel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
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
import org.testfx.util.WaitForAsyncUtils;
import static org.assertj.core.api.Assertions.assertThat;


/** The analysts' flows through the real window, on the embedded simulator: batch, charts, history. */
@ExtendWith(ApplicationExtension.class)
class AnalystFlowsTest {
    static final String FAULTS = "rate429=0.2,retry-after-ms=20,ttft-ms=0,tps=0";
    @TempDir
    static Path dir;
    private static int n;
    private WorkbenchApp app;
    private Stage stage;

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        Path data = dir.resolve("data-" + (n++));
        // many quick attempts: a 429 on every attempt of a row must not be what decides the test
        RetryPolicy retry = new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(1),
                false, () -> 0.5);
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false, retry));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void closeWindow() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    static void waitFor(int seconds, Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
            try {
                return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** 50 rows: 48 good (with checks), line 11 without a prompt and line 31 with a bad max_tokens. */
    static Path fiftyRows(Path at) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt,max_tokens,check");
        for (int i = 1; i <= 50; i++) {
            if (i == 10) {
                lines.add("r" + i + ",,32,");
            } else if (i == 30) {
                lines.add("r" + i + ",Question " + i + ",lots,");
            } else {
                lines.add("r" + i + ",Question " + i + " about the workbench,32," + (i % 2 == 0 ? "max_chars:100000"
                        : "contains:zzz-never"));
            }
        }
        Files.write(at, lines, StandardCharsets.UTF_8);
        return at;
    }

    @Test
    void aFiftyRowFileWithTwoBadRowsRunsThroughThe429sAndExportsWhatIsStored(FxRobot robot) throws Exception {
        AppServices s = app.services();
        s.providers().save(new ProviderProfile("Faulty simulator", s.simulator().baseUrl(), "qwen3-235b-a22b", null,
                Map.of("X-Sim-Faults", FAULTS), Map.of(), null, null), null);
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        waitFor(5, () -> robot.lookup("#view-batch").tryQuery().isPresent());
        BatchViewModel vm = robot.lookup("#view-batch").queryAs(BatchView.class).viewModel();
        Path input = fiftyRows(dir.resolve("fifty.csv"));

        onFx(() -> vm.importFile(input));
        waitFor(10, () -> vm.stateProperty().get() == BatchViewModel.State.LOADED);
        assertThat(vm.entries()).hasSize(50);
        List<BatchViewModel.Entry> bad = vm.entries().stream().filter(e -> !e.valid()).toList();
        assertThat(bad).extracting(BatchViewModel.Entry::line).containsExactly(11, 31);
        assertThat(bad).allSatisfy(e -> assertThat(e.reason()).isNotBlank());
        TableView<?> preview = robot.lookup("#batch-preview").queryAs(TableView.class);
        assertThat(preview.getItems()).hasSize(50);

        onFx(() -> {
            vm.profileProperty().set("Faulty simulator");
            vm.rpmProperty().set("100000");
            vm.tpmProperty().set("1000000000");
            vm.concurrencyProperty().set("4");
            return null;
        });
        onFx(vm::dryRun).get(10, TimeUnit.SECONDS);
        assertThat(onFx(() -> vm.dryRunTextProperty().get())).contains("48 valid rows").contains("$");

        onFx(vm::start);
        waitFor(90, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        onFx(vm::finished).get(10, TimeUnit.SECONDS);

        List<BatchViewModel.Entry> good = vm.entries().stream().filter(BatchViewModel.Entry::valid).toList();
        assertThat(good).hasSize(48).allSatisfy(e -> assertThat(e.statusProperty().get()).isEqualTo("done"));
        assertThat(good).allSatisfy(e -> assertThat(e.checkProperty().get()).matches("pass|fail.*"));
        assertThat(good.stream().filter(e -> e.checkProperty().get().equals("pass"))).hasSize(23);
        int retries = Integer.parseInt(onFx(() -> vm.retriesTextProperty().get()).split(" ")[0]);
        assertThat(retries).as("429s were injected and retried").isPositive();
        assertThat(vm.entries().stream().filter(e -> e.statusProperty().get().equals("invalid"))).hasSize(2);

        onFx(() -> {
            vm.statusFilterProperty().set("invalid");
            return null;
        });
        TableView<?> results = robot.lookup("#batch-results").queryAs(TableView.class);
        assertThat(onFx(() -> results.getItems().size())).isEqualTo(2);

        long runId = s.batches().info(vm.jobIdProperty().get()).runId();
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT4);
        waitFor(5, () -> robot.lookup("#view-charts").tryQuery().isPresent());
        ChartsView charts = robot.lookup("#view-charts").queryAs(ChartsView.class);
        ChartsViewModel cvm = charts.viewModel();
        assertThat(onFx(charts::isLive)).isTrue();
        waitFor(10, () -> cvm.runs().stream().anyMatch(r -> r.id() == runId));
        onFx(() -> {
            cvm.runProperty().set(cvm.runs().stream().filter(r -> r.id() == runId).findFirst().orElseThrow());
            return null;
        });
        waitFor(10, () -> cvm.snapshotProperty().get().samples() == 48);
        ChartsViewModel.Snapshot snap = cvm.snapshotProperty().get();
        assertThat(snap.ttftVsOutput().values().stream().mapToInt(List::size).sum()).isEqualTo(48);
        assertThat(snap.percentiles()).isNotEmpty();
        assertThat(snap.cumulativeSpend()).isNotEmpty();
        assertThat(onFx(charts::shownPoints)).isGreaterThan(48);
        Path png = dir.resolve("chart-" + n + ".png");
        javafx.scene.image.WritableImage shot = onFx(() -> {
            javafx.scene.Node chart = robot.lookup("#chart-ttft-vs-output").query();
            ChartsView.writePng(chart, png);
            return chart.snapshot(null, null);
        });
        // the file is a PNG of the chart as it looked: same size, same pixels (read back by the JDK's own decoder)
        java.awt.image.BufferedImage back = javax.imageio.ImageIO.read(png.toFile());
        int w = (int) shot.getWidth();
        int h = (int) shot.getHeight();
        assertThat(back.getWidth()).isEqualTo(w);
        assertThat(back.getHeight()).isEqualTo(h);
        for (int[] xy : new int[][] {{0, 0}, {w / 2, h / 2}, {w - 1, h - 1}, {w / 3, 2 * h / 3}}) {
            assertThat(back.getRGB(xy[0], xy[1])).as("pixel " + xy[0] + "," + xy[1])
                    .isEqualTo(shot.getPixelReader().getArgb(xy[0], xy[1]));
        }
        Path csv = dir.resolve("chart-" + n + ".csv");
        cvm.exportCsv(ChartsViewModel.Chart.TTFT_VS_OUTPUT, csv).get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(csv)).hasSize(49);
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        waitFor(5, () -> !charts.isLive());

        Path summaryFile = dir.resolve("summary-" + n + ".json");
        onFx(() -> vm.exportSummary(summaryFile)).get(10, TimeUnit.SECONDS);
        JsonObject summary = JsonParser.parseString(Files.readString(summaryFile)).getAsJsonObject();
        assertThat(summary.get("succeeded").getAsInt()).isEqualTo(48);
        assertThat(summary.get("invalid").getAsInt()).isEqualTo(2);
        assertThat(summary.get("wall_s").getAsDouble()).as("the run's wall time").isPositive();

        Path out = dir.resolve("export-" + n + ".jsonl");
        onFx(() -> vm.export(out, "jsonl")).get(10, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<BatchService.ItemRow> stored = s.batches().items(vm.jobIdProperty().get());
        assertThat(lines).hasSize(stored.size()).hasSize(50);
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            BatchService.ItemRow r = stored.get(i);
            assertThat(o.get("request_id").getAsString()).isEqualTo(r.requestId());
            String status = o.get("status").getAsString();
            assertThat(status).isEqualTo(r.status().equals("invalid") ? "invalid" : "done");
            if (status.equals("done")) {
                assertThat(o.get("response").getAsString()).isEqualTo(r.response());
                assertThat(o.get("attempts").getAsInt()).isEqualTo(r.attempts());
            }
        }
    }

    @Test
    void theResultsTableFollowsARunningJobRowByRowAndEndsWithWhatIsStored(FxRobot robot) throws Exception {
        AppServices s = app.services();
        s.providers().save(new ProviderProfile("Slow simulator", s.simulator().baseUrl(), "qwen3-235b-a22b", null,
                Map.of("X-Sim-Faults", "ttft-ms=120,tps=0"), Map.of(), null, null), null);
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        waitFor(5, () -> robot.lookup("#view-batch").tryQuery().isPresent());
        BatchViewModel vm = robot.lookup("#view-batch").queryAs(BatchView.class).viewModel();
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt");
        for (int i = 1; i <= 30; i++) {
            lines.add("q" + i + ",Live question " + i);
        }
        Path input = Files.write(dir.resolve("live-" + n + ".csv"), lines, StandardCharsets.UTF_8);
        onFx(() -> vm.importFile(input));
        waitFor(10, () -> vm.stateProperty().get() == BatchViewModel.State.LOADED);
        onFx(() -> {
            vm.profileProperty().set("Slow simulator");
            vm.rpmProperty().set("100000");
            vm.tpmProperty().set("1000000000");
            vm.concurrencyProperty().set("2");
            return null;
        });

        onFx(vm::start);
        // while the job runs (30 rows, two at a time, 120 ms each) the table shows rows done and rows not yet
        waitFor(30, () -> {
            long done = vm.entries().stream().filter(e -> "done".equals(e.statusProperty().get())).count();
            return vm.stateProperty().get() == BatchViewModel.State.RUNNING && done >= 2 && done <= 24;
        });
        waitFor(60, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        onFx(vm::finished).get(10, TimeUnit.SECONDS);

        List<BatchService.ItemRow> stored = s.batches().items(vm.jobIdProperty().get());
        List<BatchViewModel.Entry> shown = onFx(() -> List.copyOf(vm.entries()));
        assertThat(shown).hasSize(30);
        for (int i = 0; i < 30; i++) {
            BatchViewModel.Entry e = shown.get(i);
            BatchService.ItemRow r = stored.get(i);
            assertThat(e.statusProperty().get()).isEqualTo("done").isEqualTo(r.status());
            assertThat(e.responseProperty().get()).isNotBlank().isEqualTo(r.response());
            assertThat(e.attemptsProperty().get()).isEqualTo(r.attempts());
        }
    }

    @Test
    void theHistoryReopensARunInThePlayground(FxRobot robot) throws Exception {
        PlaygroundViewModel pg = robot.lookup("#view-playground").queryAs(PlaygroundView.class).viewModel();
        onFx(() -> {
            pg.userPromptProperty().set("Remember this prompt for later");
            pg.maxTokensProperty().set("77");
            pg.run();
            return null;
        });
        waitFor(20, () -> pg.stateProperty().get() == PlaygroundViewModel.State.DONE);
        onFx(() -> {
            pg.newConversation();
            pg.userPromptProperty().set("something else");
            pg.maxTokensProperty().set("");
            return null;
        });
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT6);
        waitFor(5, () -> robot.lookup("#view-history").tryQuery().isPresent());
        HistoryViewModel vm = robot.lookup("#view-history").queryAs(HistoryView.class).viewModel();
        // one refresh, awaited: a refresh still running when the row is selected would clear the selection
        onFx(vm::refresh).get(10, TimeUnit.SECONDS);
        waitFor(10, () -> !vm.runs().isEmpty());
        TableView<?> table = robot.lookup("#history-table").queryAs(TableView.class);
        onFx(() -> {
            table.getSelectionModel().select(0);
            return null;
        });
        waitFor(10, () -> vm.detailsProperty().get().contains("TTFT"));
        assertThat(onFx(() -> vm.requestProperty().get())).contains("Remember this prompt for later")
                .doesNotContainIgnoringCase("authorization");
        assertThat(onFx(() -> vm.responseProperty().get())).isNotBlank();
        robot.clickOn("#history-reopen");
        waitFor(10, () -> "Playground".equals(app.window().navigation().getCurrent()));
        assertThat(onFx(() -> pg.userPromptProperty().get())).isEqualTo("Remember this prompt for later");
        assertThat(onFx(() -> pg.maxTokensProperty().get())).isEqualTo("77");
    }
}
