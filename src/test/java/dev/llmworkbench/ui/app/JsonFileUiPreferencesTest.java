package dev.llmworkbench.ui.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.llmworkbench.ui.common.UiThread;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileUiPreferencesTest {
    @TempDir
    Path dir;

    @Test
    void aChangeOnTheUiThreadIsWrittenOnTheWriter() throws Exception {
        // with the writer on the caller, the same puts on the UI thread trip the check (UiThreadIoTest)
        Path file = dir.resolve(JsonFileUiPreferences.FILE_NAME);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (UiThread ui = new UiThread()) {
            JsonFileUiPreferences prefs = new JsonFileUiPreferences(file, writer);
            ui.run(() -> {
                prefs.put("theme", "dark");
                prefs.put("view", "Batch");
                assertThat(prefs.get("view")).contains("Batch"); // read back at once, before any write
            });
        } finally {
            writer.shutdown();
            assertThat(writer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        JsonFileUiPreferences again = new JsonFileUiPreferences(file);
        assertThat(again.get("theme")).contains("dark");
        assertThat(again.get("view")).contains("Batch");
    }

    @Test
    void valuesSurviveANewInstanceOnTheSameFile() throws Exception {
        Path file = dir.resolve("sub").resolve(JsonFileUiPreferences.FILE_NAME);
        JsonFileUiPreferences first = new JsonFileUiPreferences(file);
        assertThat(first.get("theme")).isEmpty();
        first.put("theme", "dark");
        first.putDouble("window.width", 900.5);
        first.put("prompt", "Say \"hi\" <b> & ünïcode\nsecond line");

        JsonFileUiPreferences second = new JsonFileUiPreferences(file);
        assertThat(second.get("theme")).contains("dark");
        assertThat(second.getDouble("window.width", 0)).isEqualTo(900.5);
        assertThat(second.get("prompt")).contains("Say \"hi\" <b> & ünïcode\nsecond line");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"theme\": \"dark\"");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void putNullRemovesTheKey() {
        Path file = dir.resolve(JsonFileUiPreferences.FILE_NAME);
        JsonFileUiPreferences prefs = new JsonFileUiPreferences(file);
        prefs.put("view", "Compare");
        prefs.put("view", null);
        assertThat(prefs.get("view")).isEmpty();
        assertThat(new JsonFileUiPreferences(file).get("view")).isEmpty();
    }

    @Test
    void aBrokenFileStartsEmptyAndIsReplacedOnTheNextWrite() throws Exception {
        Path file = dir.resolve(JsonFileUiPreferences.FILE_NAME);
        Files.writeString(file, "{ this is not json", StandardCharsets.UTF_8);
        JsonFileUiPreferences prefs = new JsonFileUiPreferences(file);
        assertThat(prefs.get("theme")).isEmpty();
        assertThat(prefs.get("theme", "light")).isEqualTo("light");

        prefs.put("theme", "dark");
        assertThat(new JsonFileUiPreferences(file).get("theme")).contains("dark");
    }

    @Test
    void numbersThatDoNotParseFallBack() {
        InMemoryUiPreferences prefs = new InMemoryUiPreferences();
        prefs.put("w", "wide");
        prefs.put("h", "NaN");
        assertThat(prefs.getDouble("w", 7)).isEqualTo(7);
        assertThat(prefs.getDouble("h", 8)).isEqualTo(8);
        assertThat(prefs.getDouble("missing", 9)).isEqualTo(9);
        assertThat(prefs.snapshot()).containsOnlyKeys("h", "w");
    }

    @Test
    void theDefaultFileFollowsThePropertyThenXdgThenHome() {
        Map<String, String> props = Map.of("user.home", "/home/ann");
        assertThat(JsonFileUiPreferences.defaultFile(props::get, k -> null))
                .isEqualTo(Path.of("/home/ann/.local/share/llm-workbench/ui-preferences.json"));
        assertThat(JsonFileUiPreferences.defaultFile(props::get, Map.of("XDG_DATA_HOME", "/xdg")::get))
                .isEqualTo(Path.of("/xdg/llm-workbench/ui-preferences.json"));
        Map<String, String> withDir = Map.of("user.home", "/home/ann", "llmworkbench.data.dir", "/data/wb");
        assertThat(JsonFileUiPreferences.defaultFile(withDir::get, Map.of("XDG_DATA_HOME", "/xdg")::get))
                .isEqualTo(Path.of("/data/wb/ui-preferences.json"));
        assertThat(JsonFileUiPreferences.defaultFile(Map.of("user.home", "/h", "llmworkbench.data.dir", " ")::get,
                Map.of("XDG_DATA_HOME", "")::get))
                .isEqualTo(Path.of("/h/.local/share/llm-workbench/ui-preferences.json"));
    }
}
