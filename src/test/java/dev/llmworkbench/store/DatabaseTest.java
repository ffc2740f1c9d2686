package dev.llmworkbench.store;

import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.JobStatus;
import dev.llmworkbench.domain.RunKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void opensAnEmptyFileInMissingFoldersAtTheLatestVersionInWalMode() {
        Path file = dir.resolve("a/b/workbench.db");
        try (Database db = Database.open(file)) {
            assertThat(file).exists();
            assertThat(db.schemaVersion()).isEqualTo(Schema.latestVersion()).isGreaterThanOrEqualTo(2);
            assertThat(db.journalMode()).isEqualToIgnoringCase("wal");
            assertThat(db.pragma("synchronous")).isEqualTo("1"); // NORMAL
            assertThat(db.pragma("foreign_keys")).isEqualTo("1");
            assertThat(Integer.parseInt(db.pragma("busy_timeout"))).isPositive();
        }
        // reopening migrates nothing and keeps the version
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Schema.latestVersion());
            assertThat(db.journalMode()).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void migrationsAreNumberedOneByOne() {
        List<Schema.Migration> ms = Schema.MIGRATIONS;
        for (int i = 0; i < ms.size(); i++) {
            assertThat(ms.get(i).version()).isEqualTo(i + 1);
            assertThat(ms.get(i).statements()).isNotEmpty();
        }
    }

    @Test
    void refusesADatabaseFromANewerProgram() {
        Path file = dir.resolve("new.db");
        try (Database db = Database.open(file)) {
            db.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA user_version = " + (Schema.latestVersion() + 1));
                }
                return null;
            });
        }
        assertThatThrownBy(() -> Database.open(file)).isInstanceOf(StoreException.class).hasMessageContaining("newer");
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        try (Database db = Database.open(dir.resolve("tx.db"))) {
            SettingsStore settings = new SettingsStore(db);
            assertThatThrownBy(() -> db.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO settings (key, value_json, updated_at) VALUES ('k', '1', 0)");
                }
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(settings.getJson("k")).isEmpty();
        }
    }

    @Test
    void aClosedDatabaseSaysSo() {
        Database db = Database.open(dir.resolve("c.db"));
        db.close();
        db.close(); // idempotent
        assertThatThrownBy(db::schemaVersion).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    static IntStream earlierVersions() {
        return IntStream.range(0, Schema.latestVersion());
    }

    @ParameterizedTest(name = "from version {0}")
    @MethodSource("earlierVersions")
    void migratesFromEveryEarlierVersionKeepingTheData(int k) {
        Path file = dir.resolve("v" + k + ".db");
        try (Database db = Database.open(file, k)) {
            assertThat(db.schemaVersion()).isEqualTo(k);
            insertSampleData(db, k);
        }
        try (Database db = Database.open(file)) {
            assertThat(db.schemaVersion()).isEqualTo(Schema.latestVersion());
            RunStore runs = new RunStore(db);
            ResultStore results = new ResultStore(db);
            BatchStore batches = new BatchStore(db);
            if (k >= 1) {
                ProviderProfile p = new ProfileStore(db).find("old").orElseThrow();
                assertThat(p.baseUrl()).isEqualTo("http://old.example/v1");
                assertThat(p.keyRef()).isEqualTo("env:OLD_KEY");
                assertThat(p.extraHeaders()).isEqualTo(Map.of("X-Org", "acme"));
                assertThat(p.extraBody()).isEqualTo(Map.of("enable_thinking", false));
                // saved before profiles had a dialect: the one its base URL suggests; a chosen one is kept
                assertThat(p.dialect()).isEqualTo(Dialect.GENERIC);
                new ProfileStore(db).save(p.withDialect(Dialect.VLLM));
                assertThat(new ProfileStore(db).find("old").orElseThrow().dialect()).isEqualTo(Dialect.VLLM);
                RunRecord run = runs.find(1).orElseThrow();
                assertThat(run.title()).isEqualTo("old chat");
                assertThat(run.kind()).isEqualTo(RunKind.SINGLE);
                assertThat(run.models()).containsExactly("qwen3-8b");
                List<ResultRecord> rs = results.listByRun(1);
                assertThat(rs).hasSize(1);
                ResultRecord r = rs.get(0);
                assertThat(r.responseText()).isEqualTo("hi there");
                assertThat(r.usage()).isEqualTo(new Usage(5, 2, 7, null, null, false));
                assertThat(r.costUsd()).isEqualTo(new BigDecimal("0.000010"));
                assertThat(r.itemId()).isNull();
                assertThat(r.checkPassed()).isNull();
            }
            if (k >= 2) {
                String job = "b-20260101-aaaaaa";
                assertThat(batches.findJob(job).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
                assertThat(batches.markInterrupted()).extracting(BatchJobRecord::id).containsExactly(job);
                assertThat(results.findByItem(1).orElseThrow().responseText()).isEqualTo("A");
                BatchStore.Recovery rec = batches.resumeRecovery(job);
                assertThat(rec.requeued()).extracting(BatchItemRecord::requestId).containsExactly("r1");
                assertThat(rec.reserved().usd()).isEqualByComparingTo("0.5");
                assertThat(batches.pendingItems(job, 10)).extracting(BatchItemRecord::seq).containsExactly(1);
            }
            if (k >= 3) {
                assertThat(new SettingsStore(db).getString("theme", null)).isEqualTo("dark");
                assertThat(new PromptStore(db).latest("greet").orElseThrow().user()).isEqualTo("Hello {{name}}");
            }
            // and the latest schema works on top of the old data
            RunRecord fresh = runs.create(RunKind.COMPARE, "new", "p", "sim", List.of("a", "b"), "{}");
            ResultRecord stored = results.insert(ResultRecord.builder(fresh.id()).responseText("x")
                    .check(true, null).build());
            assertThat(results.find(stored.id()).orElseThrow().checkPassed()).isTrue();
        }
    }

    /** Plain SQL of the schema as it was at {@code version}: what an older program wrote. */
    private static void insertSampleData(Database db, int version) {
        db.write(c -> {
            try (Statement st = c.createStatement()) {
                if (version >= 1) {
                    st.execute("""
                            INSERT INTO provider_profiles (name, base_url, default_model, key_ref, extra_headers_json,
                              extra_body_json, proxy, ca_cert_path, updated_at) VALUES ('old', 'http://old.example/v1', 'qwen3-8b',
                              'env:OLD_KEY', '{"X-Org":"acme"}', '{"enable_thinking":false}', NULL, NULL, 1000)""");
                    st.execute("""
                            INSERT INTO runs (id, kind, created_at, updated_at, title, prompt, provider, models_json,
                              settings_json, status) VALUES (1, 'single', 1000, 1000, 'old chat', 'hello', 'old',
                              '["qwen3-8b"]', '{}', 'done')""");
                    st.execute("""
                            INSERT INTO results (run_id, model, response_text, prompt_tokens, completion_tokens,
                              total_tokens, cost_usd, started_at, ended_at)
                            VALUES (1, 'qwen3-8b', 'hi there', 5, 2, 7, '0.000010', 1000, 1500)""");
                }
                if (version >= 2) {
                    st.execute("""
                            INSERT INTO runs (id, kind, created_at, updated_at, title, prompt, provider, models_json,
                              settings_json, status) VALUES (2, 'batch', 2000, 2000, 'old batch', 'in.csv', 'old',
                              '["qwen3-8b"]', '{}', 'running')""");
                    st.execute("""
                            INSERT INTO batch_jobs (id, run_id, input_path, output_path, format, settings_json, status,
                              created_at, updated_at) VALUES ('b-20260101-aaaaaa', 2, 'in.csv', 'out.jsonl', 'jsonl',
                              '{"concurrency":4}', 'running', 2000, 2000)""");
                    st.execute("""
                            INSERT INTO batch_items (id, job_id, seq, line, request_id, status, row_json,
                              reserved_usd, reserved_tokens, updated_at) VALUES
                              (1, 'b-20260101-aaaaaa', 0, 2, 'r0', 'done', '{"prompt":"a"}', NULL, NULL, 2000),
                              (2, 'b-20260101-aaaaaa', 1, 3, 'r1', 'in_flight', '{"prompt":"b"}', '0.5', 1024, 2000)""");
                    st.execute("""
                            INSERT INTO results (run_id, item_id, model, response_text, started_at, ended_at)
                            VALUES (2, 1, 'qwen3-8b', 'A', 2000, 2100)""");
                }
                if (version >= 3) {
                    st.execute("INSERT INTO settings VALUES ('theme', '\"dark\"', 3000)");
                    st.execute("""
                            INSERT INTO prompts (name, version, system_text, user_text, created_at)
                            VALUES ('greet', 1, NULL, 'Hello {{name}}', 3000)""");
                }
            }
            return null;
        });
    }
}
