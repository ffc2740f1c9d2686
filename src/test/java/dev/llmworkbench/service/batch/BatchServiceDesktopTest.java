package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.RunStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/** The desktop's batch use cases on {@link BatchService}: preview, dry run, jobs and their items, summaries. */
class BatchServiceDesktopTest {
    @TempDir
    Path dir;
    private Database db;
    private BatchStore store;
    private BatchService service;
    private Path input;

    @BeforeEach
    void setUp() throws Exception {
        db = Database.open(dir.resolve("wb.db"));
        store = new BatchStore(db);
        service = new BatchService(store, new RunStore(db), () -> {
            throw new AssertionError("no run in this test");
        }, name -> {
            throw new AssertionError("no run in this test");
        }, dir.resolve("out"));
        input = Files.write(dir.resolve("tickets.csv"), List.of("request_id,prompt", "a,First question",
                "a,Duplicate id", "c,Third question"), StandardCharsets.UTF_8);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static BatchSettings settings() {
        return new BatchSettings("qwen-turbo", false, 16, 4, null, null, null, null, null, null, null, null);
    }

    @Test
    void previewMarksTheBadRowsWithWhy() {
        BatchService.Preview p = service.preview(input);
        assertThat(p.valid()).isEqualTo(2);
        assertThat(p.invalid()).isEqualTo(1);
        assertThat(p.rows()).extracting(BatchService.PreviewRow::valid).containsExactly(true, false, true);
        assertThat(p.rows().get(1).reason()).contains("duplicate request_id 'a'");
        assertThat(p.rows().get(0).prompt()).isEqualTo("First question");
    }

    @Test
    void aJobsItemsCarryTheirStatusAsTheDomainEnum() {
        BatchService.JobInfo job = service.create(input, settings(), "jsonl");
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.outputPath()).startsWith(dir.resolve("out").resolve("tickets-").toAbsolutePath().toString())
                .endsWith(".jsonl");
        assertThat(job.settings().model()).isEqualTo("qwen-turbo");

        List<BatchService.ItemRow> items = service.items(job.jobId());
        assertThat(items).extracting(BatchService.ItemRow::itemStatus)
                .containsExactly(ItemStatus.PENDING, ItemStatus.INVALID, ItemStatus.PENDING);
        assertThat(items).extracting(BatchService.ItemRow::status).containsExactly("pending", "invalid", "pending");
        assertThat(items.get(0).prompt()).isEqualTo("First question");
        assertThat(items.get(1).invalidReason()).contains("duplicate");

        long first = items.get(0).itemId();
        store.markInFlight(job.jobId(), List.of(first));
        store.complete(first, ResultRecord.builder(0).model("qwen-turbo").responseText("an answer").build());
        BatchService.ItemUpdates all = service.itemUpdates(job.jobId(), BatchService.ALL_ITEMS);
        assertThat(all.rows()).hasSize(3).allSatisfy(r -> assertThat(r.prompt()).isNull());
        assertThat(all.rows().get(0).itemStatus()).isEqualTo(ItemStatus.DONE);
        assertThat(all.rows().get(0).response()).isEqualTo("an answer");
        assertThat(service.items(job.jobId()).get(0).attempts()).isEqualTo(items.get(0).attempts());
        assertThat(service.info(job.jobId())).isEqualTo(job);
    }

    @Test
    void jobsLeftRunningAreOfferedAsInterrupted() {
        BatchService.JobInfo job = service.create(input, settings(), "csv");
        assertThat(service.interrupted()).isEmpty();
        store.updateJobStatus(job.jobId(), JobStatus.RUNNING);
        store.markInterrupted();
        assertThat(service.interrupted()).extracting(BatchService.JobInfo::jobId).containsExactly(job.jobId());
        assertThat(service.interrupted().get(0).status()).isEqualTo(JobStatus.INTERRUPTED);
    }

    @Test
    void theSummaryExportIsTheKnownSummaryElseOneFromTheStoredResults() throws Exception {
        BatchService.JobInfo job = service.create(input, settings(), "jsonl");
        long first = service.items(job.jobId()).get(0).itemId();
        store.markInFlight(job.jobId(), List.of(first));
        store.complete(first, ResultRecord.builder(0).model("qwen-turbo").responseText("an answer").build());

        Path stored = dir.resolve("sub/summary.json");
        service.exportSummary(job.jobId(), null, stored);
        JsonObject s = JsonParser.parseString(Files.readString(stored)).getAsJsonObject();
        assertThat(s.get("succeeded").getAsInt()).isEqualTo(1);
        assertThat(s.get("invalid").getAsInt()).isEqualTo(1);

        BatchSummary known = service.summary(job.jobId());
        Path again = dir.resolve("again.json");
        service.exportSummary(job.jobId(), known, again);
        assertThat(Files.readString(again)).isEqualTo(known.toJsonText() + "\n");
    }

    @Test
    void theCommandLinesServiceHasNoDesktopTargets() {
        BatchService cli = new BatchService(store, new RunStore(db), (BatchEngine) null);
        assertThatThrownBy(() -> cli.create(input, settings(), "jsonl")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("output folder");
        assertThatThrownBy(() -> cli.dryRun(input, settings())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> service.info("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no batch job nope");
    }
}
