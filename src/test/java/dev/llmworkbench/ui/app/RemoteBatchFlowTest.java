package dev.llmworkbench.ui.app;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.batch.remote.RemoteJobs;
import dev.llmworkbench.service.batch.remote.RemoteSummary;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import dev.llmworkbench.ui.batch.RemoteJobViewModel;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
 * The batch panel on the provider batch service, against a simulator's batch API with fast batches: the choice
 * and the estimate of both, a job's shards changing state while it runs, its results filling the table, the
 * summary with the engine and the saving; a cancel; an expired batch whose rows are not run with the reason and
 * are the only ones "Retry failed / not run" sends; and a job still running when the app closed, offered at the
 * next start and watched to its end without uploading anything again. The simulator outlives the app, as a
 * provider does.
 */
@ExtendWith(ApplicationExtension.class)
class RemoteBatchFlowTest {
    @TempDir
    static Path dir;
    private static Simulator sim;
    private static int n;
    private Path data;
    private Stage stage;
    private WorkbenchApp app;

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = Simulator.start(SimConfig.defaults().withModels(PriceCatalogue.loadBundled().modelsAndAliases())
                .withMoreModels(SimConfig.BUILT_IN_MODELS));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Start
    void start(Stage stage) {
        Platform.setImplicitExit(false);
        this.stage = stage;
        data = dir.resolve("data-" + (n++));
        app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void closeWindow() throws Exception {
        onFx(() -> {
            stage.hide();
            return null;
        });
    }

    /** {@code count} rows, alternately on two models: two shards (rows are grouped by model). */
    private static Path rows(String name, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt,model");
        for (int i = 1; i <= count; i++) {
            lines.add(name + i + "," + name + " question " + i + "," + (i % 2 == 0 ? "qwen-plus" : "qwen-turbo"));
        }
        return Files.write(dir.resolve(name + ".csv"), lines, StandardCharsets.UTF_8);
    }

    private void profile(String name, String faults) {
        app.services().providers().save(new ProviderProfile(name, sim.baseUrl(), "qwen-turbo", null,
                Map.of("X-Sim-Faults", faults), Map.of(), null, null), null);
    }

    private static BatchViewModel open(FxRobot robot) throws Exception {
        robot.push(KeyCode.CONTROL, KeyCode.DIGIT3);
        waitFor(5, () -> robot.lookup("#view-batch").tryQuery().map(Node::isVisible).orElse(false));
        return robot.lookup("#view-batch").queryAs(BatchView.class).viewModel();
    }

    /** Opens the file, picks the profile, chooses the provider batch service with the click a user makes. */
    private static RemoteJobViewModel choose(FxRobot robot, BatchViewModel vm, Path file, String profile,
                                             String pollSeconds) throws Exception {
        onFx(() -> vm.importFile(file));
        waitFor(10, () -> vm.stateProperty().get() == BatchViewModel.State.LOADED && file.equals(vm.fileProperty().get()));
        onFx(() -> {
            vm.profiles().add(profile);
            vm.profileProperty().set(profile);
            return null;
        });
        robot.clickOn("#batch-engine-remote");
        RemoteJobViewModel remote = vm.remote();
        waitFor(5, () -> remote.providerBatchProperty().get() && robot.lookup("#batch-remote").query().isVisible());
        onFx(() -> {
            remote.pollSecondsProperty().set(pollSeconds);
            return null;
        });
        return remote;
    }

    /** The shard files the simulator has been sent (uploads; result files are not counted). */
    private static int uploads(String jobId) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.baseUrl()
                + "/files")).GET().build(), HttpResponse.BodyHandlers.ofString());
        int count = 0;
        for (JsonElement e : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("data")) {
            JsonObject f = e.getAsJsonObject();
            if (f.get("filename").getAsString().startsWith(jobId + "-shard-")) {
                count++;
            }
        }
        return count;
    }

    private static List<BatchViewModel.Entry> entries(BatchViewModel vm) throws Exception {
        return onFx(() -> List.copyOf(vm.entries()));
    }

    private static BigDecimal money(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\$([0-9]+\\.[0-9]+)").matcher(text);
        assertThat(m.find()).as(label + " in: " + text).isTrue();
        return new BigDecimal(m.group(1));
    }

    @Test
    void aProviderBatchFromTheChoiceToTheSummary(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Batches", "batch-ms=2500");
        Path file = rows("tickets", 10);
        RemoteJobViewModel remote = choose(robot, vm, file, "Batches", "0.2");

        // the estimate of both, as the service prices them
        robot.clickOn("#batch-remote-estimate");
        waitFor(10, () -> !remote.estimateProperty().get().isEmpty());
        String shown = robot.lookup("#batch-remote-estimate-text").queryAs(Label.class).getText();
        var settings = onFx(vm::settings);
        RemoteJobs.Estimate expected = dev.llmworkbench.ui.common.OffUiThread.call(() ->
                app.services().remoteJobs().estimate(file, settings, "24h", null));
        assertThat(shown).isEqualTo(expected.brief()).contains("2 batches, window 24h");
        assertThat(onFx(() -> vm.dryRunTextProperty().get())).isEqualTo(expected.describe());
        assertThat(money(shown, "saving ")).isPositive();
        assertThat(money(shown, "provider batch: worst case ")).isLessThan(money(shown, "Live: worst case "))
                .isEqualByComparingTo(new java.math.BigDecimal(dev.llmworkbench.domain.Amounts.plain(
                        expected.dryRun().batchUsd()))); // as every amount is written (Amounts)

        // while it runs: each shard's state and counts, the time since submission, the next look
        Set<String> states = ConcurrentHashMap.newKeySet();
        List<String> since = new CopyOnWriteArrayList<>();
        List<String> nexts = new CopyOnWriteArrayList<>();
        List<String> counts = new CopyOnWriteArrayList<>();
        onFx(() -> {
            remote.shards().addListener((ListChangeListener<RemoteJobViewModel.ShardRow>) c -> remote.shards()
                    .forEach(r -> {
                        states.add(r.state());
                        since.add(r.submitted());
                    }));
            remote.nextProperty().addListener((o, a, b) -> nexts.add(b));
            remote.countsProperty().addListener((o, a, b) -> counts.add(b));
            return null;
        });
        var done = onFx(remote::submit);
        waitFor(10, () -> robot.lookup("#batch-remote-shards").query().isVisible());
        RemoteSummary rs = done.get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);

        assertThat(states).as("states seen").contains("reconciled (completed)")
                .containsAnyOf("validating", "in_progress", "finalizing");
        assertThat(since).anyMatch(s -> s.matches("\\d+ s ago"));
        assertThat(nexts).anyMatch(s -> s.startsWith("next look at the provider in "));
        assertThat(counts.get(0)).startsWith("0/10 done");
        assertThat(counts.get(counts.size() - 1)).startsWith("10/10 done");
        assertThat(onFx(() -> List.copyOf(remote.shards()))).hasSize(2)
                .allSatisfy(r -> assertThat(r.counts()).isEqualTo("5/5"));
        // the results filled the table; the summary says the engine and the saving, as the service made them
        assertThat(entries(vm)).hasSize(10).allSatisfy(e -> {
            assertThat(e.statusProperty().get()).isEqualTo("done");
            assertThat(e.responseProperty().get()).isNotBlank();
        });
        String summary = onFx(() -> vm.summaryTextProperty().get());
        assertThat(summary).contains(rs.describe()).contains("engine: provider batch, 2 shards");
        assertThat(rs.savingUsd()).isPositive();
        assertThat(uploads(remote.jobProperty().get())).isEqualTo(2);
    }

    @Test
    void aCancelLeavesTheRowsTheProviderHadNotRunNotRunWithTheReason(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Slow batches", "batch-ms=30000");
        RemoteJobViewModel remote = choose(robot, vm, rows("slow", 6), "Slow batches", "0.3");
        var done = onFx(remote::submit);
        waitFor(20, () -> remote.shards().size() == 2 && remote.shards().stream()
                .allMatch(r -> !r.batchId().isEmpty() && !r.state().startsWith("reconciled")));
        robot.clickOn("#batch-remote-cancel");
        done.get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        assertThat(onFx(() -> List.copyOf(remote.shards()))).allSatisfy(r ->
                assertThat(r.state()).isEqualTo("reconciled (cancelled)"));
        List<BatchViewModel.Entry> rows = entries(vm);
        // rows the provider had run before the cancel keep their answers; the others are not run, and say why
        assertThat(rows).extracting(e -> e.statusProperty().get()).isSubsetOf("done", "not_run");
        assertThat(rows).filteredOn(e -> e.statusProperty().get().equals("not_run")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.errorProperty().get()).startsWith("not run by the provider: ").endsWith("(batch_cancelled)"));
        assertThat(onFx(() -> vm.stopTextProperty().get())).startsWith("Cancelled");
        assertThat(onFx(() -> remote.retryableProperty().get()))
                .isEqualTo((int) rows.stream().filter(e -> e.statusProperty().get().equals("not_run")).count());
    }

    @Test
    void anExpiredBatchLeavesRowsNotRunAndRetrySendsOnlyThem(FxRobot robot) throws Exception {
        BatchViewModel vm = open(robot);
        profile("Expiring", "batch-ms=1500,batch-expire=1");
        RemoteJobViewModel remote = choose(robot, vm, rows("expiring", 8), "Expiring", "0.2");
        onFx(remote::submit).get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        List<BatchViewModel.Entry> first = entries(vm);
        List<String> notRun = first.stream().filter(e -> e.statusProperty().get().equals("not_run"))
                .map(BatchViewModel.Entry::requestId).toList();
        Map<String, String> answered = new java.util.HashMap<>();
        first.stream().filter(e -> e.statusProperty().get().equals("done"))
                .forEach(e -> answered.put(e.requestId(), e.responseProperty().get()));
        assertThat(notRun).isNotEmpty();
        assertThat(answered).isNotEmpty();
        assertThat(first).filteredOn(e -> e.statusProperty().get().equals("not_run"))
                .allSatisfy(e -> assertThat(e.errorProperty().get()).startsWith("not run by the provider: ").endsWith("(batch_expired)"));
        assertThat(onFx(() -> List.copyOf(remote.shards()))).allSatisfy(r ->
                assertThat(r.state()).isEqualTo("reconciled (expired)"));

        // the provider no longer expires them; the retry sends only the rows not run, as a new shard of the job
        profile("Expiring", "batch-ms=1500");
        String job = onFx(() -> remote.jobProperty().get());
        int before = uploads(job);
        waitFor(5, () -> !robot.lookup("#batch-remote-retry").query().isDisabled());
        robot.clickOn("#batch-remote-retry");
        waitFor(10, () -> remote.watchingProperty().get() || remote.shards().size() > 2);
        onFx(remote::finished).get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        List<RemoteJobViewModel.ShardRow> shards = onFx(() -> List.copyOf(remote.shards()));
        assertThat(shards).hasSizeGreaterThan(2);
        assertThat(shards.subList(2, shards.size()).stream().mapToInt(RemoteJobViewModel.ShardRow::lines).sum())
                .isEqualTo(notRun.size());
        assertThat(uploads(job) - before).isEqualTo(shards.size() - 2);
        List<BatchViewModel.Entry> last = entries(vm);
        assertThat(last).hasSize(8).allSatisfy(e -> assertThat(e.statusProperty().get()).isEqualTo("done"));
        // the rows answered the first time were not asked again
        assertThat(last).filteredOn(e -> answered.containsKey(e.requestId()))
                .allSatisfy(e -> assertThat(e.responseProperty().get()).isEqualTo(answered.get(e.requestId())));
    }

    @Test
    void aJobRunningWhenTheAppClosedIsOfferedAtTheNextStartAndWatchedWithoutUploadingAgain(FxRobot robot)
            throws Exception {
        BatchViewModel vm = open(robot);
        profile("Overnight", "batch-ms=6000");
        RemoteJobViewModel remote = choose(robot, vm, rows("overnight", 6), "Overnight", "0.3");
        onFx(remote::submit);
        waitFor(20, () -> remote.shards().size() == 2 && remote.shards().stream()
                .allMatch(r -> !r.batchId().isEmpty() && !r.state().startsWith("reconciled")));
        String job = onFx(() -> remote.jobProperty().get());
        assertThat(uploads(job)).isEqualTo(2);
        // the app closes while the provider runs the batches
        onFx(() -> {
            stage.hide();
            return null;
        });

        Stage next = onFx(Stage::new);
        WorkbenchApp second = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
        // the app's init takes its time (the database, the simulator): a longer wait than onFx's
        org.testfx.util.WaitForAsyncUtils.asyncFx(() -> {
            dev.llmworkbench.ui.common.OffUiThread.start(second, next);
            return null;
        }).get(60, TimeUnit.SECONDS);
        stage = next; // closed after the test
        waitFor(10, () -> robot.lookup(".notice").tryQuery().map(Node::isVisible).orElse(false));
        Node notice = robot.lookup(".notice").query();
        assertThat(notice.getAccessibleText()).contains("A provider batch job is still running").contains(job);
        robot.clickOn("#notice-action");
        waitFor(5, () -> robot.lookup("#batch-remote-watch").tryQuery().map(Node::isVisible).orElse(false));
        BatchViewModel vm2 = second.batchViewModel();
        assertThat(onFx(() -> vm2.remote().offered().stream().map(j -> j.jobId()).toList())).containsExactly(job);
        robot.clickOn("#batch-remote-watch");
        waitFor(10, () -> job.equals(vm2.remote().jobProperty().get()));
        onFx(() -> vm2.remote().finished()).get(60, TimeUnit.SECONDS);
        waitFor(5, () -> vm2.stateProperty().get() == BatchViewModel.State.FINISHED);
        assertThat(entries(vm2)).hasSize(6).allSatisfy(e -> assertThat(e.statusProperty().get()).isEqualTo("done"));
        assertThat(onFx(() -> vm2.summaryTextProperty().get())).contains("engine: provider batch, 2 shards");
        assertThat(uploads(job)).as("nothing uploaded again").isEqualTo(2);
        assertThat(onFx(() -> List.copyOf(vm2.remote().offered()))).isEmpty();
    }
}
