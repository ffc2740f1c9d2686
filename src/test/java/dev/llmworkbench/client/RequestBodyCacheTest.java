package dev.llmworkbench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.ToolSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The kept text around the messages gives exactly the body built from scratch, whatever the request. */
class RequestBodyCacheTest {
    private static final ToolSpec WEATHER = new ToolSpec("weather", "the weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private static ProviderProfile profile(Dialect dialect, Map<String, Object> extra) {
        return new ProviderProfile("p", "http://localhost:1/v1", null, null, Map.of(), extra, null, null, dialect);
    }

    private static String uncached(ProviderProfile p, ChatRequest req) {
        return RequestBodies.GSON.toJson(RequestBodies.chatBody(p, req));
    }

    /** Request shapes, each a change to a plain streamed request. */
    private static List<UnaryOperator<ChatRequest.Builder>> shapes() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("enable_thinking", false);
        List<UnaryOperator<ChatRequest.Builder>> s = new ArrayList<>();
        s.add(b -> b);
        s.add(b -> b.stream(false));
        s.add(b -> b.includeUsage(false));
        s.add(b -> b.stream(false).includeUsage(true));
        s.add(b -> b.temperature(0.7).topP(0.9).maxTokens(256).seed(42L));
        s.add(b -> b.temperature(0.0).seed(-1L));
        s.add(b -> b.temperature(-0.0));
        s.add(b -> b.stop(List.of("\n\n", "END", "\"q\"")));
        s.add(b -> b.extra("n", 3));
        s.add(b -> b.extra("n", 3L));
        s.add(b -> b.extra("n", 3.0));
        s.add(b -> b.extra("min_tokens", 64).extra("ignore_eos", true).extra("top_k", 20));
        s.add(b -> b.extra("temperature", 1.5).temperature(0.2)); // an extra overrides in place
        s.add(b -> b.extra("stream", false).extra("model", "hijacked").extra("messages", "no"));
        s.add(b -> b.extra("nothing", null).extra("repetition_penalty", new BigDecimal("1.10")));
        s.add(b -> b.extra("chat_template_kwargs", nested)); // not kept: a map could change
        s.add(b -> b.extra("logit_bias", Map.of("50256", -100)));
        s.add(b -> b.responseFormat(ResponseFormat.jsonObject()));
        s.add(b -> b.responseFormat(ResponseFormat.text()));
        s.add(b -> b.responseFormat(ResponseFormat.jsonSchema("answer",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}", true)));
        s.add(b -> b.tools(List.of(WEATHER)).toolChoice("auto"));
        s.add(b -> b.tools(List.of(WEATHER, new ToolSpec("noop", null, null))).toolChoice("weather"));
        s.add(b -> b.tools(List.of(WEATHER)).toolChoice(" REQUIRED "));
        for (Boolean thinking : Arrays.asList(null, true, false)) {
            s.add(b -> b.enableThinking(thinking));
            s.add(b -> b.enableThinking(thinking).thinkingBudget(4096));
            s.add(b -> b.enableThinking(thinking).thinkingBudget(100).stream(false));
        }
        s.add(b -> b.thinkingBudget(20_000));
        s.add(b -> b.model("qwen \"quoted\" \u2028 模型 </script>"));
        return s;
    }

    /** Message lists, the part that changes from request to request. */
    private static List<List<Message>> conversations() {
        return List.of(
                List.of(Message.user("hello")),
                List.of(Message.system("be brief"), Message.user("2 + 2 = ? \"quote\" \\ é 🌍 <b>&</b>")),
                List.of(Message.user("first"), Message.assistant("answer"), Message.user("again /think")),
                List.of(Message.user("weather?"), new Message(Role.ASSISTANT, "", List.of(new ToolCall(0, "call_1",
                        "function", "weather", "{\"city\":\"Oslo\"}"), new ToolCall(1, null, null, "noop", "")),
                        null), Message.tool("call_1", "{\"t\":3}"), Message.tool(null, "orphan")),
                List.of(Message.system("only a system message")),
                List.of(Message.user(""), Message.user("x".repeat(5_000))));
    }

    @Test
    void everyShapeInEveryDialectGivesTheBodyBuiltFromScratch() {
        Map<String, Object> profileExtra = new LinkedHashMap<>();
        profileExtra.put("top_k", 20);
        profileExtra.put("temperature", 1.5);
        profileExtra.put("chat_template_kwargs", Map.of("enable_thinking", true));
        profileExtra.put("model", "hijacked");
        List<UnaryOperator<ChatRequest.Builder>> shapes = shapes();
        List<List<Message>> conversations = conversations();
        int checked = 0;
        for (Dialect d : Dialect.values()) {
            for (Map<String, Object> extra : List.of(Map.<String, Object>of(), profileExtra)) {
                ProviderProfile p = profile(d, extra);
                RequestBodyCache cache = new RequestBodyCache(p);
                for (int i = 0; i < shapes.size(); i++) {
                    // each shape alone, then alternating with the previous one
                    for (int round = 0; round < 2; round++) {
                        for (List<Message> conversation : conversations) {
                            for (int k : round == 0 ? new int[] {i} : new int[] {i, Math.max(0, i - 1)}) {
                                ChatRequest req = shapes.get(k).apply(ChatRequest.builder("qwen3-32b")
                                        .messages(conversation)).build();
                                assertThat(cache.json(req)).as(d + " shape " + k + " " + req)
                                        .isEqualTo(uncached(p, req));
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(5_000);
    }

    @Test
    void theTextIsKeptForTheLastShapeAndNotWhereTheMessagesOrAMapCouldChangeIt() {
        ProviderProfile vllm = profile(Dialect.VLLM, Map.of());
        RequestBodyCache cache = new RequestBodyCache(vllm);
        ChatRequest a = ChatRequest.builder("m").user("one").enableThinking(false).build();
        ChatRequest b = a.toBuilder().temperature(0.5).build();
        assertThat(cache.keeps(a)).isFalse();
        cache.json(a);
        assertThat(cache.keeps(a.toBuilder().messages(List.of(Message.user("two"))).build())).isTrue();
        assertThat(cache.keeps(b)).isFalse();
        cache.json(b);
        assertThat(cache.keeps(a)).isFalse();
        assertThat(cache.keeps(b.toBuilder().system("s").build())).isTrue();

        List<Object> list = new ArrayList<>(List.of(1));
        ChatRequest withList = a.toBuilder().extra("stop_token_ids", list).build();
        assertThat(cache.json(withList)).contains("\"stop_token_ids\":[1]");
        list.add(2);
        assertThat(cache.json(withList)).contains("\"stop_token_ids\":[1,2]");
        assertThat(cache.keeps(withList)).isFalse();

        ProviderProfile generic = profile(Dialect.GENERIC, Map.of());
        RequestBodyCache g = new RequestBodyCache(generic);
        ChatRequest soft = ChatRequest.builder("m").user("one").enableThinking(false).build();
        assertThat(g.json(soft)).contains("\"content\":\"one /no_think\"");
        assertThat(g.json(soft.toBuilder().messages(List.of(Message.user("two"))).build()))
                .contains("\"content\":\"two /no_think\"");
        assertThat(g.keeps(soft)).isFalse();
        ChatRequest plain = soft.toBuilder().enableThinking(null).build();
        g.json(plain);
        assertThat(g.keeps(plain)).isTrue();
    }

    @Test
    void aBadSchemaFailsEveryTimeAsWithoutTheCache() {
        RequestBodyCache cache = new RequestBodyCache(profile(Dialect.DASHSCOPE, Map.of()));
        ChatRequest bad = ChatRequest.builder("m").user("u")
                .responseFormat(ResponseFormat.jsonSchema("s", "{not json", false)).build();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.json(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("response_format schema");
        }
        assertThat(cache.keeps(bad)).isFalse();
    }

    @Test
    void theClientSendsTheKeptBody() {
        ProviderProfile p = profile(Dialect.DEEPSEEK, Map.of("top_k", 5));
        OpenAiClient client = new OpenAiClient(p, null, null, null, null);
        ChatRequest first = ChatRequest.builder("deepseek-chat").user("a").enableThinking(true).build();
        ChatRequest second = first.toBuilder().messages(List.of(Message.user("b"))).build();
        assertThat(client.requestJson(first)).isEqualTo(uncached(p, first));
        assertThat(client.requestJson(second)).isEqualTo(uncached(p, second))
                .isEqualTo("{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"thinking\":{\"type\":"
                        + "\"enabled\"},\"top_k\":5}");
    }
}
