package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.service.DaemonThreads;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.SettingsStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.application.Application;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke test's work without the window and the exit: one prompt on the simulator, recorded. */
class SmokeTestTest {
    private static final SimConfig FAST = SimConfig.defaults().withFaults(FaultSpec.parse("tps=0,ttft-ms=0"));

    @Test
    void runsOnePromptAndCountsEachRunInTheDataFolder(@TempDir Path data) {
        DataDirs dirs = DataDirs.at(data);
        try (DaemonThreads threads = new DaemonThreads()) {
            assertThat(SmokeTest.runPrompt(threads, FAST, dirs)).isNotBlank();
            assertThat(SmokeTest.runPrompt(threads, FAST, dirs)).isNotBlank();
        }
        try (Database db = Database.open(dirs.defaultDatabase())) {
            SettingsStore settings = new SettingsStore(db);
            assertThat(settings.getLong(SmokeTest.RUNS_KEY, 0)).isEqualTo(2);
            assertThat(settings.getJson(SmokeTest.LAST_KEY)).get().asString().contains("answerChars");
        }
    }

    @Test
    void aFailedPromptFailsWithTheReasonAndRecordsNothing(@TempDir Path data) {
        DataDirs dirs = DataDirs.at(data);
        SimConfig failing = FAST.withFaults(FaultSpec.parse("tps=0,ttft-ms=0,key=not-sent"));
        try (DaemonThreads threads = new DaemonThreads()) {
            assertThatThrownBy(() -> SmokeTest.runPrompt(threads, failing, dirs))
                    .hasMessageContaining("the prompt failed");
        }
        assertThat(dirs.defaultDatabase()).doesNotExist();
    }

    @Test
    void isRequestedByTheFlagOnly() {
        assertThat(SmokeTest.requested(launchedWith("--smoke-test"))).isTrue();
        assertThat(SmokeTest.requested(launchedWith("--verbose", "--smoke-test"))).as("among other arguments").isTrue();

        assertThat(SmokeTest.requested(null)).as("not launched as an application").isFalse();
        assertThat(SmokeTest.requested(launchedWith())).as("no arguments").isFalse();
        assertThat(SmokeTest.requested(launchedWith("--verbose"))).as("another flag").isFalse();
        assertThat(SmokeTest.requested(launchedWith("smoke-test"))).as("without the dashes").isFalse();
        assertThat(SmokeTest.requested(launchedWith("--smoke-tests"))).as("a longer name").isFalse();
        assertThat(SmokeTest.requested(launchedWith("--SMOKE-TEST"))).as("another case").isFalse();
    }

    /** The parameters of an application launched with {@code raw} on its command line (no {@code --name=value}). */
    private static Application.Parameters launchedWith(String... raw) {
        List<String> args = List.of(raw);
        return new Application.Parameters() {
            @Override
            public List<String> getRaw() {
                return args;
            }

            @Override
            public List<String> getUnnamed() {
                return args;
            }

            @Override
            public Map<String, String> getNamed() {
                return Map.of();
            }
        };
    }
}
