package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
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
import static dev.llmworkbench.ui.app.AnalystFlowsTest.onFx;
import static dev.llmworkbench.ui.app.AnalystFlowsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * The batch panel shows the job its header names, through every path: two runs in a row, a cancel then
 * Continue, failures then Retry failed, a budget stop said in the header. Each count on screen is the store's.
 */
@ExtendWith(ApplicationExtension.class)
class BatchTruthFlowTest {
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
        // two quick attempts: a row that fails, fails fast
        RetryPolicy retry = new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(1),
                false, () -> 0.5);
        WorkbenchApp app = new WorkbenchApp(new InMemoryUiPreferences(),
                () -> new AppServices(DataDirs.at(data), false, retry));
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

    private BatchViewModel open(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        waitFor(5, () -> robot.lookup("#view-batch").tryQuery().isPresent());
        return robot.lookup("#view-batch").queryAs(BatchView.class).viewModel();
    }

    private static Path rows(String name, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt");
        for (int i = 1; i <= count; i++) {
            lines.add(name + i + "," + name + " question " + i);
        }
        return Files.write(dir.resolve(name + ".csv"), lines, StandardCharsets.UTF_8);
    }

    private void profile(String name, String faults) {
        services.providers().save(new ProviderProfile(name, services.simulator().baseUrl(), "qwen-turbo", null,
                faults == null ? Map.of() : Map.of("X-Sim-Faults", faults), Map.of(), null, null), null);
    }

    private static void load(BatchViewModel vm, Path file) throws Exception {
        onFx(() -> vm.importFile(file));
        waitFor(10, () -> vm.stateProperty().get() == BatchViewModel.State.LOADED && file.equals(vm.fileProperty().get()));
    }

    private static void runToTheEnd(BatchViewModel vm, java.util.concurrent.Callable<?> action) throws Exception {
        var done = onFx(() -> {
            action.call();
            return vm.finished();
        });
        done.get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
    }

    private static List<BatchViewModel.Entry> shown(FxRobot robot) throws Exception {
        TableView<?> t = robot.lookup("#batch-results").queryAs(TableView.class);
        return onFx(() -> t.getItems().stream().map(BatchViewModel.Entry.class::cast).toList());
    }

    @Test
    void twoRunsInARowShowTheSecondJobsRowsAndTheFailedFilterItsFailures(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Fine", "ttft-ms=0,tps=0");
        Path first = rows("first", 6);
        load(vm, first);
        onFx(() -> {
            vm.profileProperty().set("Fine");
            vm.modelProperty().set("qwen-turbo");
            return null;
        });
        runToTheEnd(vm, vm::start);
        String job1 = onFx(() -> vm.jobIdProperty().get());
        assertThat(shown(robot)).hasSize(6).allSatisfy(e -> assertThat(e.modelProperty().get()).isEqualTo("qwen-turbo"));

        // the same file again, on another model: a second job, whose rows replace the first's
        onFx(() -> {
            vm.modelProperty().set("qwen-plus");
            return null;
        });
        runToTheEnd(vm, vm::start);
        String job2 = onFx(() -> vm.jobIdProperty().get());
        assertThat(job2).isNotEqualTo(job1);
        assertThat(onFx(() -> robot.lookup("#batch-job").queryAs(Label.class).getText())).contains(job2);
        assertThat(shown(robot)).hasSize(6).allSatisfy(e -> {
            assertThat(e.modelProperty().get()).isEqualTo("qwen-plus");
            assertThat(e.itemStatusProperty().get()).isEqualTo(ItemStatus.DONE);
        });
        assertThat(onFx(() -> vm.countsTextProperty().get())).startsWith("6/6 done · 0 failed");
        // per row: the time it waited in the limiter's queue, and its retries (none here)
        assertThat(shown(robot)).allSatisfy(e -> {
            assertThat(e.queueMsProperty().get()).isNotNull().isGreaterThanOrEqualTo(0.0);
            assertThat(e.attemptsProperty().get()).isEqualTo(1);
        });

        // a third job on another file, on a provider that fails every request: the failed filter shows them
        profile("Broken", "rate5xx=1,ttft-ms=0,tps=0");
        load(vm, rows("second", 4));
        assertThat(shown(robot)).hasSize(4).allSatisfy(e -> assertThat(e.itemStatusProperty().get())
                .isEqualTo(ItemStatus.PENDING));
        onFx(() -> {
            vm.profileProperty().set("Broken");
            return null;
        });
        runToTheEnd(vm, vm::start);
        String job3 = onFx(() -> vm.jobIdProperty().get());
        List<BatchService.ItemRow> stored = services.batches().items(job3);
        assertThat(stored).hasSize(4).allSatisfy(r -> assertThat(r.itemStatus()).isEqualTo(ItemStatus.FAILED));
        assertThat(onFx(() -> vm.countsTextProperty().get())).startsWith("0/4 done · 4 failed");
        assertThat(shown(robot)).allSatisfy(e -> assertThat(e.attemptsProperty().get()).isEqualTo(2)); // one retry
        onFx(() -> {
            vm.filterProperty().set(ItemStatus.FAILED);
            return null;
        });
        assertThat(shown(robot)).extracting(BatchViewModel.Entry::requestId)
                .containsExactly("second1", "second2", "second3", "second4");
        assertThat(robot.lookup("#batch-continue").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#batch-retry").queryAs(Button.class).isDisabled()).isFalse();

        // the provider mended: Retry failed sends exactly the four failed rows
        profile("Broken", "ttft-ms=0,tps=0");
        long before = services.simulator().requestCount();
        runToTheEnd(vm, vm::retryFailed);
        assertThat(services.simulator().requestCount() - before).isEqualTo(4);
        assertThat(services.batches().items(job3)).allSatisfy(r -> assertThat(r.itemStatus()).isEqualTo(ItemStatus.DONE));
        assertThat(shown(robot)).isEmpty(); // the failed filter: none left
        onFx(() -> {
            vm.filterProperty().set(null);
            return null;
        });
        assertThat(shown(robot)).hasSize(4).allSatisfy(e -> assertThat(e.itemStatusProperty().get())
                .isEqualTo(ItemStatus.DONE));
        assertThat(onFx(() -> vm.countsTextProperty().get())).startsWith("4/4 done · 0 failed");
    }

    @Test
    void aCancelSaysSoAndContinueSendsExactlyTheRowsNotRun(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Slow", "ttft-ms=150,tps=0");
        load(vm, rows("slow", 12));
        onFx(() -> {
            vm.profileProperty().set("Slow");
            vm.concurrencyProperty().set("1");
            return null;
        });
        var run = onFx(() -> {
            vm.start();
            return vm.finished();
        });
        waitFor(30, () -> {
            String c = vm.countsTextProperty().get();
            return c.startsWith("2/12") || c.startsWith("3/12");
        });
        onFx(() -> {
            vm.cancel();
            return null;
        });
        run.get(30, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        String job = onFx(() -> vm.jobIdProperty().get());
        long notRun = services.batches().items(job).stream().filter(r -> r.itemStatus() == ItemStatus.NOT_RUN).count();
        long done = services.batches().items(job).stream().filter(r -> r.itemStatus() == ItemStatus.DONE).count();
        assertThat(notRun).isPositive();
        assertThat(done + notRun).isEqualTo(12);
        assertThat(onFx(() -> vm.countsTextProperty().get())).contains(notRun + " not run");
        Label stop = robot.lookup("#batch-stop").queryAs(Label.class);
        assertThat(onFx(stop::isVisible)).isTrue();
        assertThat(onFx(stop::getText)).isEqualTo("Cancelled: " + notRun + " rows not run (Continue runs them)");
        assertThat(services.history().runs().find(services.batches().info(job).runId()).orElseThrow().status())
                .isEqualTo(RunRecord.CANCELLED);
        // nothing failed: Retry failed has nothing to send
        assertThat(robot.lookup("#batch-retry").queryAs(Button.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#batch-continue").queryAs(Button.class).isDisabled()).isFalse();

        long before = services.simulator().requestCount();
        runToTheEnd(vm, vm::continueRun);
        assertThat(services.simulator().requestCount() - before).isEqualTo(notRun);
        assertThat(services.batches().items(job)).allSatisfy(r -> assertThat(r.itemStatus()).isEqualTo(ItemStatus.DONE));
        assertThat(onFx(() -> vm.countsTextProperty().get())).startsWith("12/12 done · 0 failed")
                .contains("0 not run");
        assertThat(onFx(stop::isVisible)).isFalse();
        assertThat(shown(robot)).hasSize(12).allSatisfy(e -> assertThat(e.itemStatusProperty().get())
                .isEqualTo(ItemStatus.DONE));
    }

    @Test
    void aBudgetStopIsSaidInTheHeaderAndARaisedBudgetContinues(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Fine", "ttft-ms=0,tps=0");
        load(vm, rows("budget", 10));
        onFx(() -> {
            vm.profileProperty().set("Fine");
            vm.modelProperty().set("qwen-plus");
            vm.concurrencyProperty().set("1");
            vm.maxTokensProperty().set("64");
            vm.budgetProperty().set("0.0003");
            return null;
        });
        runToTheEnd(vm, vm::start);
        String job = onFx(() -> vm.jobIdProperty().get());
        long notRun = services.batches().items(job).stream().filter(r -> r.itemStatus() == ItemStatus.NOT_RUN).count();
        assertThat(notRun).isBetween(1L, 9L);
        String stop = onFx(() -> robot.lookup("#batch-stop").queryAs(Label.class).getText());
        assertThat(stop).startsWith("Stopped by the budget: ").endsWith("; " + notRun + " rows not run (raise the budget, then Continue)");

        onFx(() -> {
            vm.budgetProperty().set("1");
            return null;
        });
        long before = services.simulator().requestCount();
        runToTheEnd(vm, vm::continueRun);
        assertThat(services.simulator().requestCount() - before).isEqualTo(notRun);
        assertThat(onFx(() -> vm.countsTextProperty().get())).startsWith("10/10 done");
        assertThat(onFx(() -> vm.stopTextProperty().get())).isEmpty();
    }

    @Test
    void theDryRunsWorstCaseIsEachRowsOwnReservationTheSameOnTheCommandLine(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        Path file = Files.write(dir.resolve("own-max.csv"), List.of("request_id,prompt,max_tokens",
                "a,Summarise the first ticket,150", "b,Summarise the second ticket,200", "c,Summarise the third ticket,180"),
                StandardCharsets.UTF_8);
        load(vm, file);
        long before = services.simulator().requestCount();
        onFx(() -> {
            vm.modelProperty().set("qwen-plus");
            return null;
        });
        onFx(vm::dryRun).get(10, TimeUnit.SECONDS);
        String desktop = onFx(() -> vm.dryRunTextProperty().get());
        // the rows allow 150 + 200 + 180 output tokens, not 3 x the run's default of 1024
        assertThat(desktop).contains("qwen-plus: 3 requests").contains("up to 530 output tokens");
        String modelLine = desktop.lines().filter(l -> l.startsWith("qwen-plus:")).findFirst().orElseThrow();

        picocli.CommandLine cl = dev.llmworkbench.cli.Cli.newCommandLine();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute("batch", "--input", file.toString(), "--model", "qwen-plus", "--dry-run", "--db",
                dir.resolve("cli.db").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).contains(modelLine);
        assertThat(services.simulator().requestCount()).isEqualTo(before); // a dry run sends nothing
    }
}
