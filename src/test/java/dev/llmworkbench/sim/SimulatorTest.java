package dev.llmworkbench.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.llmworkbench.sim.SimClient.count;
import static dev.llmworkbench.sim.SimClient.deltas;
import static dev.llmworkbench.sim.SimClient.json;
import static org.assertj.core.api.Assertions.assertThat;


/** The simulator's protocol, through real loopback HTTP with the JDK's client. */
class SimulatorTest {
    private Simulator sim;
    private SimClient client;

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0")));
        client = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String body(String prompt, String extra) {
        return SimClient.body(prompt, extra);
    }

    private List<JsonObject> streamChunks(String prompt, String extra) throws Exception {
        HttpResponse<String> r = client.post(body(prompt, "\"stream\":true" + (extra.isEmpty() ? "" : "," + extra)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/event-stream"));
        List<String> events = SimClient.events(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        return new SimClient.Result(events, null).chunks();
    }

    private static String finishReason(List<JsonObject> chunks) {
        return chunks.stream().filter(c -> !c.getAsJsonArray("choices").isEmpty())
                .map(c -> c.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason"))
                .filter(e -> !e.isJsonNull()).map(JsonElement::getAsString).findFirst().orElse(null);
    }

    @Test
    void listsEveryConfiguredModelDefaultFirst() throws Exception {
        HttpResponse<String> r = client.get("/models");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject o = json(r.body());
        assertThat(o.get("object").getAsString()).isEqualTo("list");
        List<String> ids = StreamSupport.stream(o.getAsJsonArray("data").spliterator(), false)
                .map(e -> e.getAsJsonObject().get("id").getAsString()).collect(Collectors.toList());
        assertThat(ids).isEqualTo(SimConfig.BUILT_IN_MODELS).first().isEqualTo("qwen3-235b-a22b");
        assertThat(o.getAsJsonArray("data").get(0).getAsJsonObject().get("object").getAsString()).isEqualTo("model");
        assertThat(client.get("/models/qwen-turbo").statusCode()).isEqualTo(200);
        assertThat(client.get("/models/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void configuredModelsAreListed() throws Exception {
        try (Simulator other = Simulator.start(SimConfig.defaults().withModels(List.of("a", "b")))) {
            JsonObject o = json(new SimClient(other).get("/models").body());
            assertThat(o.getAsJsonArray("data")).hasSize(2);
            assertThat(o.getAsJsonArray("data").get(0).getAsJsonObject().get("id").getAsString()).isEqualTo("a");
        }
    }

    @Test
    void streamHasTheOpenAiChunkShape() throws Exception {
        List<JsonObject> chunks = streamChunks("Hello there", "");
        JsonObject first = chunks.get(0);
        assertThat(first.get("object").getAsString()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("id").getAsString()).startsWith("chatcmpl-");
        assertThat(first.get("model").getAsString()).isEqualTo("qwen3-235b-a22b");
        assertThat(first.get("created").getAsLong()).isPositive();
        assertThat(first.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta")
                .get("role").getAsString()).isEqualTo("assistant");
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("id")).isEqualTo(first.get("id")));
        assertThat(finishReason(chunks)).isEqualTo("stop");
        assertThat(chunks).noneMatch(c -> c.has("usage"));
        int n = count(chunks, "content");
        assertThat(n).isBetween(30, 150);
        assertThat(deltas(chunks, "content")).matches("[A-Z][A-Za-z ,.]+\\.");
    }

    @Test
    void textIsDeterministicForPromptAndSeed() throws Exception {
        String a1 = deltas(streamChunks("Tell me about latency", "\"seed\":7"), "content");
        String a2 = deltas(streamChunks("Tell me about latency", "\"seed\":7"), "content");
        String otherPrompt = deltas(streamChunks("Tell me about prices", "\"seed\":7"), "content");
        String otherSeed = deltas(streamChunks("Tell me about latency", "\"seed\":8"), "content");
        String noSeed1 = deltas(streamChunks("Tell me about latency", ""), "content");
        String noSeed2 = deltas(streamChunks("Tell me about latency", ""), "content");
        assertThat(a1).isEqualTo(a2).isNotEqualTo(otherPrompt).isNotEqualTo(otherSeed);
        assertThat(noSeed1).isEqualTo(noSeed2);
        JsonObject whole = json(client.post(body("Tell me about latency", "\"seed\":7")).body());
        assertThat(whole.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message")
                .get("content").getAsString()).isEqualTo(a1);
    }

    @Test
    void answersInChineseWhenTheLastUserMessageIsChinese() throws Exception {
        String text = deltas(streamChunks("请介绍一下首字延迟", ""), "content");
        assertThat(text).isNotEmpty().doesNotContainPattern("[A-Za-z]").endsWith("。");
        assertThat(text.codePoints().filter(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)
                .count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void usageMatchesTheChunksSent() throws Exception {
        List<JsonObject> chunks = streamChunks("Count my tokens please", "\"stream_options\":{\"include_usage\":true}");
        JsonObject last = chunks.get(chunks.size() - 1);
        assertThat(last.getAsJsonArray("choices")).isEmpty();
        JsonObject usage = last.getAsJsonObject("usage");
        int sent = count(chunks, "content");
        assertThat(usage.get("completion_tokens").getAsInt()).isEqualTo(sent);
        assertThat(usage.get("prompt_tokens").getAsInt()).isEqualTo(3 + 4 + 4);
        assertThat(usage.get("total_tokens").getAsInt()).isEqualTo(sent + 11);
        assertThat(usage.getAsJsonObject("completion_tokens_details").get("reasoning_tokens").getAsInt()).isZero();
        assertThat(usage.getAsJsonObject("prompt_tokens_details").get("cached_tokens").getAsInt()).isZero();
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(c -> c.has("usage"));

        JsonObject whole = json(client.post(body("Count my tokens please", "")).body());
        assertThat(whole.get("object").getAsString()).isEqualTo("chat.completion");
        assertThat(whole.getAsJsonObject("usage")).isEqualTo(usage);
        assertThat(whole.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").getAsString())
                .isEqualTo("stop");
    }

    @Test
    void thinkingStreamsReasoningFirstWithinTheBudget() throws Exception {
        List<JsonObject> chunks = streamChunks("Why is the sky blue?",
                "\"enable_thinking\":true,\"stream_options\":{\"include_usage\":true}");
        int firstContent = -1;
        int lastReasoning = -1;
        for (int i = 0; i < chunks.size(); i++) {
            if (count(List.of(chunks.get(i)), "content") > 0 && firstContent < 0) {
                firstContent = i;
            }
            if (count(List.of(chunks.get(i)), "reasoning_content") > 0) {
                lastReasoning = i;
            }
        }
        assertThat(lastReasoning).isPositive().isLessThan(firstContent);
        int reasoning = count(chunks, "reasoning_content");
        JsonObject usage = chunks.get(chunks.size() - 1).getAsJsonObject("usage");
        assertThat(usage.getAsJsonObject("completion_tokens_details").get("reasoning_tokens").getAsInt())
                .isEqualTo(reasoning);
        assertThat(usage.get("completion_tokens").getAsInt()).isEqualTo(reasoning + count(chunks, "content"));

        List<JsonObject> budget = streamChunks("Why is the sky blue?", "\"enable_thinking\":true,\"thinking_budget\":5");
        assertThat(count(budget, "reasoning_content")).isEqualTo(5);
        assertThat(count(budget, "content")).isPositive();
    }

    @Test
    void nonStreamingWithThinkingIsRefusedAsDashScopeDoes() throws Exception {
        HttpResponse<String> r = client.post(body("hi", "\"enable_thinking\":true"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject err = json(r.body()).getAsJsonObject("error");
        assertThat(err.get("message").getAsString())
                .isEqualTo("parameter.enable_thinking must be set to false for non-streaming calls");
        assertThat(err.get("type").getAsString()).isEqualTo("invalid_request_error");
        assertThat(err.get("code").getAsString()).isEqualTo("invalid_parameter_error");
        assertThat(err.get("param").isJsonNull()).isTrue();
        assertThat(client.post(body("hi", "\"enable_thinking\":false")).statusCode()).isEqualTo(200);
    }

    @Test
    void maxTokensCutsWithFinishReasonLength() throws Exception {
        List<JsonObject> chunks = streamChunks("Write a long essay", "\"max_tokens\":5,"
                + "\"stream_options\":{\"include_usage\":true}");
        assertThat(count(chunks, "content")).isEqualTo(5);
        assertThat(finishReason(chunks)).isEqualTo("length");
        assertThat(chunks.get(chunks.size() - 1).getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isEqualTo(5);
        List<JsonObject> thinking = streamChunks("Write a long essay", "\"max_tokens\":3,\"enable_thinking\":true");
        assertThat(count(thinking, "reasoning_content")).isEqualTo(3);
        assertThat(count(thinking, "content")).isZero();
        assertThat(finishReason(thinking)).isEqualTo("length");
    }

    @Test
    void simChunksForcesTheAnswerLength() throws Exception {
        assertThat(count(streamChunks("bench", "\"sim_chunks\":2000"), "content")).isEqualTo(2000);
        assertThat(count(streamChunks("bench", "\"sim_chunks\":2000,\"max_tokens\":10"), "content")).isEqualTo(10);
    }

    @Test
    void toolsAreCalledWithArgumentsInPieces() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
                + "\"unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]}},\"required\":[\"city\"]}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"other\",\"parameters\":{\"type\":\"object\"}}}]";
        List<JsonObject> chunks = streamChunks("Weather in Paris?", tools + ",\"stream_options\":{\"include_usage\":true}");
        assertThat(finishReason(chunks)).isEqualTo("tool_calls");
        StringBuilder args = new StringBuilder();
        String name = null;
        String id = null;
        int pieces = 0;
        for (JsonObject c : chunks) {
            if (c.getAsJsonArray("choices").isEmpty()) {
                continue;
            }
            JsonObject delta = c.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta");
            if (delta.has("tool_calls")) {
                JsonObject call = delta.getAsJsonArray("tool_calls").get(0).getAsJsonObject();
                assertThat(call.get("index").getAsInt()).isZero();
                if (call.has("id")) {
                    id = call.get("id").getAsString();
                    name = call.getAsJsonObject("function").get("name").getAsString();
                }
                String piece = call.getAsJsonObject("function").get("arguments").getAsString();
                if (!piece.isEmpty()) {
                    pieces++;
                }
                args.append(piece);
            }
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(id).startsWith("call_");
        assertThat(pieces).isGreaterThan(2);
        JsonObject parsed = JsonParser.parseString(args.toString()).getAsJsonObject();
        assertThat(parsed.get("city").getAsString()).isNotEmpty();
        assertThat(parsed.get("days").getAsInt()).isPositive();
        assertThat(parsed.get("unit").getAsString()).isIn("c", "f");
        assertThat(chunks.get(chunks.size() - 1).getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isEqualTo(pieces);

        JsonObject named = json(client.post(body("Weather?", tools
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"other\"}}")).body());
        JsonObject msg = named.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message");
        assertThat(msg.get("content").isJsonNull()).isTrue();
        assertThat(msg.getAsJsonArray("tool_calls").get(0).getAsJsonObject().getAsJsonObject("function")
                .get("name").getAsString()).isEqualTo("other");

        List<JsonObject> none = streamChunks("Weather?", tools + ",\"tool_choice\":\"none\"");
        assertThat(finishReason(none)).isEqualTo("stop");
        assertThat(count(none, "content")).isPositive();
    }

    @Test
    void jsonModesAnswerValidJson() throws Exception {
        String text = deltas(streamChunks("Give JSON", "\"response_format\":{\"type\":\"json_object\"}"), "content");
        assertThat(JsonParser.parseString(text).getAsJsonObject().get("answer").getAsString()).isNotEmpty();
        String schema = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"}},\"ok\":{\"type\":\"boolean\"}}}}}";
        JsonObject whole = json(client.post(body("Give JSON", schema)).body());
        String content = whole.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message")
                .get("content").getAsString();
        JsonObject o = JsonParser.parseString(content).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("name", "tags", "ok");
        assertThat(o.get("tags").isJsonArray()).isTrue();
    }

    @Test
    void badRequestsGetOpenAiShapedErrors() throws Exception {
        HttpResponse<String> badJson = client.post("{not json");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(json(badJson.body()).getAsJsonObject("error").get("type").getAsString())
                .isEqualTo("invalid_request_error");
        HttpResponse<String> noMessages = client.post("{\"model\":\"x\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages.body()).getAsJsonObject("error").get("param").getAsString()).isEqualTo("messages");
        assertThat(client.post("{\"model\":\"x\",\"messages\":[]}").statusCode()).isEqualTo(400);
        HttpResponse<String> notFound = client.get("/nothing/here");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(json(notFound.body()).getAsJsonObject("error").get("message").getAsString()).contains("/v1/nothing");
        assertThat(client.get("/chat/completions").statusCode()).isEqualTo(405);
    }

    @Test
    void anUnknownModelIs404ModelNotFoundAndAMissingOneIs400() throws Exception {
        HttpResponse<String> r = client.post(body("hi", "").replace("qwen3-235b-a22b", "my-local-model"));
        assertThat(r.statusCode()).isEqualTo(404);
        JsonObject error = json(r.body()).getAsJsonObject("error");
        assertThat(error.get("code").getAsString()).isEqualTo("model_not_found");
        assertThat(error.get("type").getAsString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").getAsString())
                .isEqualTo("The model `my-local-model` does not exist or you do not have access to it.");
        HttpResponse<String> noModel = client.post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(json(noModel.body()).getAsJsonObject("error").get("message").getAsString())
                .isEqualTo("you must provide a model parameter");
        try (Simulator more = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("ttft-ms=0,tps=0"))
                .withMoreModels(List.of("my-local-model")))) {
            HttpResponse<String> served = new SimClient(more).post(body("hi", "")
                    .replace("qwen3-235b-a22b", "my-local-model"));
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(json(served.body()).get("model").getAsString()).isEqualTo("my-local-model");
        }
    }

    @Test
    void countsRequests() throws Exception {
        long before = sim.requestCount();
        client.get("/models");
        client.post(body("x", ""));
        assertThat(sim.requestCount()).isEqualTo(before + 2);
    }

    @Test
    void headerFaultsApplyToThatRequestOnly() throws Exception {
        HttpResponse<String> failed = client.post(body("hi", ""), "X-Sim-Faults", "rate5xx=1");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed.body()).getAsJsonObject("error").get("type").getAsString()).isEqualTo("server_error");
        assertThat(client.post(body("hi", "")).statusCode()).isEqualTo(200);
    }

    @Test
    void anInvalidFaultHeaderIsA400NamingTheProblem() throws Exception {
        HttpResponse<String> r = client.post(body("hi", ""), "X-Sim-Faults", "explode=1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).getAsJsonObject("error").get("message").getAsString()).contains("explode");
    }

    @Test
    void rate429AnswersWithBothRetryHeaders() throws Exception {
        HttpResponse<String> r = client.post(body("hi", ""), "X-Sim-Faults", "rate429=1,retry-after-ms=300");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(r.headers().firstValue("Retry-After-Ms")).hasValue("300");
        assertThat(json(r.body()).getAsJsonObject("error").get("code").getAsString()).isEqualTo("rate_limit_exceeded");
        HttpResponse<String> longer = client.post(body("hi", ""), "X-Sim-Faults", "rate429=1,retry-after-ms=2500");
        assertThat(longer.headers().firstValue("Retry-After")).hasValue("3");
    }

    @Test
    void aDroppedStreamEndsWithoutFinishReasonOrDone() throws Exception {
        SimClient.Result res = client.streamLines(body("hi", "\"stream\":true"), "X-Sim-Faults", "drop=1")
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(res.failure()).as("the connection is cut, not ended cleanly").isNotNull();
        assertThat(res.done()).isFalse();
        assertThat(res.anyFinishReason()).isFalse();
        assertThat(count(res.chunks(), "content")).isPositive();
        assertThat(client.post(body("hi", "")).statusCode()).as("the server is still fine").isEqualTo(200);
    }

    @Test
    void aDroppedNonStreamingRequestGetsNoResponse() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                client.post(body("hi", ""), "X-Sim-Faults", "drop=1")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void anErrorEventArrivesMidStream() throws Exception {
        HttpResponse<InputStream> r = client.postStream(body("hi", "\"stream\":true"), "X-Sim-Faults", "error-event=1");
        SimClient.Result res = SimClient.readAll(r.body());
        assertThat(res.failure()).isNull();
        assertThat(res.done()).isFalse();
        assertThat(res.anyFinishReason()).isFalse();
        JsonObject last = res.chunks().get(res.chunks().size() - 1);
        assertThat(last.getAsJsonObject("error").get("message").getAsString()).isNotEmpty();
        assertThat(count(res.chunks(), "content")).isPositive();
    }

    @Test
    void aKeyIsRequiredWhenConfigured() throws Exception {
        try (Simulator keyed = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("key=s3cret,tps=0")))) {
            SimClient c = new SimClient(keyed);
            HttpResponse<String> none = c.post(body("hi", ""));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(json(none.body()).getAsJsonObject("error").get("code").getAsString())
                    .isEqualTo("invalid_api_key");
            assertThat(none.body()).doesNotContain("s3cret");
            assertThat(c.post(body("hi", ""), "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(c.get("/models").statusCode()).isEqualTo(401);
            assertThat(c.post(body("hi", ""), "Authorization", "Bearer s3cret", "X-Sim-Faults", "ttft-ms=0")
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theServersOwnRpmLimitAnswers429() throws Exception {
        try (Simulator limited = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("rpm=2,tps=0,ttft-ms=0")))) {
            SimClient c = new SimClient(limited);
            assertThat(c.post(body("a", "")).statusCode()).isEqualTo(200);
            assertThat(c.post(body("b", "")).statusCode()).isEqualTo(200);
            HttpResponse<String> third = c.post(body("c", ""));
            assertThat(third.statusCode()).isEqualTo(429);
            long ms = Long.parseLong(third.headers().firstValue("Retry-After-Ms").orElseThrow());
            assertThat(ms).isBetween(1L, 60_000L);
            assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
                    .isEqualTo((ms + 999) / 1000);
        }
    }

    @Test
    void theServersOwnTpmLimitAnswers429() throws Exception {
        try (Simulator limited = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse("tpm=40,tps=0,ttft-ms=0")))) {
            SimClient c = new SimClient(limited);
            assertThat(c.post(body("a", "\"max_tokens\":20")).statusCode()).isEqualTo(200);
            assertThat(c.post(body("b", "\"max_tokens\":20")).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aStalledStreamTimesOutTheClientAndCloseStillReturnsPromptly() throws Exception {
        HttpResponse<InputStream> r = client.postStream(body("hi", "\"stream\":true"), "X-Sim-Faults", "stall=1");
        assertThat(r.statusCode()).isEqualTo(200);
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<SimClient.Result> read = reader.submit(() -> SimClient.readAll(r.body()));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> read.get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            long t0 = System.nanoTime();
            sim.close();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
            SimClient.Result res = read.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(res.done()).isFalse();
            assertThat(res.anyFinishReason()).isFalse();
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void ttftIsHonoured() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = client.postStream(body("hi", "\"stream\":true"), "X-Sim-Faults",
                "ttft-ms=200,jitter=0");
        SimClient.Result res = SimClient.readAll(r.body());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(res.done()).isTrue();
        assertThat(ms).isBetween(200L, 3000L);
    }

    @Test
    void pacingFollowsTokensPerSecond() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.post(body("hi", "\"stream\":true,\"sim_chunks\":21"), "X-Sim-Faults",
                "ttft-ms=0,tps=100,jitter=0");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ms).as("20 gaps of 10 ms").isBetween(200L, 3000L);
    }

    @Test
    void sequentialRequestsAreNotDelayedByNagle() throws Exception {
        long[] ms = new long[31];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            assertThat(client.post(body("q" + i, "\"max_tokens\":4")).statusCode()).isEqualTo(200);
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        java.util.Arrays.sort(ms);
        assertThat(ms[ms.length / 2]).as("median ms (a delayed ACK would add ~40 ms)").isLessThan(30);
    }

    @Test
    void keepsTheConnectionAliveBetweenRequests() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(5000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                String content = body("q" + i, "");
                byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                int length = -1;
                String status = readLine(in);
                assertThat(status).startsWith("HTTP/1.1 200");
                for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
                    if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).strip());
                    }
                }
                byte[] response = new byte[length];
                in.readFully(response);
                assertThat(json(new String(response, java.nio.charset.StandardCharsets.UTF_8)).get("object")
                        .getAsString()).isEqualTo("chat.completion");
            }
        }
    }

    private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after: " + sb);
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void closeStopsTheServer() throws Exception {
        int port = sim.port();
        sim.close();
        sim.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
                .isInstanceOf(java.io.IOException.class);
    }
}
