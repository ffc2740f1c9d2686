package dev.llmworkbench.cli;

import dev.llmworkbench.resilience.RetryPolicy;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * The one exit-code rule of the commands that read rows ({@code batch}, {@code batch --resume},
 * {@code batch --dry-run}, {@code estimate --input}): 0 when every row is done (or valid and estimated), 1 when
 * any row is invalid, failed or not run (with the counts on stderr in one line), 2 for wrong usage or nothing
 * usable, always said in one plain line.
 */
class RowExitCodesTest {
    private static final String MODEL = "qwen3-235b-a22b";
    /** One attempt: a row whose only attempt fails is failed at once. */
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofSeconds(5), false, () -> 0.5);

    @TempDir
    Path dir;

    @org.junit.jupiter.api.extension.RegisterExtension
    final TestSim sims = new TestSim();

    private String startSim(String faults) throws java.io.IOException {
        return sims.start(faults);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private String db() {
        return dir.resolve("wb.db").toString();
    }

    /** Exit 2 with exactly one plain line on stderr: no exception name, no stack trace. */
    private static void oneUsageLine(CliRun.Result r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().strip().lines().toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").contains(expected).doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    private static String jobId(String err) {
        return err.lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow().substring(5).trim();
    }

    private void noJobWasCreated() {
        if (!java.nio.file.Files.exists(Path.of(db()))) {
            return; // not even the database: no job
        }
        CliRun.Result h = CliRun.run("history", "list", "--json", "--db", db());
        assertThat(h.code()).as(h.err()).isZero();
        assertThat(h.json().getAsJsonArray("runs")).isEmpty();
    }

    @Test
    void batchOnAnEmptyInputIsWrongUsageAndCreatesNoJob() throws Exception {
        for (Path in : List.of(file("header.csv", "prompt\n"), file("header-and-blank-lines.csv", "prompt,topic\n\n\n"),
                file("empty.csv", ""), file("empty.jsonl", ""), file("blank.jsonl", "\n  \n"))) {
            CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output",
                    dir.resolve("out.jsonl").toString(), "--db", db());
            oneUsageLine(r, in.toString());
            assertThat(r.err()).containsAnyOf("is empty: no rows", "has no rows, only a header");
        }
        assertThat(CliRun.run("batch", "--input", dir.resolve("header.csv").toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--db", db()).err()).contains("has no rows, only a header");
        assertThat(dir.resolve("out.jsonl")).doesNotExist();
        noJobWasCreated();
    }

    @Test
    void aDryRunOnAnEmptyInputIsWrongUsage() throws Exception {
        Path in = file("header.csv", "prompt\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--dry-run", "--db", db());
        oneUsageLine(r, "has no rows, only a header");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void estimateOnAnEmptyMissingOrUnreadableInputIsWrongUsage() throws Exception {
        oneUsageLine(CliRun.run("estimate", "--input", file("header.csv", "prompt\n").toString()),
                "has no rows, only a header");
        oneUsageLine(CliRun.run("estimate", "--input", file("empty.jsonl", "").toString()), "is empty: no rows");
        oneUsageLine(CliRun.run("estimate", "--input", dir.resolve("missing.csv").toString()),
                "cannot read the input file");
        oneUsageLine(CliRun.run("estimate", "--input", file("blank.txt", "").toString()), "expected .csv or .jsonl");
    }

    @Test
    void estimateWithAnInvalidRowExitsOneNamesTheRowAndStillPrintsTheEstimate() throws Exception {
        Path in = file("in.csv", "prompt,max_tokens\nhello there,5\nanother question,lots\n,5\nlast one,5\n");
        CliRun.Result r = CliRun.run("estimate", "--input", in.toString(), "--models", MODEL);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        // the estimate of the two valid rows is printed all the same
        assertThat(r.out()).contains("2 request(s) a day").contains(MODEL);
        assertThat(r.err()).contains("invalid row: line 3: max_tokens is not a whole number: 'lots'")
                .contains("invalid row: line 4: prompt is empty");
        assertThat(r.err().lines().filter(l -> l.startsWith("rows: ")).toList())
                .containsExactly("rows: 2 estimated, 2 invalid");

        CliRun.Result json = CliRun.run("estimate", "--input", in.toString(), "--models", MODEL, "--json");
        assertThat(json.code()).isEqualTo(1);
        JsonObject m = json.json().getAsJsonArray("models").get(0).getAsJsonObject();
        assertThat(m.get("model").getAsString()).isEqualTo(MODEL);

        // every row valid: 0 and nothing on stderr
        Path good = file("good.csv", "prompt\nhello there\nanother question\n");
        CliRun.Result ok = CliRun.run("estimate", "--input", good.toString(), "--models", MODEL);
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).isEmpty();
    }

    @Test
    void estimateWithOnlyInvalidRowsExitsOneNotTwo() throws Exception {
        Path in = file("bad.jsonl", "{\"prompt\":\"\"}\nnot json\n");
        CliRun.Result r = CliRun.run("estimate", "--input", in.toString(), "--json");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.json().getAsJsonArray("models")).isEmpty();
        assertThat(r.err()).contains("invalid row: line 1: prompt is empty").contains("invalid row: line 2: not valid JSON")
                .contains("rows: 0 estimated, 2 invalid");
        // an unknown model is still wrong usage
        oneUsageLine(CliRun.run("estimate", "--input", in.toString(), "--models", "no-such-model"),
                "no price for model 'no-such-model'");
    }

    @Test
    void aDryRunWithAnInvalidRowExitsOneAndNamesIt() throws Exception {
        Path in = file("in.jsonl", "{\"prompt\":\"hi\"}\n{\"prompt\":\"there\",\"temperature\":\"hot\"}\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--model", MODEL, "--dry-run", "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("dry run: 1 valid rows, 1 invalid").contains(MODEL + ": 1 requests");
        assertThat(r.err()).contains("invalid row: line 2: temperature is not a number: 'hot'")
                .contains("rows: 1 estimated, 1 invalid");

        Path good = file("good.jsonl", "{\"prompt\":\"hi\"}\n");
        CliRun.Result ok = CliRun.run("batch", "--input", good.toString(), "--model", MODEL, "--dry-run", "--db", db());
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void aBatchWhoseRowsAreAllDoneExitsZero() throws Exception {
        String url = startSim("tps=0,ttft-ms=0");
        Path in = file("in.jsonl", "{\"prompt\":\"one\",\"max_tokens\":5}\n{\"prompt\":\"two\",\"max_tokens\":5}\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString(),
                "--base-url", url, "--model", MODEL, "--db", db());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 succeeded");
        // resuming the finished job: still every row done
        CliRun.Result resumed = CliRun.run("batch", "--resume", jobId(r.err()), "--db", db());
        assertThat(resumed.code()).as(resumed.err()).isZero();
    }

    @Test
    void aBatchWithAFailedRowExitsOneWithTheCountsInOneLine() throws Exception {
        // cut-once=1 cuts the first stream of each distinct prompt: with one attempt a row, exactly one of the
        // two rows with the same prompt fails, the other is done; the third row is invalid
        String url = startSim("tps=0,ttft-ms=0,cut-once=1");
        Path in = file("in.csv", "prompt,max_tokens\nsame question,5\nsame question,5\n,5\n");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = CliRun.run(ONE_ATTEMPT, "batch", "--input", in.toString(), "--output", out.toString(),
                "--base-url", url, "--model", MODEL, "--concurrency", "1", "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("rows: ")).toList())
                .containsExactly("rows: 1 done, 1 failed, 0 not run, 1 invalid");
        assertThat(r.err()).contains("invalid row: line 4: prompt is empty");
        List<String> statuses = Files.readAllLines(out).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject().get("status").getAsString()).sorted().toList();
        assertThat(statuses).containsExactly("done", "failed", "invalid");

        // --resume follows the same rule: the invalid row stays invalid
        CliRun.Result resumed = CliRun.run(ONE_ATTEMPT, "batch", "--resume", jobId(r.err()), "--db", db());
        assertThat(resumed.code()).as(resumed.err()).isEqualTo(1);
        assertThat(resumed.err()).containsPattern("rows: \\d+ done, \\d+ failed, 0 not run, 1 invalid");
    }

    @Test
    void aDbThatIsNotADatabaseIsWrongUsageInOneLine() throws Exception {
        Path notDb = file("notes.db", "these are my notes, not a database\n");
        Path in = file("in.csv", "prompt\nhello\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--db", notDb.toString());
        oneUsageLine(r, "--db: " + notDb + " is not a database");
        assertThat(Files.readString(notDb)).isEqualTo("these are my notes, not a database\n");
        assertThat(dir.resolve("o.jsonl")).doesNotExist();

        oneUsageLine(CliRun.run("batch", "--resume", "b-anything", "--db", notDb.toString()), "is not a database");
        oneUsageLine(CliRun.run("batch", "--input", in.toString(), "--dry-run", "--db", notDb.toString()),
                "is not a database");
        oneUsageLine(CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--db", dir.toString()), "is a folder, not a database file");
    }

    @Test
    void aBudgetThatIsNotANumberIsOnePlainLine() throws Exception {
        Path in = file("in.csv", "prompt\nhello\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--budget-usd", "abc", "--db", db());
        oneUsageLine(r, "--budget-usd: 'abc' is not a number");
        assertThat(r.err()).doesNotContain("NumberFormat").doesNotContain("BigDecimal");
        noJobWasCreated();
    }

    @Test
    void historyOnAMissingDatabaseIsWrongUsageAndCreatesNothing() throws Exception {
        Path missing = dir.resolve("no-such-folder").resolve("x.db");
        CliRun.Result r = CliRun.run("history", "--db", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: --db: there is no database at").contains("does not exist")
                .doesNotContain("\n");
        assertThat(java.nio.file.Files.exists(missing.getParent())).isFalse();
    }
}
