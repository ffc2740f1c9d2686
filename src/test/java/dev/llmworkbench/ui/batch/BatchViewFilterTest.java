package dev.llmworkbench.ui.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RunStore;
import dev.llmworkbench.ui.common.FxExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The results table's status filter: statuses in words, "all" for every row. */
@ExtendWith(ApplicationExtension.class)
class BatchViewFilterTest {
    @TempDir
    static Path dir;
    private static int n;
    private final DaemonThreads threads = new DaemonThreads();
    private Database db;
    private BatchViewModel vm;

    @Start
    void start(Stage stage) {
        db = dev.llmworkbench.ui.common.OffUiThread.call(() -> Database.open(dir.resolve("wb-" + (n++) + ".db")));
        BatchStore store = new BatchStore(db);
        BatchService service = new BatchService(store, new RunStore(db), () -> {
            throw new AssertionError("no run here");
        }, name -> {
            throw new AssertionError("no run here");
        }, dir.resolve("out"));
        vm = new BatchViewModel(service, null, null, List.of("qwen-turbo"), List.of(),
                threads.scheduled("test-batch", 1), FxExecutor.platform());
        stage.setScene(new Scene(new BatchView(vm), 900, 600));
        stage.show();
    }

    @AfterEach
    void tearDown() {
        threads.close();
        db.close();
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFilterShowsStatusesInWordsAndAllForEveryRow(FxRobot robot) throws Exception {
        Path input = Files.write(dir.resolve("rows-" + n + ".csv"), List.of("request_id,prompt", "a,One",
                "a,Duplicate", "c,Three"), StandardCharsets.UTF_8);
        onFx(() -> vm.importFile(input)).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> vm.entries().size())).isEqualTo(3);

        ComboBox<ItemStatus> filter = robot.lookup("#batch-status-filter").queryAs(ComboBox.class);
        TableView<?> results = robot.lookup("#batch-results").queryAs(TableView.class);
        assertThat(onFx(() -> filter.getConverter().toString(ItemStatus.NOT_RUN))).isEqualTo("not run");
        assertThat(onFx(() -> filter.getItems().stream().map(filter.getConverter()::toString).toList()))
                .containsExactly("all", "pending", "in flight", "done", "failed", "not run", "invalid");

        onFx(() -> {
            filter.getSelectionModel().select(ItemStatus.INVALID);
            return null;
        });
        assertThat(onFx(() -> vm.filterProperty().get())).isEqualTo(ItemStatus.INVALID);
        assertThat(onFx(() -> vm.statusFilterProperty().get())).isEqualTo("invalid");
        assertThat(onFx(() -> results.getItems().size())).isEqualTo(1);

        onFx(() -> {
            filter.getSelectionModel().select(0); // "all"
            return null;
        });
        assertThat(onFx(() -> vm.filterProperty().get())).isNull();
        assertThat(onFx(() -> vm.statusFilterProperty().get())).isEqualTo(BatchViewModel.ALL);
        assertThat(onFx(() -> results.getItems().size())).isEqualTo(3);

        onFx(() -> {
            vm.statusFilterProperty().set("pending");
            return null;
        });
        assertThat(onFx(filter::getValue)).isEqualTo(ItemStatus.PENDING);
        assertThat(onFx(() -> results.getItems().size())).isEqualTo(2);
    }

    @Test
    void theSelectedRowIsReadWholeBelowTheTable(FxRobot robot) throws Exception {
        String longPrompt = "Summarise this. " + "A sentence that goes on and on. ".repeat(40) + "THE END";
        Path input = Files.write(dir.resolve("long-" + n + ".csv"), List.of("request_id,prompt", "a,Short one",
                "b,\"" + longPrompt + "\""), StandardCharsets.UTF_8);
        onFx(() -> vm.importFile(input)).get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> results = robot.lookup("#batch-results").queryAs(TableView.class);
        javafx.scene.control.TextArea detail = robot.lookup("#batch-result-detail")
                .queryAs(javafx.scene.control.TextArea.class);
        assertThat(onFx(() -> detail.getText())).isEmpty();
        onFx(() -> {
            results.getSelectionModel().select(1);
            return null;
        });
        String shown = onFx(() -> detail.getText());
        assertThat(shown).startsWith("Line 3 · b · pending").contains("Prompt\n" + longPrompt).endsWith("THE END");
        onFx(() -> {
            results.getSelectionModel().clearSelection();
            return null;
        });
        assertThat(onFx(() -> detail.getText())).isEmpty();
    }
}
