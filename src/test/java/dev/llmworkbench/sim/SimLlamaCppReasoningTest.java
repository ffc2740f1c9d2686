package dev.llmworkbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.Dialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code sim --dialect llamacpp} puts the reasoning where a real llama-server does (docs/COMPATIBILITY.md, checked
 * against llama.cpp 0253fb21): in {@code reasoning_content} by default, in the content between think tags only when
 * the request's {@code reasoning_format} is {@code none}.
 */
class SimLlamaCppReasoningTest {
    private static JsonObject message(Simulator sim, String extra) throws Exception {
        String body = "{\"model\":\"qwen3-235b-a22b\",\"stream\":false,\"max_tokens\":24,"
                + "\"chat_template_kwargs\":{\"enable_thinking\":true}," + extra
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sim.baseUrl() + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("choices").get(0).getAsJsonObject()
                .getAsJsonObject("message");
    }

    @Test
    void reasoningComesInReasoningContentUnlessTheRequestAsksForNone() throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withDialect(Dialect.LLAMACPP)
                .withFaults(FaultSpec.parse("ttft-ms=0,tps=0")))) {
            JsonObject byDefault = message(sim, "");
            assertThat(byDefault.get("reasoning_content").getAsString()).isNotBlank();
            assertThat(byDefault.get("content").getAsString()).doesNotContain("<think>");

            JsonObject none = message(sim, "\"reasoning_format\":\"none\",");
            assertThat(none.has("reasoning_content") && !none.get("reasoning_content").isJsonNull()).isFalse();
            assertThat(none.get("content").getAsString()).startsWith("<think>").contains("</think>");
        }
    }
}
