package dev.llmworkbench.ui.app;

import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.ui.batch.BatchView;
import dev.llmworkbench.ui.batch.BatchViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import static org.assertj.core.api.Assertions.assertThat;


/** A batch the last session left running (the app closed or crashed) is offered on the next start and resumes. */
@ExtendWith(ApplicationExtension.class)
class InterruptedBatchTest {
    @TempDir
    static Path dir;
    private Stage stage;
    private String jobId;
    private int done;

    @Start
    void start(Stage stage) throws Exception {
        Platform.setImplicitExit(false);
        this.stage = stage;
        Path data = dir.resolve("data");
        List<String> lines = new ArrayList<>();
        lines.add("request_id,prompt");
        for (int i = 1; i <= 12; i++) {
            lines.add("r" + i + ",Question " + i);
        }
        Path input = Files.write(dir.resolve("tickets.csv"), lines, StandardCharsets.UTF_8);
        // the last session: the job was created and had run three items when the process died (set up off the
        // FX thread, where nothing may read or write the store)
        dev.llmworkbench.ui.common.OffUiThread.call(() -> {
            try (AppServices before = new AppServices(DataDirs.at(data), false)) {
                String sim = before.providers().simulator().name();
                BatchSettings s = new BatchSettings("qwen-turbo", false, 16, 4, null, null, null, null, null, null, sim, null);
                jobId = before.batches().create(input, s, "jsonl").jobId();
            }
            try (Database db = Database.open(data.resolve(DataDirs.DATABASE_FILE))) {
                BatchStore store = new BatchStore(db);
                var items = store.items(jobId);
                for (int i = 0; i < 3; i++) {
                    store.markInFlight(jobId, List.of(items.get(i).id()));
                    store.complete(items.get(i).id(), dev.llmworkbench.domain.ResultRecord.builder(0).model("qwen-turbo")
                            .responseText("from the last session").build());
                }
                store.markInFlight(jobId, List.of(items.get(3).id())); // in flight when it died
                store.updateJobStatus(jobId, JobStatus.RUNNING);
                done = 3;
            }
            return null;
        });
        WorkbenchApp app = new WorkbenchApp(new InMemoryUiPreferences(), () -> new AppServices(DataDirs.at(data), false));
        dev.llmworkbench.ui.common.OffUiThread.start(app, stage);
    }

    @AfterEach
    void closeWindow() throws Exception {
        AnalystFlowsTest.onFx(() -> {
            stage.hide();
            return null;
        });
    }

    @Test
    void theNextStartOffersTheJobAndResumingItRunsOnlyWhatWasLeft(FxRobot robot) throws Exception {
        Node notice = robot.lookup(".notice").query();
        assertThat(notice.isVisible()).isTrue();
        assertThat(notice.getAccessibleText()).contains("A batch was interrupted").contains(jobId);
        robot.clickOn("#notice-action");
        AnalystFlowsTest.waitFor(5, () -> robot.lookup("#view-batch").tryQuery().map(Node::isVisible).orElse(false));
        assertThat(notice.isVisible()).isFalse();
        BatchViewModel vm = robot.lookup("#view-batch").queryAs(BatchView.class).viewModel();
        List<BatchService.JobInfo> offered = AnalystFlowsTest.onFx(() -> List.copyOf(vm.interrupted()));
        assertThat(offered).extracting(BatchService.JobInfo::jobId).containsExactly(jobId);
        assertThat(robot.lookup("#batch-interrupted").query().isVisible()).isTrue();

        AnalystFlowsTest.onFx(() -> vm.resume(offered.get(0)));
        AnalystFlowsTest.waitFor(60, () -> vm.stateProperty().get() == BatchViewModel.State.FINISHED);
        AnalystFlowsTest.onFx(vm::finished).get(10, TimeUnit.SECONDS);
        List<BatchViewModel.Entry> rows = AnalystFlowsTest.onFx(() -> List.copyOf(vm.entries()));
        assertThat(rows).hasSize(12).allSatisfy(e -> assertThat(e.statusProperty().get()).isEqualTo("done"));
        // the three answers of the last session are kept, not asked again
        assertThat(rows.subList(0, done)).allSatisfy(e ->
                assertThat(e.responseProperty().get()).isEqualTo("from the last session"));
        assertThat(rows.subList(done, 12)).allSatisfy(e ->
                assertThat(e.responseProperty().get()).isNotEqualTo("from the last session").isNotBlank());
        assertThat(AnalystFlowsTest.onFx(() -> List.copyOf(vm.interrupted()))).isEmpty();
    }
}
