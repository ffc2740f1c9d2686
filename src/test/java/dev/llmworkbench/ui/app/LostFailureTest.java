package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: no failure is lost on the path of a request. A store that cannot record the run (a full disk) does
 * not keep the run from ending with its answer; the failure is logged, and the next run goes as well.
 * (A client that cannot be built, a missing CA file or a bad proxy: {@code ChatServiceTest}.)
 */
class LostFailureTest {
    @TempDir
    Path dir;

    @Test
    void aStoreThatCannotRecordTheRunDoesNotKeepItFromEnding() throws Exception {
        try (AppServices app = new AppServices(DataDirs.at(dir), false)) {
            AtomicInteger tried = new AtomicInteger();
            app.setRunRecorder((job, outcome, kind, requestJson, draft) -> {
                tried.incrementAndGet();
                throw new StoreException("the disk is full: cannot write the database " + dir.resolve("wb.db"));
            });
            var profile = app.providers().simulator();
            for (int i = 1; i <= 2; i++) {
                ChatRequest req = ChatRequest.builder("qwen-turbo").user("hello " + i).maxTokens(8).build();
                ChatOutcome o = app.playground().start(app.playground().job(profile, req, Priority.NORMAL),
                        ChatObserver.NONE, RunKind.SINGLE).result().get(20, TimeUnit.SECONDS);
                assertThat(o.ok()).isTrue();
                assertThat(o.completion().text()).isNotBlank();
                assertThat(tried.get()).isEqualTo(i);
            }
        }
    }
}
