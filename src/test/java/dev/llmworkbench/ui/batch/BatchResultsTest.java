package dev.llmworkbench.ui.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.batch.BatchService;
import dev.llmworkbench.service.batch.BatchSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;


/** The batch panel's parts: its rows and their status filter, status words, the form's settings. */
class BatchResultsTest {
    private static BatchService.ItemRow row(long id, ItemStatus s, int attempts) {
        return new BatchService.ItemRow(id, (int) id + 1, "r" + id, s, null, null, s == ItemStatus.DONE ? "ok" : null,
                null, 12.0, 3, null, attempts, null, null, null, s == ItemStatus.INVALID ? "bad row" : null, null);
    }

    private static BatchResults loaded() {
        BatchResults r = new BatchResults();
        r.load(new BatchService.Preview(Path.of("f.csv"), List.of(
                new BatchService.PreviewRow(0, 2, "r1", "one", null, true, null),
                new BatchService.PreviewRow(1, 3, "r2", "", null, false, "bad row"),
                new BatchService.PreviewRow(2, 4, "r3", "three", null, true, null)), 2, 1));
        return r;
    }

    @Test
    void rowsStartPendingOrInvalidAndFollowTheirItems() {
        BatchResults r = loaded();
        assertThat(r.entries()).extracting(e -> e.itemStatusProperty().get())
                .containsExactly(ItemStatus.PENDING, ItemStatus.INVALID, ItemStatus.PENDING);
        assertThat(r.validCount()).isEqualTo(2);
        assertThat(r.rowsMapped("job-1")).isFalse();

        // an update before the rows are tied to the items asks for every item
        r.cursor(42);
        r.apply("job-1", List.of(row(11, ItemStatus.DONE, 1)), false);
        assertThat(r.cursor()).isEqualTo(BatchService.ALL_ITEMS);

        r.apply("job-1", List.of(row(10, ItemStatus.IN_FLIGHT, 0), row(11, ItemStatus.INVALID, 0),
                row(12, ItemStatus.PENDING, 0)), true);
        assertThat(r.rowsMapped("job-1")).isTrue();
        assertThat(r.rowsMapped("job-2")).isFalse();
        r.apply("job-1", List.of(row(10, ItemStatus.DONE, 2), row(12, ItemStatus.NOT_RUN, 0)), false);
        BatchViewModel.Entry first = r.entries().get(0);
        assertThat(first.itemStatusProperty().get()).isEqualTo(ItemStatus.DONE);
        assertThat(first.statusProperty().get()).isEqualTo("done");
        assertThat(first.responseProperty().get()).isEqualTo("ok");
        assertThat(first.attemptsProperty().get()).isEqualTo(2);
        assertThat(r.entries().get(2).statusProperty().get()).isEqualTo("not_run");
    }

    private static BatchService.ItemRow second(long id, ItemStatus s) {
        return new BatchService.ItemRow(id, (int) id - 19, "r" + (id - 20), s, "qwen-plus", "prompt " + id,
                s == ItemStatus.DONE ? "second job" : null, null, 12.0, 3, null, 1, null, null, null, null, null);
    }

    @Test
    void aSecondJobOnTheSameRowsReplacesTheFirstJobsRows() {
        BatchResults r = loaded();
        r.apply("job-1", List.of(row(10, ItemStatus.DONE, 1), row(11, ItemStatus.INVALID, 0),
                row(12, ItemStatus.NOT_RUN, 0)), true);
        // the same file run again: the next job's items have other ids, and the same count
        r.filterProperty().set(ItemStatus.FAILED);
        r.apply("job-2", List.of(second(21, ItemStatus.DONE), second(22, ItemStatus.FAILED),
                second(23, ItemStatus.DONE)), true);
        assertThat(r.rowsMapped("job-2")).isTrue();
        r.filterProperty().set(null);
        assertThat(r.entries()).extracting(e -> e.modelProperty().get()).containsOnly("qwen-plus");
        assertThat(r.entries()).extracting(e -> e.itemStatusProperty().get())
                .containsExactly(ItemStatus.DONE, ItemStatus.FAILED, ItemStatus.DONE);
        r.filterProperty().set(ItemStatus.FAILED);
        assertThat(r.results()).extracting(BatchViewModel.Entry::requestId).containsExactly("r2");
        // an update of the first job (a late poll) changes nothing
        r.apply("job-1", List.of(row(10, ItemStatus.FAILED, 2)), false);
        assertThat(r.entries().get(0).responseProperty().get()).isEqualTo("second job");
    }

    @Test
    void theFilterIsAStatusAndKeepsItsExportNameInStep() {
        BatchResults r = loaded();
        assertThat(r.filterProperty().get()).isNull();
        assertThat(r.filterNameProperty().get()).isEqualTo(BatchViewModel.ALL);
        assertThat(r.results()).hasSize(3);

        r.filterNameProperty().set("invalid");
        assertThat(r.filterProperty().get()).isEqualTo(ItemStatus.INVALID);
        assertThat(r.results()).extracting(BatchViewModel.Entry::requestId).containsExactly("r2");

        r.filterProperty().set(ItemStatus.PENDING);
        assertThat(r.filterNameProperty().get()).isEqualTo("pending");
        assertThat(r.results()).extracting(BatchViewModel.Entry::requestId).containsExactly("r1", "r3");

        // a row that changes status leaves a filtered table
        r.apply("job-1", List.of(row(10, ItemStatus.PENDING, 0), row(11, ItemStatus.INVALID, 0),
                row(12, ItemStatus.PENDING, 0)), true);
        r.apply("job-1", List.of(row(10, ItemStatus.DONE, 1)), false);
        assertThat(r.results()).extracting(BatchViewModel.Entry::requestId).containsExactly("r3");

        r.filterProperty().set(null);
        assertThat(r.filterNameProperty().get()).isEqualTo("all");
        assertThat(r.results()).hasSize(3);
    }

    @Test
    void statusesAreShownInWords() {
        assertThat(StatusWords.of(ItemStatus.NOT_RUN)).isEqualTo("not run");
        assertThat(StatusWords.of(ItemStatus.IN_FLIGHT)).isEqualTo("in flight");
        assertThat(StatusWords.of(ItemStatus.DONE)).isEqualTo("done");
        assertThat(StatusWords.of(null)).isEqualTo("all");
    }

    @Test
    void theFormMakesTheSettingsOrSaysWhichFieldIsWrong() {
        BatchForm f = new BatchForm(List.of("qwen-turbo", "qwen-plus"), List.of("Sim"));
        assertThat(f.modelProperty().get()).isIn("qwen-turbo", "qwen-plus");
        f.modelProperty().set("qwen-plus");
        f.rpmProperty().set(" 120 ");
        f.budgetProperty().set("0.50");
        f.priorityProperty().set(Priority.BATCH);
        BatchSettings s = f.settings();
        assertThat(s.model()).isEqualTo("qwen-plus");
        assertThat(s.budgetUsd()).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(s.concurrency()).isEqualTo(4);
        f.routeProperty().set(true);
        assertThat(f.settings().model()).isNull();
        f.concurrencyProperty().set("many");
        org.assertj.core.api.Assertions.assertThatThrownBy(f::settings)
                .hasMessage("concurrency must be a whole number, was 'many'");
    }
}
