package dev.llmworkbench.client;

import static dev.llmworkbench.client.Sse.events;
import static dev.llmworkbench.client.Sse.finish;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The body each dialect gets (thinking on, off, default, budget), and reasoning read in every shape. */
class DialectsTest {
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static JsonObject body(Dialect d, Boolean thinking, Integer budget) {
        ProviderProfile p = ProviderProfile.of("p", "http://127.0.0.1:1/v1").withDialect(d);
        OpenAiClient c = new OpenAiClient(p, null, Timeouts.defaults(), null, null);
        return JsonParser.parseString(c.requestJson(ChatRequest.builder("m").system("sys").user("first")
                .assistant("ok").user("last").enableThinking(thinking).thinkingBudget(budget).build())).getAsJsonObject();
    }

    private static JsonObject without(JsonObject body, String... names) {
        JsonObject o = body.deepCopy();
        for (String n : new String[] {"model", "messages", "stream", "stream_options"}) {
            o.remove(n);
        }
        for (String n : names) {
            o.remove(n);
        }
        return o;
    }

    private static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    @Test
    void budgetsGoWhereTheDialectCanSayThem() {
        assertThat(without(body(Dialect.DASHSCOPE, true, 500))).isEqualTo(json(
                "{\"enable_thinking\":true,\"thinking_budget\":500}"));
        assertThat(without(body(Dialect.DASHSCOPE, null, 500))).isEqualTo(json("{\"thinking_budget\":500}"));
        assertThat(without(body(Dialect.OPENROUTER, true, 3000))).isEqualTo(json(
                "{\"reasoning\":{\"enabled\":true,\"max_tokens\":3000}}"));
        assertThat(without(body(Dialect.OPENAI, true, 1000))).isEqualTo(json("{\"reasoning_effort\":\"low\"}"));
        assertThat(without(body(Dialect.OLLAMA, true, 8000))).isEqualTo(json("{\"reasoning_effort\":\"medium\"}"));
        assertThat(without(body(Dialect.LMSTUDIO, true, 32000))).isEqualTo(json("{\"reasoning_effort\":\"high\"}"));
        // off wins over a budget; a dialect with no per-request budget leaves it out
        assertThat(without(body(Dialect.OPENROUTER, false, 3000))).isEqualTo(json("{\"reasoning\":{\"enabled\":false}}"));
        assertThat(without(body(Dialect.VLLM, true, 3000))).isEqualTo(json(
                "{\"chat_template_kwargs\":{\"enable_thinking\":true}}"));
        assertThat(without(body(Dialect.DEEPSEEK, null, 3000))).isEqualTo(new JsonObject());
    }

    @Test
    void genericAppendsTheSoftSwitchToTheLastUserTurnOnly() {
        JsonObject b = body(Dialect.GENERIC, false, 2000);
        assertThat(without(b)).isEqualTo(new JsonObject());
        var ms = b.getAsJsonArray("messages");
        assertThat(ms.get(1).getAsJsonObject().get("content").getAsString()).isEqualTo("first");
        assertThat(ms.get(3).getAsJsonObject().get("content").getAsString()).isEqualTo("last /no_think");
        assertThat(DialectMapper.thinkingOf(b)).isFalse();
        assertThat(DialectMapper.withoutSoftSwitch("last /no_think")).isEqualTo("last");
        assertThat(DialectMapper.describe(Dialect.GENERIC, true, null))
                .isEqualTo("\"/think\" appended to the last user message");
    }

    @Test
    void theThinkingSettingIsReadBackFromAnyDialectsBody() {
        for (Dialect d : Dialect.values()) {
            assertThat(DialectMapper.thinkingOf(body(d, true, null))).as(d.wireName()).isTrue();
            assertThat(DialectMapper.thinkingOf(body(d, false, null))).as(d.wireName()).isFalse();
            assertThat(DialectMapper.thinkingOf(body(d, null, null))).as(d.wireName()).isNull();
        }
    }

    @Test
    void dialectsAreGuessedFromKnownHostsAndPorts() {
        assertThat(Dialect.guess("https://dashscope-intl.aliyuncs.com/compatible-mode/v1")).isEqualTo(Dialect.DASHSCOPE);
        assertThat(Dialect.guess("https://openrouter.ai/api/v1")).isEqualTo(Dialect.OPENROUTER);
        assertThat(Dialect.guess("http://gpu-box:8000/v1")).isEqualTo(Dialect.VLLM);
        assertThat(Dialect.guess("http://localhost:11434/v1")).isEqualTo(Dialect.OLLAMA);
        assertThat(Dialect.guess("http://127.0.0.1:45678/v1")).isEqualTo(Dialect.GENERIC);
        assertThat(Dialect.parse(" VLLM ")).isEqualTo(Dialect.VLLM);
    }

    private Completion stream(String body) {
        server.enqueue(Sse.sseResponse(body).build());
        OpenAiClient c = new OpenAiClient(ProviderProfile.of("mock", server.url("/v1").toString()), ApiKey.of(Sse.KEY),
                Timeouts.defaults(), null, null);
        return c.complete(ChatRequest.builder("m").user("q").build());
    }

    private static String delta(String json) {
        return Sse.delta(json(json), null).toString();
    }

    @Test
    void reasoningIsReadFromEveryField() {
        // vLLM >= 0.10 and Ollama: "reasoning"
        Completion vllm = stream(events(delta("{\"reasoning\":\"think \"}"), delta("{\"reasoning\":\"more\"}"),
                Sse.content("answer"), finish("stop"), "[DONE]"));
        assertThat(vllm.reasoning()).isEqualTo("think more");
        assertThat(vllm.text()).isEqualTo("answer");
        // OpenRouter: reasoning and reasoning_details together (counted once), or the details alone
        Completion both = stream(events(delta("{\"reasoning\":\"a\",\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"text\":\"a\"}]}"), Sse.content("x"), finish("stop"), "[DONE]"));
        assertThat(both.reasoning()).isEqualTo("a");
        Completion details = stream(events(
                delta("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"step 1. \"}]}"),
                delta("{\"reasoning_details\":[{\"type\":\"reasoning.summary\",\"summary\":\"sum\"},"
                        + "{\"type\":\"reasoning.encrypted\",\"data\":\"xyz\"}]}"),
                Sse.content("done"), finish("stop"), "[DONE]"));
        assertThat(details.reasoning()).isEqualTo("step 1. sum");
        assertThat(details.text()).isEqualTo("done");
        // think tags in the content (llama.cpp with --reasoning-format none)
        Completion tags = stream(events(Sse.content("<think>hm</think>"), Sse.content("yes"), finish("stop"), "[DONE]"));
        assertThat(tags.reasoning()).isEqualTo("hm");
        assertThat(tags.text()).isEqualTo("yes");
        // reasoning tokens from completion_tokens_details
        Completion counted = stream(events(delta("{\"reasoning_content\":\"r\"}"), Sse.content("t"), finish("stop"),
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":9,\"total_tokens\":12,"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":7}}}", "[DONE]"));
        assertThat(counted.usage().reasoningTokens()).isEqualTo(7);
        assertThat(counted.usage().reasoningEstimated()).isFalse();
    }
}
