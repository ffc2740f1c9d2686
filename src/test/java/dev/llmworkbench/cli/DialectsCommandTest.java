package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a server that records the body it received: each preset's profile sends exactly its dialect's
 * thinking fields for {@code --thinking} and {@code --no-thinking}, and nothing of another dialect's; a
 * profile's headers and {@code --header} reach the server; {@code --no-stream} asks for one JSON answer.
 */
class DialectsCommandTest {
    /** Every top-level field any dialect uses for the thinking switch. */
    private static final Set<String> THINKING_FIELDS = Set.of("enable_thinking", "thinking_budget",
            "chat_template_kwargs", "reasoning_format", "reasoning_effort", "reasoning", "thinking");

    /**
     * preset → {fields with --thinking, fields with --no-thinking}, written out by hand from the providers'
     * documentation (vLLM reasoning outputs, llama.cpp server README, Ollama / LM Studio / OpenAI
     * reasoning_effort, OpenRouter reasoning tokens, DeepSeek thinking mode, DashScope).
     */
    private static final Map<String, String[]> EXPECTED = Map.ofEntries(
            Map.entry("dashscope-intl", new String[] {"{\"enable_thinking\":true}", "{\"enable_thinking\":false}"}),
            Map.entry("dashscope-cn", new String[] {"{\"enable_thinking\":true}", "{\"enable_thinking\":false}"}),
            Map.entry("holysheep", new String[] {"{\"enable_thinking\":true}", "{\"enable_thinking\":false}"}),
            Map.entry("vllm", new String[] {"{\"chat_template_kwargs\":{\"enable_thinking\":true}}",
                    "{\"chat_template_kwargs\":{\"enable_thinking\":false}}"}),
            Map.entry("sglang", new String[] {"{\"chat_template_kwargs\":{\"enable_thinking\":true}}",
                    "{\"chat_template_kwargs\":{\"enable_thinking\":false}}"}),
            Map.entry("llamacpp", new String[] {
                    "{\"chat_template_kwargs\":{\"enable_thinking\":true},\"reasoning_format\":\"deepseek\"}",
                    "{\"chat_template_kwargs\":{\"enable_thinking\":false}}"}),
            Map.entry("ollama", new String[] {"{\"reasoning_effort\":\"medium\"}", "{\"reasoning_effort\":\"none\"}"}),
            Map.entry("lmstudio", new String[] {"{\"reasoning_effort\":\"medium\"}", "{\"reasoning_effort\":\"none\"}"}),
            Map.entry("openai", new String[] {"{\"reasoning_effort\":\"medium\"}", "{\"reasoning_effort\":\"none\"}"}),
            Map.entry("openrouter", new String[] {"{\"reasoning\":{\"enabled\":true}}",
                    "{\"reasoning\":{\"enabled\":false}}"}),
            Map.entry("deepseek", new String[] {"{\"thinking\":{\"type\":\"enabled\"}}",
                    "{\"thinking\":{\"type\":\"disabled\"}}"}),
            Map.entry("custom", new String[] {"{}", "{}"}));

    private static final String STREAM = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    private static final String WHOLE = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"fine answer\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
            + "\"total_tokens\":5}}";

    @TempDir
    Path dir;

    private final MockWebServer server = new MockWebServer();
    private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                received.add(r);
                JsonObject body = JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
                if (body.has("stream") && !body.get("stream").getAsBoolean()) {
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(WHOLE).build();
                }
                return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(STREAM).build();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String db() {
        return dir.resolve("wb.db").toString();
    }

    private JsonObject lastBody() {
        RecordedRequest r = received.get(received.size() - 1);
        return JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
    }

    /** The thinking fields of a body (any dialect's). */
    private static JsonObject thinkingFields(JsonObject body) {
        JsonObject o = new JsonObject();
        for (String f : THINKING_FIELDS) {
            if (body.has(f)) {
                o.add(f, body.get(f));
            }
        }
        return o;
    }

    private static String lastUserText(JsonObject body) {
        JsonArray ms = body.getAsJsonArray("messages");
        return ms.get(ms.size() - 1).getAsJsonObject().get("content").getAsString();
    }

    @Test
    void eachPresetSendsExactlyItsDialectsThinkingFields() {
        String url = server.url("/v1").toString();
        for (Map.Entry<String, String[]> e : EXPECTED.entrySet()) {
            String preset = e.getKey();
            String name = "p-" + preset;
            CliRun.Result add = CliRun.of("profile", "add", name, "--preset", preset, "--base-url", url, "--db", db());
            assertThat(add.exit()).as(preset + ": " + add.err()).isZero();
            for (int i = 0; i < 2; i++) {
                String flag = i == 0 ? "--thinking" : "--no-thinking";
                CliRun.Result chat = CliRun.of("chat", "--profile", name, flag, "--db", db(), "--json", "hi there");
                assertThat(chat.exit()).as(preset + " " + flag + ": " + chat.err()).isZero();
                JsonObject body = lastBody();
                assertThat(thinkingFields(body)).as(preset + " " + flag)
                        .isEqualTo(JsonParser.parseString(e.getValue()[i]));
                String text = lastUserText(body);
                if (preset.equals("custom")) {
                    // generic: Qwen3's soft switch at the end of the last user turn, no field
                    assertThat(text).as(preset + " " + flag).isEqualTo(i == 0 ? "hi there /think" : "hi there /no_think");
                } else {
                    assertThat(text).as(preset + " " + flag).isEqualTo("hi there");
                }
            }
            // no switch: nothing of any dialect is sent
            assertThat(CliRun.of("chat", "--profile", name, "--db", db(), "--json", "hi").exit()).isZero();
            assertThat(thinkingFields(lastBody())).as(preset + " default").isEqualTo(new JsonObject());
            assertThat(lastUserText(lastBody())).isEqualTo("hi");
        }
    }

    @Test
    void dialectAndHeadersFromTheCommandLineReplaceAndAddToTheProfiles() {
        String url = server.url("/v1").toString();
        assertThat(CliRun.of("profile", "add", "gw", "--preset", "vllm", "--base-url", url, "--header",
                "x-portkey-provider=openai", "--body", "{\"top_k\": 20}", "--db", db()).exit()).isZero();
        CliRun.Result r = CliRun.of("chat", "--profile", "gw", "--header", "X-Trace=abc", "--dialect", "sglang",
                "--no-thinking", "--db", db(), "--json", "hi");
        assertThat(r.exit()).as(r.err()).isZero();
        RecordedRequest sent = received.get(received.size() - 1);
        assertThat(sent.getHeaders().get("x-portkey-provider")).isEqualTo("openai");
        assertThat(sent.getHeaders().get("X-Trace")).isEqualTo("abc");
        JsonObject body = lastBody();
        assertThat(body.get("top_k").getAsInt()).isEqualTo(20);
        assertThat(thinkingFields(body)).isEqualTo(JsonParser.parseString(
                "{\"chat_template_kwargs\":{\"enable_thinking\":false}}"));
        // a bare --base-url on a port nobody is known for speaks generic; --dialect says otherwise
        assertThat(CliRun.of("chat", "--base-url", url, "--no-thinking", "--json", "--db", db(), "hi").exit()).isZero();
        assertThat(thinkingFields(lastBody())).isEqualTo(new JsonObject());
        assertThat(lastUserText(lastBody())).isEqualTo("hi /no_think");
        assertThat(CliRun.of("chat", "--base-url", url, "--dialect", "openrouter", "--thinking", "--json", "--db",
                db(), "hi").exit()).isZero();
        assertThat(thinkingFields(lastBody())).isEqualTo(JsonParser.parseString("{\"reasoning\":{\"enabled\":true}}"));
    }

    @Test
    void badProfileInputIsWrongUsageInOneLine() {
        String url = server.url("/v1").toString();
        CliRun.Result unknown = CliRun.of("profile", "add", "x", "--preset", "nope", "--db", db());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("error: --preset: unknown preset 'nope'").doesNotContain("\n");
        CliRun.Result custom = CliRun.of("profile", "add", "x", "--preset", "custom", "--db", db());
        assertThat(custom.exit()).isEqualTo(2);
        assertThat(custom.err()).contains("--base-url is required");
        CliRun.Result dialect = CliRun.of("profile", "add", "x", "--preset", "vllm", "--dialect", "klingon", "--db",
                db());
        assertThat(dialect.exit()).isEqualTo(2);
        assertThat(dialect.err()).contains("--dialect: unknown dialect 'klingon'");
        CliRun.Result body = CliRun.of("profile", "add", "x", "--preset", "vllm", "--body", "[1]", "--db", db());
        assertThat(body.exit()).isEqualTo(2);
        CliRun.Result cred = CliRun.of("profile", "add", "x", "--preset", "vllm", "--header", "Authorization=Bearer sk",
                "--db", db());
        assertThat(cred.exit()).isEqualTo(2);
        assertThat(cred.err()).contains("looks like a credential").doesNotContain("Bearer sk");
        assertThat(CliRun.of("profile", "add", "x", "--preset", "vllm", "--base-url", url, "--db", db()).exit())
                .isZero();
        assertThat(CliRun.of("profile", "add", "x", "--preset", "vllm", "--db", db()).err()).contains("exists already");
        assertThat(CliRun.of("profile", "show", "y", "--db", db()).exit()).isEqualTo(2);
        assertThat(CliRun.of("profile", "remove", "x", "--db", db()).exit()).isZero();
        assertThat(CliRun.of("profile", "list", "--json", "--db", db()).out().strip()).isEqualTo("[]");
    }

    @Test
    void listAndShowSayTheDialectAndWhetherAKeyIsSet() {
        String url = server.url("/v1").toString();
        assertThat(CliRun.of("profile", "add", "local", "--preset", "llamacpp", "--base-url", url, "--model", "qwen3-0.6b",
                "--db", db()).exit()).isZero();
        CliRun.Result list = CliRun.of("profile", "list", "--db", db());
        assertThat(list.out()).contains("local").contains("llamacpp").contains("qwen3-0.6b").contains("not set");
        JsonElement json = JsonParser.parseString(CliRun.of("profile", "list", "--json", "--db", db()).out());
        JsonObject p = json.getAsJsonArray().get(0).getAsJsonObject();
        assertThat(p.get("dialect").getAsString()).isEqualTo("llamacpp");
        assertThat(p.get("key").getAsString()).isEqualTo("not set");
        CliRun.Result show = CliRun.of("profile", "show", "local", "--db", db());
        assertThat(show.out()).contains("dialect:       llamacpp").contains("key:           not set");
    }

    @Test
    void chatAndBenchSendTheProfilesDefaultModelUnlessToldAnother() {
        // found against a real llama.cpp server: `chat --profile` sent qwen3-235b-a22b whatever the profile said,
        // which a vLLM or SGLang server (serving only its own model) refuses, and priced a local model as that one
        String url = server.url("/v1").toString();
        assertThat(CliRun.of("profile", "add", "lc", "--preset", "llamacpp", "--base-url", url, "--model", "tiny",
                "--db", db()).exit()).isZero();
        CliRun.Result own = CliRun.of("chat", "--profile", "lc", "--no-thinking", "--db", db(), "--json", "hi");
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(lastBody().get("model").getAsString()).isEqualTo("tiny");
        assertThat(own.json().get("cost_usd").isJsonNull()).as("no price for a local model").isTrue();
        assertThat(CliRun.of("chat", "--profile", "lc", "--model", "other", "--db", db(), "--json", "hi").exit())
                .isZero();
        assertThat(lastBody().get("model").getAsString()).isEqualTo("other");
        // a preset's own default when the profile was saved without --model
        assertThat(CliRun.of("profile", "add", "v", "--preset", "vllm", "--base-url", url, "--db", db()).exit())
                .isZero();
        assertThat(CliRun.of("chat", "--profile", "v", "--db", db(), "--json", "hi").exit()).isZero();
        assertThat(lastBody().get("model").getAsString()).isEqualTo("Qwen/Qwen3-8B");
        // no profile: the documented default
        assertThat(CliRun.of("chat", "--base-url", url, "--db", db(), "--json", "hi").exit()).isZero();
        assertThat(lastBody().get("model").getAsString()).isEqualTo(ChatCommand.DEFAULT_MODEL);
        assertThat(CliRun.of("chat", "--profile", "lc", "--model", " ", "--db", db(), "hi").exit()).isEqualTo(2);

        received.clear();
        CliRun.Result bench = CliRun.of("bench", "--profile", "lc", "--requests", "2", "--concurrency", "1",
                "--max-tokens", "4", "--db", db(), "--json");
        assertThat(bench.exit()).as(bench.err()).isZero();
        assertThat(received).isNotEmpty().allSatisfy(q -> assertThat(
                JsonParser.parseString(q.getBody().utf8()).getAsJsonObject().get("model").getAsString())
                .isEqualTo("tiny"));
    }

    @Test
    void batchTakesTheHeadersAndDialectOfItsProfileAndCommandLine() throws Exception {
        String url = server.url("/v1").toString();
        assertThat(CliRun.of("profile", "add", "gw", "--preset", "ollama", "--base-url", url, "--header", "X-Team=a",
                "--db", db()).exit()).isZero();
        Path in = java.nio.file.Files.writeString(dir.resolve("in.csv"), "prompt\none\ntwo\n");
        CliRun.Result r = CliRun.run("batch", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString(),
                "--profile", "gw", "--header", "X-Run=7", "--model", "qwen3:8b", "--db", db());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(received).hasSize(2);
        for (RecordedRequest q : received) {
            assertThat(q.getHeaders().get("X-Team")).isEqualTo("a");
            assertThat(q.getHeaders().get("X-Run")).isEqualTo("7");
        }
    }

    @Test
    void noStreamAsksForOneJsonAnswerAndInventsNoTtft() throws Exception {
        try (MockWebServer strict = new MockWebServer()) {
            // a server that refuses stream: true, as some gateways and proxies do
            strict.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    JsonObject body = JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
                    if (body.has("stream") && body.get("stream").getAsBoolean()) {
                        return new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json")
                                .body("{\"error\":{\"message\":\"streaming is not supported\",\"type\":"
                                        + "\"invalid_request_error\"}}").build();
                    }
                    return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                            .body("{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{"
                                    + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"whole answer\","
                                    + "\"reasoning\":\"thought first\"},\"finish_reason\":\"stop\"}],\"usage\":{"
                                    + "\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}").build();
                }
            });
            strict.start();
            String url = strict.url("/v1").toString();
            CliRun.Result streamed = CliRun.of("chat", "--base-url", url, "--json", "--db", db(), "hi");
            assertThat(streamed.exit()).isEqualTo(1);
            CliRun.Result r = CliRun.of("chat", "--base-url", url, "--no-stream", "--json", "--db", db(), "hi");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonObject j = r.json();
            assertThat(j.get("text").getAsString()).isEqualTo("whole answer");
            assertThat(j.get("reasoning").getAsString()).isEqualTo("thought first");
            assertThat(j.get("ttft_ms").isJsonNull()).isTrue();
            assertThat(j.get("ttfo_ms").isJsonNull()).isTrue();
            assertThat(j.get("tpot_ms").isJsonNull()).isTrue();
            assertThat(j.get("e2e_ms").isJsonNull()).isFalse();
            // the server gave no reasoning_tokens: they are estimated from the reasoning text, and said so
            JsonObject u = j.getAsJsonObject("usage");
            assertThat(u.get("completion_tokens").getAsInt()).isEqualTo(7);
            assertThat(u.get("estimated").getAsBoolean()).isFalse();
            assertThat(u.get("reasoning_tokens").getAsInt()).isPositive();
            assertThat(u.get("reasoning_tokens_estimated").getAsBoolean()).isTrue();
            JsonObject sent = JsonParser.parseString(strict.takeRequest().getBody().utf8()).getAsJsonObject();
            assertThat(sent.get("stream").getAsBoolean()).isTrue();
            sent = JsonParser.parseString(strict.takeRequest().getBody().utf8()).getAsJsonObject();
            assertThat(sent.get("stream").getAsBoolean()).isFalse();
            assertThat(sent.has("stream_options")).isFalse();
        }
    }

    @Test
    void benchTakesNoStreamAndTheProvidersOptions() {
        String url = server.url("/v1").toString();
        CliRun.Result r = CliRun.of("bench", "--base-url", url, "--no-stream", "--header", "X-Bench=1", "--requests",
                "2", "--concurrency", "1", "--warmup", "0", "--db", db(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(received).hasSize(2);
        for (RecordedRequest q : received) {
            assertThat(q.getHeaders().get("X-Bench")).isEqualTo("1");
            assertThat(JsonParser.parseString(q.getBody().utf8()).getAsJsonObject().get("stream").getAsBoolean())
                    .isFalse();
        }
    }

    @Test
    void benchAndBatchWithoutStreamingSayEndToEndOnly() throws Exception {
        String url = server.url("/v1").toString();
        CliRun.Result bench = CliRun.of("bench", "--base-url", url, "--no-stream", "--requests", "2", "--concurrency",
                "1,2", "--db", db());
        assertThat(bench.exit()).as(bench.err()).isZero();
        Path in = java.nio.file.Files.writeString(dir.resolve("in.csv"), "prompt\none\ntwo\n");
        Path out = dir.resolve("out.jsonl");
        CliRun.Result batch = CliRun.run("batch", "--input", in.toString(), "--output", out.toString(), "--base-url",
                url, "--no-stream", "--db", db());
        assertThat(batch.exit()).as(batch.err()).isZero();
        for (RecordedRequest q : received) {
            assertThat(JsonParser.parseString(q.getBody().utf8()).getAsJsonObject().get("stream").getAsBoolean())
                    .isFalse();
        }
        for (String line : java.nio.file.Files.readAllLines(out)) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            assertThat(row.toString()).contains("fine answer");
            assertThat(row.get("ttft_ms").isJsonNull()).as(line).isTrue();
            assertThat(row.get("latency_ms").isJsonNull()).as(line).isFalse();
        }
    }
}
