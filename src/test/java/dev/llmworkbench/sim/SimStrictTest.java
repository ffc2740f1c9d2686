package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.llmworkbench.sim.SimClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator as strict as a real server (issue 16): {@code n} choices, {@code stop} sequences, refusals worded
 * as OpenAI words them, {@code logprobs}. Through real loopback HTTP.
 */
class SimStrictTest {
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

    private JsonObject whole(String extra) throws Exception {
        HttpResponse<String> r = client.post(SimClient.body("tell me", extra));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    private static String content(JsonObject response, int i) {
        return choice(response, i).getAsJsonObject("message").get("content").getAsString();
    }

    private static JsonObject choice(JsonObject response, int i) {
        return response.getAsJsonArray("choices").get(i).getAsJsonObject();
    }

    /** The streamed content of each choice index, and each one's finish reason. */
    private record Streamed(Map<Integer, String> content, Map<Integer, String> finish, List<JsonObject> chunks) {
    }

    private Streamed streamed(String extra) throws Exception {
        HttpResponse<String> r = client.post(SimClient.body("tell me", "\"stream\":true," + extra));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> events = SimClient.events(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        Map<Integer, String> content = new TreeMap<>();
        Map<Integer, String> finish = new TreeMap<>();
        List<JsonObject> chunks = new SimClient.Result(events, null).chunks();
        for (JsonObject c : chunks) {
            for (JsonElement e : c.getAsJsonArray("choices")) {
                JsonObject ch = e.getAsJsonObject();
                int index = ch.get("index").getAsInt();
                JsonObject delta = ch.getAsJsonObject("delta");
                if (delta.has("content")) {
                    content.merge(index, delta.get("content").getAsString(), String::concat);
                }
                if (ch.has("finish_reason") && !ch.get("finish_reason").isJsonNull()) {
                    finish.put(index, ch.get("finish_reason").getAsString());
                }
            }
        }
        return new Streamed(content, finish, chunks);
    }

    private JsonObject refused(String extra, int status) throws Exception {
        HttpResponse<String> r = client.post(SimClient.body("tell me", extra));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return json(r.body()).getAsJsonObject("error");
    }

    @Test
    void nGivesThatManyChoicesTheFirstAsWithOne() throws Exception {
        JsonObject one = whole("");
        JsonObject three = whole("\"n\":3");
        assertThat(three.getAsJsonArray("choices")).hasSize(3);
        assertThat(content(three, 0)).isEqualTo(content(one, 0));
        assertThat(content(three, 1)).isNotEqualTo(content(three, 0));
        for (int i = 0; i < 3; i++) {
            assertThat(choice(three, i).get("index").getAsInt()).isEqualTo(i);
        }
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += Tokens.count(content(three, i)) > 0 ? 1 : 0;
        }
        assertThat(sum).isEqualTo(3);
        assertThat(three.getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isGreaterThan(one.getAsJsonObject("usage").get("completion_tokens").getAsInt() * 2);

        Streamed s = streamed("\"n\":2,\"stream_options\":{\"include_usage\":true}");
        JsonObject two = whole("\"n\":2");
        assertThat(s.content()).containsOnlyKeys(0, 1);
        assertThat(s.content().get(0)).isEqualTo(content(two, 0));
        assertThat(s.content().get(1)).isEqualTo(content(two, 1));
        assertThat(s.finish()).containsEntry(0, "stop").containsEntry(1, "stop");
        JsonObject usage = s.chunks().get(s.chunks().size() - 1).getAsJsonObject("usage");
        assertThat(usage).isEqualTo(two.getAsJsonObject("usage"));
    }

    @Test
    void aStopSequenceCutsTheAnswerBeforeItWithFinishReasonStop() throws Exception {
        String full = content(whole(""), 0);
        // a word from the middle of the answer, with the space before it
        String[] words = full.split(" ");
        String stop = " " + words[words.length / 2];
        String expected = full.substring(0, full.indexOf(stop));
        JsonObject cut = whole("\"stop\":[\"never-appears\"," + SimClient.quote(stop) + "]");
        assertThat(content(cut, 0)).isEqualTo(expected);
        assertThat(choice(cut, 0).get("finish_reason").getAsString()).isEqualTo("stop");
        assertThat(cut.getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isEqualTo(Tokens.count(expected));
        // the middle of a token: the token is cut too
        String mid = words[words.length / 2].substring(1);
        String midExpected = full.substring(0, full.indexOf(mid));
        Streamed s = streamed("\"stop\":" + SimClient.quote(mid));
        assertThat(s.content().get(0)).isEqualTo(midExpected);
        assertThat(s.finish()).containsEntry(0, "stop");
        // a stop that never appears changes nothing
        assertThat(content(whole("\"stop\":\"never-appears\""), 0)).isEqualTo(full);
        // max_tokens before the stop: length
        JsonObject length = whole("\"stop\":" + SimClient.quote(stop) + ",\"max_tokens\":2");
        assertThat(choice(length, 0).get("finish_reason").getAsString()).isEqualTo("length");
    }

    @Test
    void outOfRangeParametersAndUnknownRolesAreRefusedAsOpenAiWordsThem() throws Exception {
        JsonObject t = refused("\"temperature\":5", 400);
        assertThat(t.get("message").getAsString()).isEqualTo(
                "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 5 instead.");
        assertThat(t.get("param").getAsString()).isEqualTo("temperature");
        assertThat(t.get("code").getAsString()).isEqualTo("decimal_above_max_value");
        assertThat(t.get("type").getAsString()).isEqualTo("invalid_request_error");
        assertThat(refused("\"temperature\":-0.5", 400).get("message").getAsString()).isEqualTo(
                "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead.");
        assertThat(refused("\"temperature\":\"hot\"", 400).get("message").getAsString())
                .isEqualTo("Invalid type for 'temperature': expected a decimal, but got a string instead.");
        assertThat(refused("\"top_p\":1.5", 400).get("message").getAsString()).isEqualTo(
                "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.");
        assertThat(refused("\"n\":0", 400).get("code").getAsString()).isEqualTo("integer_below_min_value");
        assertThat(refused("\"n\":1.5", 400).get("code").getAsString()).isEqualTo("invalid_type");
        assertThat(refused("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", 400).get("code").getAsString())
                .isEqualTo("array_above_max_length");
        assertThat(refused("\"top_logprobs\":21,\"logprobs\":true", 400).get("code").getAsString())
                .isEqualTo("integer_above_max_value");

        HttpResponse<String> role = client.post("{\"model\":\"qwen3-235b-a22b\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"a\"},{\"role\":\"wizard\",\"content\":\"b\"}]}");
        assertThat(role.statusCode()).isEqualTo(400);
        JsonObject e = json(role.body()).getAsJsonObject("error");
        assertThat(e.get("message").getAsString()).isEqualTo("Invalid value: 'wizard'. Supported values are: "
                + "'system', 'assistant', 'user', 'function', 'tool', and 'developer'.");
        assertThat(e.get("param").getAsString()).isEqualTo("messages[1].role");

        // the edges are accepted
        whole("\"temperature\":0,\"top_p\":1");
        whole("\"temperature\":2,\"top_p\":0");
    }

    @Test
    void logprobsAreReturnedWhenAsked() throws Exception {
        assertThat(choice(whole(""), 0).get("logprobs").isJsonNull()).isTrue();
        JsonObject r = whole("\"logprobs\":true,\"top_logprobs\":2");
        JsonArray content = choice(r, 0).getAsJsonObject("logprobs").getAsJsonArray("content");
        assertThat(content).hasSize(r.getAsJsonObject("usage").get("completion_tokens").getAsInt());
        StringBuilder joined = new StringBuilder();
        for (JsonElement e : content) {
            JsonObject tok = e.getAsJsonObject();
            joined.append(tok.get("token").getAsString());
            assertThat(tok.get("logprob").getAsDouble()).isLessThanOrEqualTo(0);
            assertThat(tok.getAsJsonArray("bytes")).isNotEmpty();
            JsonArray top = tok.getAsJsonArray("top_logprobs");
            assertThat(top).hasSize(2);
            assertThat(top.get(0).getAsJsonObject().get("token")).isEqualTo(tok.get("token"));
            assertThat(top.get(1).getAsJsonObject().get("logprob").getAsDouble())
                    .isLessThan(tok.get("logprob").getAsDouble());
        }
        assertThat(joined.toString()).isEqualTo(content(r, 0));

        Streamed s = streamed("\"logprobs\":true");
        List<String> tokens = new ArrayList<>();
        for (JsonObject c : s.chunks()) {
            for (JsonElement e : c.getAsJsonArray("choices")) {
                JsonObject ch = e.getAsJsonObject();
                if (ch.getAsJsonObject("delta").has("content") && ch.has("logprobs")) {
                    for (JsonElement t : ch.getAsJsonObject("logprobs").getAsJsonArray("content")) {
                        tokens.add(t.getAsJsonObject().get("token").getAsString());
                    }
                }
            }
        }
        assertThat(String.join("", tokens)).isEqualTo(s.content().get(0)).isEqualTo(content(r, 0));
    }
}
