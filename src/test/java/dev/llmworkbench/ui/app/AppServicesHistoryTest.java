package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The desktop composition root records every playground and compare run in the history store. */
class AppServicesHistoryTest {
    @TempDir
    Path dir;

    @Test
    void playgroundAndCompareRunsGoToTheHistory() throws Exception {
        try (AppServices app = new AppServices(DataDirs.at(dir), false)) {
            var profile = app.providers().defaultProfile();
            ChatRequest req = ChatRequest.builder("qwen3-235b-a22b").user("history please").maxTokens(20).build();
            ChatOutcome single = app.playground().start(app.playground().job(profile, req, Priority.NORMAL),
                    ChatObserver.NONE, RunKind.SINGLE).result().get(30, TimeUnit.SECONDS);
            assertThat(single.ok()).isTrue();
            app.playground().start(app.playground().job(profile, req, Priority.NORMAL), ChatObserver.NONE, RunKind.COMPARE)
                    .result().get(30, TimeUnit.SECONDS);
            List<RunRecord> runs = app.history().list(RunQuery.all());
            assertThat(runs).extracting(RunRecord::kind).containsExactlyInAnyOrder(RunKind.SINGLE, RunKind.COMPARE);
            RunRecord first = runs.stream().filter(r -> r.kind() == RunKind.SINGLE).findFirst().orElseThrow();
            assertThat(app.history().show(first.id())).isPresent();
            assertThat(app.history().show(first.id()).orElseThrow().results()).isEqualTo(1);
            assertThat(new ResultStore(app.database()).listByRun(first.id())).singleElement()
                    .satisfies(r -> assertThat(r.responseText()).isEqualTo(single.completion().text()));
        }
    }
}
