package dev.llmworkbench.client;

import static dev.llmworkbench.client.Sse.content;
import static dev.llmworkbench.client.Sse.events;
import static dev.llmworkbench.client.Sse.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.StreamListener;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.ToolSpec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/** The request on the wire, and the timings from an injected ticker. */
class RequestAndTimingTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private ProviderProfile profile(Map<String, String> headers, Map<String, Object> body) {
        return new ProviderProfile("mock", server.url("/v1/").toString(), null, null, headers, body, null, null,
                Dialect.DASHSCOPE);
    }

    @Test
    void everyFieldGoesOnTheWire() throws Exception {
        Map<String, Object> profileExtra = new LinkedHashMap<>();
        profileExtra.put("top_k", 20);
        profileExtra.put("model", "hijacked");
        profileExtra.put("temperature", 1.5);
        OpenAiClient client = new OpenAiClient(profile(Map.of("X-DashScope-Trace", "on"), profileExtra),
                ApiKey.of(Sse.KEY), Timeouts.defaults(), null, null);
        ChatRequest req = ChatRequest.builder("qwen3-235b-a22b")
                .system("be brief")
                .user("weather?")
                .message(new Message(Role.ASSISTANT, "", List.of(new ToolCall(0, "call_1", "function", "weather",
                        "{\"city\":\"Paris\"}")), null))
                .message(Message.tool("call_1", "sunny"))
                .temperature(0.7).topP(0.9).maxTokens(256).stop(List.of("END")).seed(42L)
                .enableThinking(true).thinkingBudget(1000)
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", true))
                .tools(List.of(new ToolSpec("weather", "get the weather",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
                .toolChoice("weather")
                .extra("temperature", 0.2)
                .extra("messages", "nope")
                .build();
        server.enqueue(Sse.sseResponse(events(content("ok"), finish("stop"), "[DONE]")).build());
        assertThat(client.complete(req).ok()).isTrue();
        RecordedRequest rr = server.takeRequest();
        assertThat(rr.getMethod()).isEqualTo("POST");
        assertThat(rr.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(rr.getVersion()).isEqualTo("HTTP/1.1");
        assertThat(rr.getHeaders().get("Authorization")).isEqualTo("Bearer " + Sse.KEY);
        assertThat(rr.getHeaders().get("Accept")).isEqualTo("text/event-stream");
        assertThat(rr.getHeaders().get("X-DashScope-Trace")).isEqualTo("on");
        String sent = rr.getBody().utf8();
        assertThat(sent).isEqualTo(client.requestJson(req)).doesNotContain(Sse.KEY);
        JsonObject o = JsonParser.parseString(sent).getAsJsonObject();
        assertThat(o.get("model").getAsString()).isEqualTo("qwen3-235b-a22b");
        assertThat(o.getAsJsonArray("messages")).hasSize(4);
        JsonObject assistant = o.getAsJsonArray("messages").get(2).getAsJsonObject();
        assertThat(assistant.getAsJsonArray("tool_calls").get(0).getAsJsonObject().getAsJsonObject("function")
                .get("arguments").getAsString()).isEqualTo("{\"city\":\"Paris\"}");
        JsonObject tool = o.getAsJsonArray("messages").get(3).getAsJsonObject();
        assertThat(tool.get("role").getAsString()).isEqualTo("tool");
        assertThat(tool.get("tool_call_id").getAsString()).isEqualTo("call_1");
        assertThat(o.get("temperature").getAsDouble()).isEqualTo(0.2); // the request's extra wins
        assertThat(o.get("top_p").getAsDouble()).isEqualTo(0.9);
        assertThat(o.get("max_tokens").getAsInt()).isEqualTo(256);
        assertThat(o.getAsJsonArray("stop").get(0).getAsString()).isEqualTo("END");
        assertThat(o.get("seed").getAsLong()).isEqualTo(42);
        assertThat(o.get("stream").getAsBoolean()).isTrue();
        assertThat(o.getAsJsonObject("stream_options").get("include_usage").getAsBoolean()).isTrue();
        assertThat(o.get("enable_thinking").getAsBoolean()).isTrue();
        assertThat(o.get("thinking_budget").getAsInt()).isEqualTo(1000);
        assertThat(o.get("top_k").getAsInt()).isEqualTo(20);
        JsonObject rf = o.getAsJsonObject("response_format");
        assertThat(rf.get("type").getAsString()).isEqualTo("json_schema");
        assertThat(rf.getAsJsonObject("json_schema").get("name").getAsString()).isEqualTo("answer");
        assertThat(rf.getAsJsonObject("json_schema").getAsJsonObject("schema").get("type").getAsString())
                .isEqualTo("object");
        assertThat(rf.getAsJsonObject("json_schema").get("strict").getAsBoolean()).isTrue();
        JsonObject fn = o.getAsJsonArray("tools").get(0).getAsJsonObject().getAsJsonObject("function");
        assertThat(fn.get("name").getAsString()).isEqualTo("weather");
        assertThat(fn.getAsJsonObject("parameters").has("properties")).isTrue();
        assertThat(o.getAsJsonObject("tool_choice").getAsJsonObject("function").get("name").getAsString())
                .isEqualTo("weather");
    }

    @Test
    void nullFieldsAreNotSentAndNonStreamingHasNoStreamOptions() throws Exception {
        OpenAiClient client = Sse.client(server);
        ChatRequest req = ChatRequest.builder("m").user("hi").stream(false).toolChoice("AUTO")
                .responseFormat(ResponseFormat.jsonObject()).build();
        JsonObject o = JsonParser.parseString(client.requestJson(req)).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("model", "messages", "stream", "response_format", "tool_choice");
        assertThat(o.get("tool_choice").getAsString()).isEqualTo("auto");
        assertThat(o.getAsJsonObject("response_format").get("type").getAsString()).isEqualTo("json_object");
        assertThat(o.get("stream").getAsBoolean()).isFalse();
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body(StreamReaderTest.wholeCompletion("x", null)).build());
        client.complete(req);
        assertThat(server.takeRequest().getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @Test
    void anInvalidSchemaFailsWithoutSending() {
        ChatRequest req = ChatRequest.builder("m").user("hi")
                .responseFormat(ResponseFormat.jsonSchema("x", "{not json", false)).build();
        Completion c = Sse.client(server).complete(req);
        assertThat(c.error().kind()).isEqualTo(ApiError.Kind.BAD_REQUEST);
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void timingsFollowTheNamesOfMetrics() {
        AtomicLong clock = new AtomicLong();
        Semaphore processed = new Semaphore(0);
        String[] events = {Sse.reasoning("reasoning_content", "r"), content("a"), content("b"), finish("stop"),
                Sse.usageOnly(4, 3), "[DONE]"};
        long[] atMs = {100, 130, 200, 260, 900, 1000};
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(new MockResponseBody() {
                    @Override
                    public long getContentLength() {
                        return -1;
                    }

                    @Override
                    public void writeTo(BufferedSink sink) throws IOException {
                        for (int i = 0; i < events.length; i++) {
                            clock.set(TimeUnit.MILLISECONDS.toNanos(atMs[i]));
                            sink.writeUtf8(events(events[i]));
                            sink.flush();
                            try {
                                if (!processed.tryAcquire(5, TimeUnit.SECONDS)) {
                                    throw new IOException("the client did not read event " + i);
                                }
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                        }
                    }
                }).build());
        OpenAiClient client = new OpenAiClient(ProviderProfile.of("mock", server.url("/v1").toString()), null,
                Timeouts.defaults(), null, clock::get);
        Completion c = client.complete(Sse.request(), new StreamListener() {
            @Override
            public void onRawEvent(long nanosSinceStart, String data) {
                processed.release();
            }
        });
        assertThat(c.ok()).isTrue();
        assertThat(c.timing().ttftMs()).isEqualTo(100.0);
        assertThat(c.timing().ttfoMs()).isEqualTo(130.0);
        assertThat(c.timing().chunkGapsMs()).containsExactly(30.0, 70.0);
        assertThat(c.timing().e2eMs()).isEqualTo(260.0);
        assertThat(c.timing().outputTokens()).isEqualTo(3);
        assertThat(c.timing().tpotMs()).isCloseTo(80.0, within(1e-9));
        assertThat(c.timing().queueMs()).isZero();
        assertThat(c.timing().totalMs()).isEqualTo(260.0);
    }

    @Test
    void outputTokensAreCountedWhenUsageIsMissing() {
        server.enqueue(Sse.sseResponse(events(content("a"), content("b"), content("c"), finish("stop"), "[DONE]"))
                .build());
        Completion c = Sse.client(server).complete(Sse.request());
        assertThat(c.usage()).isNull();
        assertThat(c.timing().outputTokens()).isEqualTo(3);
        assertThat(c.timing().tpotMs()).isNotNull();
        assertThat(c.timing().chunkGapsMs()).hasSize(2);
    }
}
