package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.store.DataDirs;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 5: after a restart the day's spend counts every engine. A request that does not go
 * through the playground's recorder (a batch row, a benchmark request) was lost from "today" before.
 */
class TodaysSpendTest {
    @TempDir
    Path dir;

    @Test
    void aBatchRequestsSpendSurvivesARestart() throws Exception {
        BigDecimal spent;
        try (AppServices app = new AppServices(DataDirs.at(dir), false)) {
            ChatRequest req = ChatRequest.builder("qwen3-235b-a22b").user("a batch row").maxTokens(30).build();
            // as the batch engine sends a row: straight through the chat service, no playground recorder
            ChatOutcome o = app.chat().start(new ChatJob(app.providers().defaultProfile(), null, req, Priority.BATCH,
                    null, false, true), null).result().get(30, TimeUnit.SECONDS);
            assertThat(o.ok()).isTrue();
            spent = o.costUsd().amount();
            assertThat(spent).isPositive();
            assertThat(app.limits().spentTodayUsd()).isEqualByComparingTo(spent);
        }
        try (AppServices again = new AppServices(DataDirs.at(dir), false)) {
            assertThat(again.limits().spentTodayUsd()).isEqualByComparingTo(spent);
        }
    }
}
