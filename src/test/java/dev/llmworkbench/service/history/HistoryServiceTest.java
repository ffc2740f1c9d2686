package dev.llmworkbench.service.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.playground.ReopenRequest;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history as both entry points browse it: list, details, reopen, delete and export, over one service. */
class HistoryServiceTest {
    @TempDir
    Path dir;
    Database db;
    RunStore runs;
    ResultStore results;
    HistoryService history;

    @BeforeEach
    void setUp() {
        db = Database.open(dir.resolve("wb.db"));
        runs = new RunStore(db);
        results = new ResultStore(db);
        history = new HistoryService(runs, results, new BatchStore(db));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private long run(RunKind kind, String prompt, String model, String settings, String answer) {
        long id = runs.create(kind, prompt, prompt, "sim", List.of(model), settings).id();
        results.insert(ResultRecord.builder(id).model(model).responseText(answer).usage(Usage.of(5, 7))
                .startedAt(Instant.ofEpochSecond(1_000)).endedAt(Instant.ofEpochSecond(1_001)).build());
        return id;
    }

    @Test
    void runsAreListedByKindModelAndTextAndShownWithTheRequestAsRecorded() {
        long single = run(RunKind.SINGLE, "Tell me about tides", "m1",
                "{\"model\":\"m1\",\"system_prompt\":\"Be brief\",\"max_tokens\":77,\"temperature\":0.5}", "Tides are");
        run(RunKind.COMPARE, "Compare these", "m2", null, "A vs B");

        assertThat(history.list(null, null, null, null, null, 10)).hasSize(2);
        assertThat(history.list("single", null, null, null, null, 10)).extracting(HistoryService.RunRow::id)
                .containsExactly(single);
        assertThat(history.list(null, "m2", null, null, null, 10)).extracting(HistoryService.RunRow::kind)
                .containsExactly("compare");
        assertThat(history.list(null, null, "tides", null, null, 10)).extracting(HistoryService.RunRow::id)
                .containsExactly(single);

        HistoryService.RunDetails d = history.details(single).orElseThrow();
        assertThat(d.resultCount()).isEqualTo(1);
        assertThat(d.results()).hasSize(1);
        HistoryService.ResultView v = d.results().get(0);
        assertThat(v.response()).isEqualTo("Tides are");
        assertThat(v.completionTokens()).isEqualTo(7);
        // no request stored with the result: it is made from the run's settings and prompt
        JsonObject req = JsonParser.parseString(v.requestJson()).getAsJsonObject();
        assertThat(req.get("model").getAsString()).isEqualTo("m1");
        assertThat(req.getAsJsonArray("messages")).hasSize(2);
        assertThat(req.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString())
                .isEqualTo("Be brief");
        assertThat(req.getAsJsonArray("messages").get(1).getAsJsonObject().get("content").getAsString())
                .isEqualTo("Tell me about tides");
        assertThat(req.get("max_tokens").getAsInt()).isEqualTo(77);
    }

    @Test
    void aRunReopensWithItsSettingsAndIsExportedAndDeleted() throws Exception {
        long id = run(RunKind.SINGLE, "Tell me about tides", "m1",
                "{\"model\":\"m1\",\"system_prompt\":\"Be brief\",\"max_tokens\":77,\"temperature\":0.5}", "Tides are");
        ReopenRequest r = history.reopen(id).orElseThrow();
        assertThat(r).isEqualTo(new ReopenRequest(id, "sim", "m1", "Be brief", "Tell me about tides", 0.5, 77,
                "Tides are", null, null));

        Path out = dir.resolve("run.csv");
        assertThat(history.export(id, out, "csv")).isEqualTo(1);
        assertThat(Files.readAllLines(out)).hasSize(2);

        assertThat(history.delete(id)).isTrue();
        assertThat(history.details(id)).isEmpty();
        assertThat(history.reopen(id)).isEmpty();
    }

    @Test
    void aChatTheUserStoppedIsCancelledNotFailed() {
        dev.llmworkbench.domain.Timing none = null;
        java.util.function.Function<dev.llmworkbench.domain.ApiError, dev.llmworkbench.service.chat.ChatOutcome> outcome =
                e -> new dev.llmworkbench.service.chat.ChatOutcome(new dev.llmworkbench.domain.Completion(null, "m", "",
                        null, List.of(), null, null, none, e, null, java.util.Map.of()), null, null, List.of(), 0, 0, null);
        assertThat(HistoryService.status(outcome.apply(dev.llmworkbench.domain.ApiError.of(
                dev.llmworkbench.domain.ApiError.Kind.CANCELLED, null, "stopped")))).isEqualTo("cancelled");
        assertThat(HistoryService.status(outcome.apply(dev.llmworkbench.domain.ApiError.of(
                dev.llmworkbench.domain.ApiError.Kind.SERVER, 500, "boom")))).isEqualTo("failed");
        assertThat(HistoryService.status(outcome.apply(null))).isEqualTo("done");
    }
}
