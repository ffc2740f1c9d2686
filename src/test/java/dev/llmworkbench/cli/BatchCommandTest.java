package dev.llmworkbench.cli;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.BatchJobRecord;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.batch.BatchTarget;
import dev.llmworkbench.store.BatchStore;
import dev.llmworkbench.store.Database;
import dev.llmworkbench.store.ResultStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;


/** {@code batch} end to end over real HTTP against the simulator, with the store in a temp folder. */
class BatchCommandTest {
    private static final String MODEL = "qwen3-235b-a22b";

    @TempDir
    Path dir;

    @org.junit.jupiter.api.extension.RegisterExtension
    final TestSim sims = new TestSim();

    private String startSim(String faults) throws java.io.IOException {
        return sims.start(faults);
    }

    private Path jsonl(String name, int rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append("{\"prompt\":\"question number ").append(i).append("\"}\n");
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    private static List<JsonObject> lines(Path p) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) {
            out.add(JsonParser.parseString(l).getAsJsonObject());
        }
        return out;
    }

    private static String jobId(String err) {
        String first = err.lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow();
        return first.substring(5).trim();
    }

    @Test
    void twoHundredRowsThrough429sAnd5xxAllEndDoneWithRetriesRecorded() throws Exception {
        String url = startSim("tps=0,ttft-ms=0,rate429=0.1,rate5xx=0.05,retry-after-ms=20");
        Path in = jsonl("in.jsonl", 200);
        Path out = dir.resolve("out.jsonl");
        Path db = dir.resolve("wb.db");
        Path summary = dir.resolve("summary.json");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url", url,
                "--model", MODEL, "--max-tokens", "50", "--concurrency", "8", "--rpm", "1000000", "--tpm", "1000000000",
                "--db", db.toString(), "--summary-json", summary.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("job: b-");
        List<JsonObject> lines = lines(out);
        assertThat(lines).hasSize(200).allSatisfy(l -> assertThat(l.get("status").getAsString()).isEqualTo("done"));
        int retried = (int) lines.stream().filter(l -> l.get("attempts").getAsInt() > 1).count();
        assertThat(retried).isGreaterThan(0);
        assertThat(sims.sim().requestCount()).isGreaterThan(200);
        try (Database d = Database.open(db)) {
            BatchStore store = new BatchStore(d);
            List<BatchStore.ItemResult> items = store.itemsWithResults(jobId(r.err()));
            assertThat(items).hasSize(200).allSatisfy(ir -> assertThat(ir.result()).isNotNull());
            long withFailedAttempts = items.stream()
                    .filter(ir -> ir.result().attempts().stream().anyMatch(a -> a.errorKind() != null)).count();
            assertThat(withFailedAttempts).isEqualTo(retried);
            List<Attempt> some = items.stream().filter(ir -> ir.result().attempts().size() > 1).findFirst()
                    .orElseThrow().result().attempts();
            assertThat(some.get(0).httpStatus()).isIn(429, 500, 502, 503, 504);
            assertThat(some.get(some.size() - 1).errorKind()).isNull();
            // every request the simulator saw beyond the first per item is a recorded retry
            long attempts = items.stream().mapToLong(ir -> ir.result().attempts().size()).sum();
            assertThat(attempts).isEqualTo(sims.sim().requestCount());
        }
        JsonObject s = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        assertThat(s.keySet()).containsExactly("total", "succeeded", "failed", "not_run", "invalid", "success_rate",
                "pass_rate", "cost_usd_total", "cost_usd_mean", "prompt_tokens", "completion_tokens", "latency_ms",
                "ttft_ms", "total_ms", "count_429", "retries", "cuts", "limiter", "output_tokens_per_s", "wall_s");
        assertThat(s.get("total").getAsInt()).isEqualTo(200);
        assertThat(s.get("succeeded").getAsInt()).isEqualTo(200);
        assertThat(s.get("success_rate").getAsDouble()).isEqualTo(1.0);
        assertThat(s.get("pass_rate").isJsonNull()).isTrue();
        assertThat(s.getAsJsonObject("latency_ms").keySet()).containsExactly("p50", "p95", "p99");
        assertThat(s.getAsJsonObject("ttft_ms").keySet()).containsExactly("p50", "p95", "p99");
        assertThat(s.getAsJsonObject("total_ms").keySet()).containsExactly("p50", "p95", "p99");
        // the queue and the retries are in total_ms, not in latency_ms
        assertThat(s.getAsJsonObject("total_ms").get("p99").getAsDouble())
                .isGreaterThanOrEqualTo(s.getAsJsonObject("latency_ms").get("p99").getAsDouble());
        assertThat(s.get("retries").getAsInt()).isEqualTo(retried == 0 ? 0 : (int) (sims.sim().requestCount() - 200));
        assertThat(s.get("count_429").getAsInt()).isPositive().isLessThanOrEqualTo(s.get("retries").getAsInt());
        assertThat(s.getAsJsonObject("limiter").get("state").getAsString()).isNotBlank();
        assertThat(r.out()).contains("200 succeeded");
    }

    @Test
    void brokenRowsAreReportedWithLineNumbersAndGoodRowsStillRun() throws Exception {
        String url = startSim("tps=0,ttft-ms=0");
        Path in = dir.resolve("in.csv");
        Files.writeString(in, """
                prompt,topic,max_tokens,expected,check
                "Tell me about {{topic}}",cats,20,,contains:
                "Hi {{missing}}",x,20,,
                "About {{topic}}",dogs,lots,,
                ,empty,20,,
                "Ok {{topic}}",birds,20,,regex:[
                "Fine {{topic}}",fish,20,,max_chars:100000
                """);
        Path out = dir.resolve("out.csv");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url", url,
                "--rpm", "100000", "--db", dir.resolve("wb.db").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 2: contains: needs a text")
                .contains("line 3: no column for {{missing}}")
                .contains("line 4: max_tokens is not a whole number: 'lots'")
                .contains("line 5: prompt is empty")
                .contains("line 6: bad regex");
        try (Reader reader = Files.newBufferedReader(out);
             CSVParser p = CSVParser.builder().setReader(reader)
                     .setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            assertThat(p.getHeaderNames()).containsExactly("request_id", "line", "status", "model", "response",
                    "reasoning", "finish_reason", "latency_ms", "ttft_ms", "queue_ms", "total_ms", "prompt_tokens",
                    "completion_tokens", "cost_usd", "attempts", "check", "error", "note", "engine", "provider_request_id");
            List<CSVRecord> recs = p.getRecords();
            assertThat(recs).extracting(c -> c.get("line")).containsExactly("2", "3", "4", "5", "6", "7");
            assertThat(recs).extracting(c -> c.get("status"))
                    .containsExactly("invalid", "invalid", "invalid", "invalid", "invalid", "done");
            CSVRecord good = recs.get(5);
            assertThat(good.get("check")).isEqualTo("pass");
            assertThat(good.get("error")).isEmpty();
            assertThat(good.get("response")).isNotEmpty();
            assertThat(Integer.parseInt(good.get("completion_tokens"))).isBetween(1, 20);
            assertThat(good.get("request_id")).startsWith("row-");
            assertThat(recs.get(1).get("error")).isEqualTo("line 3: no column for {{missing}} in the prompt template");
            assertThat(recs.get(1).get("attempts")).isEqualTo("0");
        }
        assertThat(sims.sim().requestCount()).isEqualTo(1);
    }

    @Test
    void exportsAreCheckedFieldByFieldAgainstTheStore() throws Exception {
        String url = startSim("tps=0,ttft-ms=0");
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, """
                {"request_id":"a","prompt":"say something","max_tokens":30,"check":["max_chars:100000"]}
                {"request_id":"b","prompt":"say more","max_tokens":30,"expected":"certainly not this"}
                {"custom_id":"c","method":"POST","url":"/v1/chat/completions","body":{"model":"qwen3-32b","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],"max_tokens":25}}
                not json
                """);
        Path db = dir.resolve("wb.db");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url", url,
                "--model", MODEL, "--rpm", "100000", "--db", db.toString());
        assertThat(r.code()).isEqualTo(1);
        List<JsonObject> lines = lines(out);
        assertThat(lines).hasSize(4);
        for (JsonObject l : lines) {
            assertThat(l.keySet()).containsExactly("request_id", "line", "status", "model", "response", "reasoning",
                    "finish_reason", "latency_ms", "ttft_ms", "queue_ms", "total_ms", "prompt_tokens",
                    "completion_tokens", "cost_usd", "attempts", "check", "error", "note", "engine", "provider_request_id");
        }
        try (Database d = Database.open(db)) {
            ResultStore results = new ResultStore(d);
            BatchStore store = new BatchStore(d);
            BatchJobRecord job = store.findJob(jobId(r.err())).orElseThrow();
            List<BatchStore.ItemResult> items = store.itemsWithResults(job.id());
            for (int i = 0; i < 3; i++) {
                JsonObject l = lines.get(i);
                ResultRecord rec = results.findByItem(items.get(i).item().id()).orElseThrow();
                assertThat(l.get("request_id").getAsString()).isEqualTo(List.of("a", "b", "c").get(i));
                assertThat(l.get("line").getAsInt()).isEqualTo(i + 1);
                assertThat(l.get("status").getAsString()).isEqualTo("done");
                assertThat(l.get("model").getAsString()).isEqualTo(rec.model());
                assertThat(l.get("response").getAsString()).isEqualTo(rec.responseText()).isNotEmpty();
                assertThat(l.get("reasoning").isJsonNull()).isTrue();
                assertThat(l.get("finish_reason").getAsString()).isEqualTo(rec.finishReason());
                assertThat(l.get("latency_ms").getAsDouble()).isCloseTo(rec.timing().e2eMs(), org.assertj.core.data.Offset.offset(0.001));
                assertThat(l.get("ttft_ms").getAsDouble()).isCloseTo(rec.timing().ttftMs(), org.assertj.core.data.Offset.offset(0.001));
                assertThat(l.get("queue_ms").getAsDouble()).isCloseTo(rec.timing().queueMs(), org.assertj.core.data.Offset.offset(0.001));
                assertThat(l.get("total_ms").getAsDouble()).isCloseTo(rec.timing().totalMs(), org.assertj.core.data.Offset.offset(0.001))
                        .isGreaterThanOrEqualTo(l.get("latency_ms").getAsDouble());
                assertThat(l.get("prompt_tokens").getAsInt()).isEqualTo(rec.usage().promptTokens());
                assertThat(l.get("completion_tokens").getAsInt()).isEqualTo(rec.usage().completionTokens());
                CostCalculator costs = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
                BigDecimal expectedCost = costs.cost(null, rec.model(), rec.usage(), false).totalUsd().amount();
                assertThat(l.get("cost_usd").getAsBigDecimal()).isEqualByComparingTo(expectedCost);
                assertThat(l.get("attempts").getAsInt()).isEqualTo(1);
                assertThat(l.get("error").isJsonNull()).isTrue();
            }
            assertThat(lines.get(0).get("check").getAsString()).isEqualTo("pass");
            assertThat(lines.get(1).get("check").getAsString()).isEqualTo("fail");
            assertThat(lines.get(2).get("check").isJsonNull()).isTrue();
            assertThat(lines.get(0).get("model").getAsString()).isEqualTo(MODEL);
            assertThat(lines.get(2).get("model").getAsString()).isEqualTo("qwen3-32b");
            assertThat(lines.get(2).get("completion_tokens").getAsInt()).isLessThanOrEqualTo(25);
        }
        JsonObject bad = lines.get(3);
        assertThat(bad.get("status").getAsString()).isEqualTo("invalid");
        assertThat(bad.get("line").getAsInt()).isEqualTo(4);
        assertThat(bad.get("error").getAsString()).startsWith("line 4: not valid JSON");
        assertThat(bad.get("response").isJsonNull()).isTrue();
        assertThat(bad.get("attempts").getAsInt()).isZero();
    }

    @Test
    void budgetExhaustionStopsCleanlyWithinTheBudgetAndMarksTheRestNotRun() throws Exception {
        String url = startSim("tps=0,ttft-ms=0");
        Path in = jsonl("in.jsonl", 60);
        Path out = dir.resolve("out.jsonl");
        Path summary = dir.resolve("s.json");
        // a budget that covers a handful of rows: it is used to the end, never passed
        BigDecimal budget = new BigDecimal("0.002");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url", url,
                "--model", MODEL, "--max-tokens", "200", "--concurrency", "4", "--rpm", "100000",
                "--budget-usd", budget.toPlainString(), "--db", dir.resolve("wb.db").toString(),
                "--summary-json", summary.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("stopped sending: the budget").contains("why: the budget of $0.002 is spent");
        JsonObject s = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        int done = s.get("succeeded").getAsInt();
        int notRun = s.get("not_run").getAsInt();
        assertThat(done).isGreaterThan(0);
        assertThat(notRun).isGreaterThan(0);
        assertThat(done + notRun).isEqualTo(60);
        assertThat(s.get("cost_usd_total").getAsBigDecimal()).isLessThanOrEqualTo(budget)
                .isGreaterThanOrEqualTo(budget.multiply(new BigDecimal("0.9")));
        assertThat(sims.sim().requestCount()).isEqualTo(done);
        List<JsonObject> lines = lines(out);
        assertThat(lines.stream().filter(l -> l.get("status").getAsString().equals("not_run")).count()).isEqualTo(notRun);
        assertThat(lines.stream().filter(l -> l.get("status").getAsString().equals("not_run"))
                .allMatch(l -> l.get("response").isJsonNull() && l.get("attempts").getAsInt() == 0)).isTrue();
    }

    @Test
    void wrongUsageExitsTwoWithOneClearLine() throws Exception {
        Path db = dir.resolve("wb.db");
        CliRun.Result noInput = CliRun.run("batch", "--output", dir.resolve("o.jsonl").toString(), "--db", db.toString());
        assertThat(noInput.code()).isEqualTo(2);
        assertThat(noInput.err()).contains("--input FILE is required");

        CliRun.Result missing = CliRun.run("batch", "--input", dir.resolve("nope.csv").toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--db", db.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the input file");

        Path txt = Files.writeString(dir.resolve("in.txt"), "prompt\nhello\n");
        CliRun.Result ext = CliRun.run("batch", "--input", txt.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--db", db.toString());
        assertThat(ext.code()).isEqualTo(2);
        assertThat(ext.err()).contains("expected .csv or .jsonl");

        Path csv = Files.writeString(dir.resolve("in.csv"), "prompt\nhello\n");
        CliRun.Result fmt = CliRun.run("batch", "--input", csv.toString(), "--output", dir.resolve("o.xml").toString(),
                "--db", db.toString());
        assertThat(fmt.code()).isEqualTo(2);
        assertThat(fmt.err()).contains("unknown export format 'xml'");

        CliRun.Result conc = CliRun.run("batch", "--input", csv.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--concurrency", "0", "--db", db.toString());
        assertThat(conc.code()).isEqualTo(2);
        CliRun.Result prio = CliRun.run("batch", "--input", csv.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--priority", "urgent", "--db", db.toString());
        assertThat(prio.code()).isEqualTo(2);
        assertThat(prio.err()).contains("unknown priority 'urgent'");

        Path noPrompt = Files.writeString(dir.resolve("np.csv"), "question\nhello\n");
        CliRun.Result header = CliRun.run("batch", "--input", noPrompt.toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--db", db.toString());
        assertThat(header.code()).isEqualTo(2);
        assertThat(header.err()).contains("no 'prompt' column");

        CliRun.Result resume = CliRun.run("batch", "--resume", "b-nothing", "--db", db.toString());
        assertThat(resume.code()).isEqualTo(2);
        assertThat(resume.err()).contains("no batch job 'b-nothing'");
    }

    @Test
    void embeddedSimulatorByDefaultAndExitZeroWhenEveryRowSucceeds() throws Exception {
        Path in = Files.writeString(dir.resolve("in.csv"), "prompt,max_tokens\nhello,5\nworld,5\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--db", dir.resolve("wb.db").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("2 succeeded");
    }

    @Test
    void aMissingKeyIsWrongUsageBeforeAnyJobIsCreated() throws Exception {
        Path in = Files.writeString(dir.resolve("k.csv"), "prompt\nhello\n");
        Path db = dir.resolve("k.db");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("k.jsonl").toString(),
                "--api-key-env", "LLMWB_TEST_SURELY_UNSET", "--db", db.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("job: ").contains("LLMWB_TEST_SURELY_UNSET");
        CliRun.Result h = CliRun.run("history", "list", "--json", "--db", db.toString());
        assertThat(h.json().getAsJsonArray("runs")).isEmpty();
    }

    @Test
    void aResumedJobKeepsItsDialectStreamingAndHeadersAndAsksAgainForACredentialWhoseValueIsNeverStored() throws Exception {
        Path in = Files.writeString(dir.resolve("h.csv"), "prompt,max_tokens\nhello,5\nworld,5\n");
        Path db = dir.resolve("h.db");
        // a server that records what each request carried, answering one whole (not streamed) completion
        List<RecordedRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    seen.add(r);
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(
                            "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"qwen-turbo\",\"choices\":[{\"index\":0,"
                            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}").build();
                }
            });
            server.start();
            CliRun.Result first = CliRun.run("batch", "--input", in.toString(), "--output",
                    dir.resolve("h.jsonl").toString(), "--base-url", server.url("/v1").toString(), "--header",
                    "X-Team=blue-team-5521", "--header", "X-Api-Key=hdr-secret-93731", "--no-stream", "--dialect",
                    "vllm", "--db", db.toString());
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(seen).hasSize(2);
            String job = first.err().lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow().substring(5)
                    .trim();
            try (CliServices services = new CliServices()) {
                BatchSettings settings = BatchSettings.fromJson(services.batches(db.toString()).job(job).orElseThrow()
                        .settingsJson());
                assertThat(settings.dialect()).isEqualTo(dev.llmworkbench.domain.Dialect.VLLM);
                assertThat(settings.stream()).isFalse();
                // an ordinary header is kept; a credential's value is not
                assertThat(settings.headers()).containsEntry("X-Team", "blue-team-5521").containsEntry("X-Api-Key", null);
            }
            for (String f : new String[] {"h.db", "h.db-wal"}) {
                if (Files.exists(dir.resolve(f))) {
                    assertThat(new String(Files.readAllBytes(dir.resolve(f)), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(f).doesNotContain("hdr-secret-93731");
                }
            }
            // as a crash would leave it: the second row sent, its result never committed
            try (Database d = Database.open(db)) {
                d.write(c -> {
                    try (var ps = c.prepareStatement("DELETE FROM results WHERE item_id = (SELECT MAX(id) FROM batch_items)");
                         var up = c.prepareStatement("UPDATE batch_items SET status = 'in_flight' WHERE id = (SELECT MAX(id) FROM batch_items)")) {
                        return ps.executeUpdate() + up.executeUpdate();
                    }
                });
            }
            CliRun.Result without = CliRun.run("batch", "--resume", job, "--db", db.toString());
            assertThat(without.code()).isEqualTo(2);
            assertThat(without.err()).contains("the job was run with --header X-Api-Key=...; give it again");
            assertThat(seen).as("nothing is sent without the credential").hasSize(2);
            CliRun.Result with = CliRun.run("batch", "--resume", job, "--db", db.toString(), "--header",
                    "X-Api-Key=hdr-secret-93731");
            assertThat(with.code()).as(with.err()).isZero();
            // the row in flight was sent again, as the first run sent it: not streamed, both headers
            assertThat(seen).hasSize(3);
            RecordedRequest again = seen.get(2);
            assertThat(again.getHeaders().get("X-Team")).isEqualTo("blue-team-5521");
            assertThat(again.getHeaders().get("X-Api-Key")).isEqualTo("hdr-secret-93731");
            JsonObject body = JsonParser.parseString(again.getBody().utf8()).getAsJsonObject();
            assertThat(body.get("stream").getAsBoolean()).isFalse();
            assertThat(body.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString())
                    .isEqualTo("world");
        }
    }

    @Test
    void resumeTakesOnlyTheDbAndHistoryShowsAJobByItsId() throws Exception {
        Path in = Files.writeString(dir.resolve("r.csv"), "prompt,max_tokens\nhello,5\nworld,5\n");
        Path db = dir.resolve("r.db");
        CliRun.Result first = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("r.jsonl").toString(),
                "--db", db.toString());
        assertThat(first.code()).as(first.err()).isZero();
        String job = first.err().lines().filter(l -> l.startsWith("job: ")).findFirst().orElseThrow().substring(5).trim();

        CliRun.Result extra = CliRun.run("batch", "--resume", job, "--concurrency", "9", "--db", db.toString());
        assertThat(extra.code()).isEqualTo(2);
        assertThat(extra.err().strip()).startsWith("error: --resume takes only --db and --header").contains("--concurrency");

        CliRun.Result again = CliRun.run("batch", "--resume", job, "--db", db.toString(), "--summary-json",
                dir.resolve("ignored.json").toString());
        assertThat(again.code()).isEqualTo(2);

        Path summary = dir.resolve("r-summary.json");
        CliRun.Result resumed = CliRun.run("batch", "--resume", job, "--db", db.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        CliRun.Result show = CliRun.run("history", "show", job, "--json", "--db", db.toString());
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.json().get("job_id").getAsString()).isEqualTo(job);
        assertThat(show.json().getAsJsonArray("models").toString()).contains("qwen3-235b-a22b");
        // resuming a finished job keeps the run's wall time: the earlier session's requests (each at
        // least the embedded simulator's ~450 ms time to first token) count, not only the resume itself
        double wall = show.json().getAsJsonObject("summary").get("wall_s").getAsDouble();
        assertThat(wall).isGreaterThanOrEqualTo(0.35);
        assertThat(summary).doesNotExist();
    }

    @Test
    void aDryRunPricesEachRowAtItsOwnModelOrTheRoutersPickAndSendsNothing() throws Exception {
        String url = startSim("ttft-ms=0,tps=0");
        com.google.gson.JsonObject complex = new com.google.gson.JsonObject();
        complex.addProperty("prompt", "Design an async API and optimize this algorithm:\n```python\ndef f(x):\n"
                + "    return x\n```\nThen implement a concurrent version.\n```python\npass\n```\n"
                + "Explain the parallel design in detail.");
        Path in = dir.resolve("mixed.jsonl");
        Files.writeString(in, "{\"prompt\":\"hi\"}\n" + complex + "\n{\"prompt\":\"hello\",\"model\":\"qwen-max\"}\n");
        CliRun.Result routed = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--base-url", url, "--route", "--dry-run", "--db", dir.resolve("wb.db").toString());
        assertThat(routed.code()).as(routed.err()).isZero();
        assertThat(routed.out()).contains("3 valid rows").contains("qwen-turbo: 1 requests")
                .containsPattern("qwen-turbo: 1 requests, \\d+ input tokens \\(qwen3\\), up to")
                .contains("qwen3-235b-a22b: 1 requests").contains("qwen-max: 1 requests");
        CliRun.Result fixed = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--base-url", url, "--model", "qwen-plus", "--dry-run", "--db", dir.resolve("wb.db").toString());
        assertThat(fixed.code()).as(fixed.err()).isZero();
        assertThat(fixed.out()).contains("qwen-plus: 2 requests").contains("qwen-max: 1 requests")
                .doesNotContain("qwen-turbo");
        assertThat(sims.sim().requestCount()).isZero();
    }
}
