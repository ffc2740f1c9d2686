package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.StreamListener;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Test helpers: chunk JSON, SSE bodies, a recording listener, a client for a mock server. */
final class Sse {
    static final String KEY = "sk-test-SECRET-4242";

    private Sse() {
    }

    static OpenAiClient client(MockWebServer server) {
        return client(server, new Timeouts(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(10)));
    }

    static OpenAiClient client(MockWebServer server, Timeouts t) {
        return new OpenAiClient(ProviderProfile.of("mock", server.url("/v1").toString()), ApiKey.of(KEY), t, null,
                null);
    }

    static ChatRequest request() {
        return ChatRequest.builder("qwen3-235b-a22b").user("hello").build();
    }

    static JsonObject delta(JsonObject delta, String finish) {
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("delta", delta);
        if (finish != null) {
            choice.addProperty("finish_reason", finish);
        } else {
            choice.add("finish_reason", com.google.gson.JsonNull.INSTANCE);
        }
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject o = new JsonObject();
        o.addProperty("id", "chatcmpl-1");
        o.addProperty("object", "chat.completion.chunk");
        o.addProperty("model", "qwen3-235b-a22b");
        o.add("choices", choices);
        return o;
    }

    static String content(String text) {
        JsonObject d = new JsonObject();
        d.addProperty("content", text);
        return delta(d, null).toString();
    }

    static String reasoning(String field, String text) {
        JsonObject d = new JsonObject();
        d.addProperty(field, text);
        return delta(d, null).toString();
    }

    static String finish(String reason) {
        return delta(new JsonObject(), reason).toString();
    }

    static String usageOnly(int prompt, int completion) {
        return "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":" + usage(prompt, completion) + "}";
    }

    static String usage(int prompt, int completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + "}";
    }

    /** "data: X\n\n" for each event. */
    static String events(String... data) {
        StringBuilder sb = new StringBuilder();
        for (String d : data) {
            sb.append("data: ").append(d).append("\n\n");
        }
        return sb.toString();
    }

    static MockResponse.Builder sseResponse(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").body(body);
    }

    /** Records everything a listener gets. */
    static final class Recorder implements StreamListener {
        final List<String> content = new CopyOnWriteArrayList<>();
        final List<String> reasoning = new CopyOnWriteArrayList<>();
        final List<ToolCall> toolCalls = new CopyOnWriteArrayList<>();
        final List<String> raw = new CopyOnWriteArrayList<>();

        @Override
        public void onContent(String delta) {
            content.add(delta);
        }

        @Override
        public void onReasoning(String delta) {
            reasoning.add(delta);
        }

        @Override
        public void onToolCall(ToolCall call) {
            toolCalls.add(call);
        }

        @Override
        public void onRawEvent(long nanosSinceStart, String data) {
            raw.add(data);
        }

        String text() {
            return String.join("", content);
        }

        String thinking() {
            return String.join("", reasoning);
        }
    }
}
