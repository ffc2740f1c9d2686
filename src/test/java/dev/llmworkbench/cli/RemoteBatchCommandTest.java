package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch --remote} and friends against the simulator's Batch API, in-process and in a killed child. */
class RemoteBatchCommandTest {
    @RegisterExtension
    final TestSim sim = new TestSim();

    @TempDir
    Path dir;

    Path input(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"request_id\":\"q").append(i).append("\",\"prompt\":\"question ").append(i)
                    .append("\",\"max_tokens\":20}\n");
        }
        return Files.writeString(dir.resolve("in.jsonl"), sb.toString());
    }

    String db() {
        return dir.resolve("wb.db").toString();
    }

    JsonObject get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    long uploads(String base) throws Exception {
        return get(base + "/files").getAsJsonArray("data").asList().stream()
                .filter(f -> f.getAsJsonObject().get("purpose").getAsString().equals("batch")).count();
    }

    static String jobId(String err) {
        return err.lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow().substring(5).trim();
    }

    @Test
    void aRemoteRunSaysEachShardWritesTheOutputAndCountsFailedLines() throws Exception {
        String base = sim.start("batch-ms=0,batch-line-fail=0.2");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = CliRun.run("batch", "--remote", "--input", input(10).toString(), "--output", out.toString(),
                "--base-url", base, "--model", "qwen-plus", "--max-lines-per-file", "4", "--poll-s", "0.01",
                "--db", db());
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("job: ");
        assertThat(r.err()).containsPattern("shard 1/3: 4 lines, file file-\\w+, batch batch_\\w+")
                .contains("shard 3/3: 2 lines");
        assertThat(Files.readAllLines(out)).hasSize(10);
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).containsPattern("rows: \\d+ done, [1-9]\\d* failed, 0 not run, 0 invalid");
    }

    @Test
    void killedAfterSubmittingThenResumedUploadsNothingAgainAndCreatesNoNewBatch() throws Exception {
        String base = sim.start("");
        Path in = input(120);
        Path out = dir.resolve("out.jsonl");
        Path childErr = dir.resolve("child.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.llmworkbench.Main",
                "batch", "--remote", "--input", in.toString(), "--output", out.toString(), "--base-url", base,
                "--header", "X-Sim-Faults=batch-ms=1500", "--model", "qwen-plus", "--max-lines-per-file", "50",
                "--poll-s", "3600", "--db", db())
                .redirectError(childErr.toFile()).redirectOutput(dir.resolve("child.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(childErr) || Files.readAllLines(childErr).stream().noneMatch(l -> l.startsWith("progress:"))) {
                assertThat(child.isAlive()).as("child alive until it waits").isTrue();
                assertThat(System.nanoTime()).as("submitted in time").isLessThan(deadline);
                LockSupport.parkNanos(20_000_000L); // poll interval
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        List<String> childLines = Files.readAllLines(childErr);
        String job = jobId(String.join("\n", childLines));
        assertThat(childLines).filteredOn(l -> l.startsWith("shard ")).hasSize(3);
        assertThat(uploads(base)).isEqualTo(3);
        // the provider finishes the batches while nobody watches
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get(base + "/batches?limit=100").getAsJsonArray("data").asList().stream()
                .anyMatch(b -> !b.getAsJsonObject().get("status").getAsString().equals("completed"))) {
            assertThat(System.nanoTime()).as("batches done in time").isLessThan(deadline);
            LockSupport.parkNanos(50_000_000L); // poll interval
        }

        CliRun.Result r = CliRun.run("batch", "--resume", job, "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.err().lines().findFirst().orElseThrow()).isEqualTo("job: " + job);
        assertThat(r.err()).doesNotContain("shard 1/3:");
        assertThat(uploads(base)).isEqualTo(3);
        assertThat(get(base + "/batches?limit=100").getAsJsonArray("data")).hasSize(3);
        List<String> lines = Files.readAllLines(out);
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            ids.add(o.get("request_id").getAsString());
            assertThat(o.get("status").getAsString()).isEqualTo("done");
            // the engine named, and the provider's own id of the request kept
            assertThat(o.get("engine").getAsString()).isEqualTo("provider-batch");
            assertThat(o.get("provider_request_id").getAsString()).isNotBlank();
        }
        assertThat(lines).hasSize(120);
        assertThat(ids).hasSize(120);
    }

    @Test
    void statusAsJsonAndCancelOfAJobLeftRunning() throws Exception {
        String base = sim.start("batch-ms=600000");
        CliRun.Result r = CliRun.run("batch", "--remote", "--no-wait", "--input", input(6).toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--base-url", base, "--max-lines-per-file", "3", "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        String job = jobId(r.err());
        CliRun.Result st = CliRun.run("batch", "--remote-status", job, "--json", "--db", db());
        assertThat(st.code()).isEqualTo(0);
        JsonArray shards = st.json().getAsJsonArray("shards");
        assertThat(shards).hasSize(2);
        for (JsonElement s : shards) {
            assertThat(s.getAsJsonObject().get("state").getAsString()).isEqualTo("submitted");
            assertThat(s.getAsJsonObject().get("batch_id").getAsString()).startsWith("batch_");
        }
        CliRun.Result c = CliRun.run("batch", "--cancel", job, "--db", db());
        assertThat(c.code()).as(c.err()).isEqualTo(0);
        assertThat(c.out()).contains("cancel asked for 2 batches");
        for (JsonElement b : get(base + "/batches?limit=100").getAsJsonArray("data")) {
            assertThat(b.getAsJsonObject().get("status").getAsString()).isEqualTo("cancelling");
        }
    }

    @Test
    void aDryRunShowsTheFilesTheWindowAndTheSaving() throws Exception {
        String base = sim.start("");
        CliRun.Result r = CliRun.run("batch", "--remote", "--dry-run", "--input", input(7).toString(), "--base-url",
                base, "--model", "qwen-plus", "--max-lines-per-file", "3", "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).containsPattern("dry run: 7 rows in 3 files and 3 batches, completion window 24h; "
                + "worst case \\$[0-9.]+ live, \\$[0-9.]+ at the batch price \\(saving \\$[0-9.]+\\)");
        assertThat(uploads(base)).isZero();
    }

    @Test
    void exportedFilesRunElsewhereAreImportedIntoTheJob() throws Exception {
        String base = sim.start("");
        Path files = dir.resolve("files");
        CliRun.Result r = CliRun.run("batch", "--remote", "--export-batch-files", files.toString(), "--input",
                input(3).toString(), "--output", dir.resolve("out.jsonl").toString(), "--base-url", base,
                "--model", "qwen-plus", "--db", db());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        String job = jobId(r.err());
        List<String> lines = Files.readAllLines(files.resolve("shard-1.jsonl"));
        assertThat(lines).hasSize(3);
        StringBuilder results = new StringBuilder();
        for (String l : lines) {
            String id = JsonParser.parseString(l).getAsJsonObject().get("custom_id").getAsString();
            results.append("{\"id\":\"x\",\"custom_id\":\"").append(id).append("\",\"response\":{\"status_code\":200,")
                    .append("\"request_id\":\"vllm-1\",\"body\":{\"model\":\"qwen-plus\",\"choices\":[{\"index\":0,")
                    .append("\"message\":{\"role\":\"assistant\",\"content\":\"ok ").append(id)
                    .append("\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,")
                    .append("\"total_tokens\":7}}},\"error\":null}\n");
        }
        Path res = Files.writeString(dir.resolve("results.jsonl"), results.toString());
        CliRun.Result im = CliRun.run("batch", "--resume", job, "--import-results", res.toString(), "--db", db());
        assertThat(im.code()).as(im.err()).isEqualTo(0);
        assertThat(im.err()).contains("imported: 3 done, 0 failed, 0 not run");
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(3).allSatisfy(l -> assertThat(l).contains("ok q"));
        assertThat(uploads(base)).isZero();
    }

    @Test
    void aValidationFailureIsOneLineWithTheProvidersLineAndExitOne() throws Exception {
        String base = sim.start("batch-ms=0,batch-max-lines=2");
        CliRun.Result r = CliRun.run("batch", "--remote", "--input", input(3).toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--base-url", base, "--poll-s", "0.01", "--db", db());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("shard 1: failed: line 3: The file has 3 lines; the limit is 2. (too_many_lines)")
                .contains("rows: 0 done, 0 failed, 3 not run, 0 invalid");
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(3).allSatisfy(l -> assertThat(
                JsonParser.parseString(l).getAsJsonObject().get("error").getAsString())
                .isEqualTo("not run: the provider refused the batch file: line 3: The file has 3 lines; the limit is 2."
                        + " (too_many_lines)"));
    }

    @Test
    void aWrongKeyIsOneLineAndExitTwo() throws Exception {
        String base = sim.start("key=right-key");
        CliRun.Result r = CliRun.run("batch", "--remote", "--input", input(2).toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--base-url", base, "--db", db());
        assertThat(r.code()).isEqualTo(2);
        List<String> errLines = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errLines).hasSize(1);
        assertThat(errLines.get(0)).contains("auth").contains("Incorrect API key");
    }

    @Test
    void priceAtTheBatchDiscount() {
        CliRun.Result live = CliRun.of("price", "--model", "qwen-plus", "--provider", "dashscope-intl",
                "--input-tokens", "1000000", "--output-tokens", "0", "--json");
        CliRun.Result batch = CliRun.of("price", "--model", "qwen-plus", "--provider", "dashscope-intl",
                "--input-tokens", "1000000", "--output-tokens", "0", "--json", "--batch");
        assertThat(live.json().get("cost_usd").getAsBigDecimal())
                .isEqualByComparingTo(batch.json().get("cost_usd").getAsBigDecimal().multiply(new java.math.BigDecimal(2)));
        assertThat(batch.json().get("batch_discount_applied").getAsBoolean()).isTrue();
    }
}
