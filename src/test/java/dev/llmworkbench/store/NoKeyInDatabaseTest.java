package dev.llmworkbench.store;

import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.Attempt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoKeyInDatabaseTest {
    private static final String KEY = "sk-live-9f8e7d6c5b4a39281706";
    private static final String OTHER = "tok-unregistered-abcdef123456";

    @TempDir
    Path dir;

    @Test
    void keysNeverReachTheDatabaseFile() throws IOException {
        Path file = dir.resolve("wb.db");
        try (Database db = Database.open(file)) {
            db.redactor().remember(ApiKey.of(KEY));
            new ProfileStore(db).save(new ProviderProfile("p", "https://api.example/v1", "m", "keyring:p",
                    Map.of("X-Org", "acme"), Map.of("user", "ann"), null, null));
            RunStore runs = new RunStore(db);
            RunRecord run = runs.create(RunKind.SINGLE, "chat", "hello", "p", List.of("m"),
                    "{\"headers\":{\"Authorization\":\"Bearer " + OTHER + "\"},\"api_key_env\":\"MY_KEY\"}");
            String request = """
                    {"model":"m","messages":[{"role":"user","content":"my key is %s"}],
                     "headers":{"Authorization":"Bearer %s","X-Api-Key":"%s"},"api_key":"%s",
                     "note":"Bearer %s"}""".formatted(KEY, OTHER, OTHER, OTHER, OTHER);
            ResultRecord stored = new ResultStore(db).insert(ResultRecord.builder(run.id()).requestJson(request)
                    .responseText("echo " + KEY)
                    .error(ApiError.of(ApiError.Kind.AUTH, 401, "Incorrect API key provided: " + KEY))
                    .attempts(List.of(new Attempt(1, 401, "auth", "bad key " + KEY, 1.0, 0.0)))
                    .build());
            new SettingsStore(db).put("last", Map.of("Authorization", "Bearer " + OTHER, "ok", KEY));
            BatchStore batches = new BatchStore(db);
            BatchJobRecord job = batches.createJob(run.id(), "in", "out", "jsonl",
                    "{\"api_key\":\"" + OTHER + "\",\"api_key_env\":\"MY_KEY\"}",
                    List.of(BatchItemRecord.New.valid(1, "r", "{\"prompt\":\"use " + KEY + "\"}")));

            ResultRecord back = new ResultStore(db).find(stored.id()).orElseThrow();
            assertThat(back.requestJson()).contains("\"model\":\"m\"").contains("my key is ***")
                    .doesNotContain("Authorization").doesNotContain("api_key\"").contains("Bearer ***");
            assertThat(back.error().message()).isEqualTo("Incorrect API key provided: ***");
            // the NAME of a variable is not a key and survives
            assertThat(batches.findJob(job.id()).orElseThrow().settingsJson()).contains("MY_KEY");
            assertThat(runs.find(run.id()).orElseThrow().settingsJson()).contains("MY_KEY");
        }
        // every file SQLite wrote (database, WAL, shared memory) is free of both keys
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain(KEY).doesNotContain(OTHER)
                        .doesNotContain("9f8e7d6c5b4a");
            }
        }
    }

    @Test
    void theScanCanSeeAKeyWhenOneIsWritten() throws IOException {
        // the control: without the redactor in the way the scan above would find the key
        Path file = dir.resolve("control.db");
        try (Database db = Database.open(file)) {
            db.write(c -> {
                try (var st = c.prepareStatement("INSERT INTO settings VALUES ('x', ?, 0)")) {
                    st.setString(1, "\"" + KEY + "\"");
                    st.executeUpdate();
                }
                return null;
            });
        }
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains(KEY);
    }
}
