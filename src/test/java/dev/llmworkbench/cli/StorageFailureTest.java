package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage failure on the store's writer thread (a trigger refuses every result, as a full disk would)
 * ends the run with one line and exit 1; the rows it could not store are sent again on resume.
 */
class StorageFailureTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestSim sim = new TestSim();

    private static void sql(Path db, String statement) {
        try (Database d = Database.open(db)) {
            d.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(statement);
                }
                return null;
            });
        }
    }

    private static void refuseResults(Path db) {
        sql(db, "CREATE TRIGGER no_room BEFORE INSERT ON results BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    }

    private static void noStackTrace(CliRun.Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void aBatchWhoseResultsCannotBeStoredStopsWithOneLineAndExit1ThenResumes() throws Exception {
        String url = sim.start("tps=0,ttft-ms=0");
        Path in = Files.writeString(dir.resolve("in.jsonl"), IntStream.range(0, 30)
                .mapToObj(i -> "{\"prompt\":\"q" + i + "\",\"max_tokens\":4}").collect(Collectors.joining("\n")) + "\n");
        Path db = dir.resolve("wb.db");
        refuseResults(db);
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString(),
                "--base-url", url, "--concurrency", "4", "--db", db.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.contains("could not be stored")))
                .singleElement().asString().startsWith("why: the results could not be stored: ")
                .contains("database or disk is full");
        noStackTrace(r);
        assertThat(sim.sim().requestCount()).as("the run stops sending").isLessThan(30);
        String job = r.err().lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow().substring(5).trim();

        sql(db, "DROP TRIGGER no_room");
        CliRun.Result resumed = CliRun.run("batch", "--resume", job, "--db", db.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        try (Database d = Database.open(db)) {
            assertThat(new BatchStore(d).itemsWithResults(job)).hasSize(30)
                    .allSatisfy(it -> assertThat(it.result()).isNotNull());
        }
    }

    @Test
    void aBenchWhoseResultsCannotBeStoredEndsWithOneLineAndExit1() throws Exception {
        String url = sim.start("tps=0,ttft-ms=0");
        Path db = dir.resolve("wb.db");
        refuseResults(db);
        CliRun.Result r = CliRun.run("bench", "--base-url", url, "--requests", "8", "--concurrency", "4",
                "--max-tokens", "4", "--db", db.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: the results could not be stored in ")
                .contains("database or disk is full");
        noStackTrace(r);
    }
}
