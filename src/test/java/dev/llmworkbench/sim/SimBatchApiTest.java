package dev.llmworkbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulated Batch API on fake time: the life of a batch, validation, faults, cancel, listing. */
class SimBatchApiTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private Simulator sim;
    private SimClient c;

    private void start(String faults) throws IOException {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)), now::get);
        c = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    static String line(String id, String model, String prompt) {
        return "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}}";
    }

    static String lines(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(line("row-" + i, "qwen-plus", "question " + i)).append('\n');
        }
        return sb.toString();
    }

    private HttpResponse<String> upload(String content) throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return c.http.send(c.request("/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String json) throws Exception {
        return c.http.send(c.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject createBatch(String content, String window) throws Exception {
        HttpResponse<String> up = upload(content);
        assertThat(up.statusCode()).isEqualTo(200);
        String fileId = SimClient.json(up.body()).get("id").getAsString();
        HttpResponse<String> b = postJson("/batches", "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"" + window
                + "\",\"metadata\":{\"workbench_job\":\"b-1\",\"workbench_shard\":\"1\"}}");
        assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
        return SimClient.json(b.body());
    }

    private JsonObject get(String id) throws Exception {
        HttpResponse<String> r = c.get("/batches/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        return SimClient.json(r.body());
    }

    private static int count(JsonObject batch, String name) {
        return batch.getAsJsonObject("request_counts").get(name).getAsInt();
    }

    private List<JsonObject> fileLines(JsonElement id) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        if (id == null || id.isJsonNull()) {
            return out;
        }
        HttpResponse<String> r = c.get("/files/" + id.getAsString() + "/content");
        assertThat(r.statusCode()).isEqualTo(200);
        for (String l : r.body().split("\n")) {
            if (!l.isBlank()) {
                out.add(SimClient.json(l));
            }
        }
        return out;
    }

    @Test
    void aBatchGoesThroughItsStatesWithCountsGrowingAndAnswersEveryLineInShuffledOrder() throws Exception {
        start("batch-ms=1000");
        JsonObject b = createBatch(lines(40), "24h");
        String id = b.get("id").getAsString();
        assertThat(b.get("status").getAsString()).isEqualTo("validating");
        assertThat(b.getAsJsonObject("metadata").get("workbench_job").getAsString()).isEqualTo("b-1");
        advanceMs(200);
        JsonObject early = get(id);
        assertThat(early.get("status").getAsString()).isEqualTo("in_progress");
        advanceMs(300);
        JsonObject mid = get(id);
        assertThat(count(mid, "completed")).isGreaterThan(count(early, "completed")).isLessThan(40);
        advanceMs(350);
        assertThat(get(id).get("status").getAsString()).isEqualTo("finalizing");
        advanceMs(200);
        JsonObject done = get(id);
        assertThat(done.get("status").getAsString()).isEqualTo("completed");
        assertThat(count(done, "completed")).isEqualTo(40);
        assertThat(done.get("error_file_id").isJsonNull()).isTrue();
        List<JsonObject> out = fileLines(done.get("output_file_id"));
        assertThat(out).hasSize(40);
        List<String> ids = out.stream().map(o -> o.get("custom_id").getAsString()).toList();
        assertThat(new HashSet<>(ids)).hasSize(40);
        assertThat(ids).isNotEqualTo(ids.stream().sorted((x, y) -> Integer.compare(
                Integer.parseInt(x.substring(4)), Integer.parseInt(y.substring(4)))).toList());
        JsonObject resp = out.get(0).getAsJsonObject("response");
        assertThat(resp.get("status_code").getAsInt()).isEqualTo(200);
        assertThat(resp.get("request_id").getAsString()).isNotBlank();
        assertThat(resp.getAsJsonObject("body").getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isPositive();
    }

    @Test
    void validationFailuresNameTheirLines() throws Exception {
        start("batch-ms=0,batch-max-lines=6");
        String content = line("a", "qwen-plus", "x") + "\n"
                + "{not json\n"
                + line("a", "qwen-plus", "y") + "\n"
                + line("c", "qwen-plus", "z").replace("/v1/chat/completions", "/v1/embeddings") + "\n"
                + line("d", "qwen-max", "w") + "\n"
                + line("e", "qwen-plus", "v") + "\n"
                + line("f", "qwen-plus", "u") + "\n";
        JsonObject b = get(createBatch(content, "24h").get("id").getAsString());
        assertThat(b.get("status").getAsString()).isEqualTo("failed");
        List<String> found = new ArrayList<>();
        for (JsonElement e : b.getAsJsonObject("errors").getAsJsonArray("data")) {
            found.add(e.getAsJsonObject().get("line").getAsInt() + ":" + e.getAsJsonObject().get("code").getAsString());
        }
        assertThat(found).containsExactly("2:invalid_json_line", "3:duplicate_custom_id", "4:mismatched_url",
                "5:mismatched_model", "7:too_many_lines");
    }

    @Test
    void dashscopeAcceptsLongWindowsAndOneThinkingModePerFileOpenAiOnly24h() throws Exception {
        start("batch-ms=0,batch-flavor=dashscope");
        String thinking = line("t", "qwen3-32b", "x").replace("\"messages\"", "\"enable_thinking\":true,\"messages\"");
        String plain = line("p", "qwen3-32b", "y").replace("\"messages\"", "\"enable_thinking\":false,\"messages\"");
        JsonObject b = get(createBatch(thinking + "\n" + plain + "\n", "7d").get("id").getAsString());
        assertThat(b.get("status").getAsString()).isEqualTo("failed");
        assertThat(b.getAsJsonObject("errors").getAsJsonArray("data").get(0).getAsJsonObject().get("code")
                .getAsString()).isEqualTo("mismatched_thinking");
        sim.close();
        start("batch-ms=0");
        String fileId = SimClient.json(upload(lines(1)).body()).get("id").getAsString();
        HttpResponse<String> r = postJson("/batches", "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"48h\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("only 24h");
    }

    @Test
    void failingLinesGoToTheErrorFileWithTheirStatus() throws Exception {
        start("batch-ms=0,batch-line-fail=0.2");
        JsonObject b = get(createBatch(lines(200), "24h").get("id").getAsString());
        assertThat(b.get("status").getAsString()).isEqualTo("completed");
        List<JsonObject> out = fileLines(b.get("output_file_id"));
        List<JsonObject> err = fileLines(b.get("error_file_id"));
        assertThat(out.size() + err.size()).isEqualTo(200);
        assertThat(err.size()).isBetween(20, 60);
        assertThat(count(b, "failed")).isEqualTo(err.size());
        assertThat(err.get(0).getAsJsonObject("response").get("status_code").getAsInt()).isEqualTo(500);
        assertThat(err.get(0).getAsJsonObject("response").getAsJsonObject("body").getAsJsonObject("error")
                .get("message").getAsString()).contains("simulated");
    }

    @Test
    void anExpiredBatchLeavesHalfItsLinesBatchExpired() throws Exception {
        start("batch-ms=1000,batch-expire=1");
        String id = createBatch(lines(10), "24h").get("id").getAsString();
        advanceMs(300);
        assertThat(get(id).get("status").getAsString()).isEqualTo("in_progress");
        advanceMs(300);
        JsonObject b = get(id);
        assertThat(b.get("status").getAsString()).isEqualTo("expired");
        assertThat(fileLines(b.get("output_file_id"))).hasSize(5);
        List<JsonObject> err = fileLines(b.get("error_file_id"));
        assertThat(err).hasSize(5).allSatisfy(e -> {
            assertThat(e.get("response").isJsonNull()).isTrue();
            assertThat(e.getAsJsonObject("error").get("code").getAsString()).isEqualTo("batch_expired");
        });
    }

    @Test
    void cancelStopsTheRestAndListingPagesNewestFirst() throws Exception {
        start("batch-ms=1000");
        String first = createBatch(lines(3), "24h").get("id").getAsString();
        String second = createBatch(lines(10), "24h").get("id").getAsString();
        advanceMs(450); // half the work done
        HttpResponse<String> cancel = postJson("/batches/" + second + "/cancel", "");
        assertThat(SimClient.json(cancel.body()).get("status").getAsString()).isEqualTo("cancelling");
        advanceMs(100);
        JsonObject b = get(second);
        assertThat(b.get("status").getAsString()).isEqualTo("cancelled");
        List<JsonObject> err = fileLines(b.get("error_file_id"));
        assertThat(err).isNotEmpty().allSatisfy(e ->
                assertThat(e.getAsJsonObject("error").get("code").getAsString()).isEqualTo("batch_cancelled"));
        assertThat(fileLines(b.get("output_file_id")).size() + err.size()).isEqualTo(10);

        JsonObject page1 = SimClient.json(c.get("/batches?limit=1").body());
        assertThat(page1.getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString()).isEqualTo(second);
        assertThat(page1.get("has_more").getAsBoolean()).isTrue();
        JsonObject page2 = SimClient.json(c.get("/batches?limit=1&after=" + second).body());
        assertThat(page2.getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString()).isEqualTo(first);
        assertThat(page2.get("has_more").getAsBoolean()).isFalse();

        assertThat(c.get("/batches/batch_nope").statusCode()).isEqualTo(404);
        advanceMs(1000);
        assertThat(postJson("/batches/" + first + "/cancel", "").statusCode()).isEqualTo(400);
        Set<Integer> statuses = new HashSet<>();
        statuses.add(c.get("/files/file-nope/content").statusCode());
        assertThat(statuses).containsExactly(404);
    }

    @Test
    void anUploadThatIsNotMultipartIsRefused() throws Exception {
        start("");
        HttpResponse<String> r = c.http.send(c.request("/files").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new String(r.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .contains("multipart");
    }
}
