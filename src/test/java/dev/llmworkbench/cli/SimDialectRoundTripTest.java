package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client against a simulator answering as each dialect's server would ({@code sim --dialect D}): with the
 * profile's dialect the thinking switch works both ways, the reasoning comes apart from the answer wherever that
 * server puts it (its own field, {@code <think>} tags in the content, or only its count in the usage), and a stream
 * without usage gets counts labelled estimated.
 */
class SimDialectRoundTripTest {
    private static JsonObject chat(String url, Dialect d, String thinking, String... more) {
        String[] base = {"chat", "--base-url", url, "--dialect", d.wireName(), thinking, "--json", "--max-tokens", "24"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        String[] withPrompt = java.util.Arrays.copyOf(args, args.length + 1);
        withPrompt[args.length] = "Say hello";
        CliRun.Result r = CliRun.of(withPrompt);
        assertThat(r.code()).as(d + " " + thinking + ": " + r.err()).isZero();
        return r.json();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theThinkingSwitchWorksBothWaysAndTheReasoningComesApart(Dialect d) throws Exception {
        try (Simulator sim = Simulator.start(SimConfig.defaults().withDialect(d)
                .withFaults(dev.llmworkbench.sim.FaultSpec.parse("ttft-ms=0,tps=0")))) {
            String url = sim.baseUrl();
            JsonObject on = chat(url, d, "--thinking");
            JsonObject off = chat(url, d, "--no-thinking");
            String reasoning = on.has("reasoning") && !on.get("reasoning").isJsonNull() ? on.get("reasoning").getAsString() : "";
            JsonObject usageOn = on.getAsJsonObject("usage");
            assertThat(usageOn.get("reasoning_tokens").getAsInt()).as(d + " thinks when asked").isPositive();
            if (d == Dialect.OPENAI) {
                assertThat(reasoning).as("OpenAI sends only the count of its reasoning").isEmpty();
            } else {
                assertThat(reasoning).as(d + " reasoning").isNotBlank().doesNotStartWith("\n").doesNotContain("<think>");
            }
            assertThat(on.get("text").getAsString()).doesNotContain("<think>").doesNotContain("</think>");
            String offReasoning = off.has("reasoning") && !off.get("reasoning").isJsonNull()
                    ? off.get("reasoning").getAsString() : "";
            assertThat(offReasoning).as(d + " without thinking").isEmpty();
            assertThat(off.getAsJsonObject("usage").get("reasoning_tokens").getAsInt()).isZero();
            assertThat(off.get("text").getAsString()).isNotBlank();
            // LM Studio sends no usage in a stream: the counts are estimated and say so
            assertThat(usageOn.get("estimated").getAsBoolean()).isEqualTo(d == Dialect.LMSTUDIO);
            if (d != Dialect.DASHSCOPE) {
                // whole answers too (DashScope alone refuses thinking without a stream)
                JsonObject whole = chat(url, d, "--thinking", "--no-stream");
                assertThat(whole.getAsJsonObject("usage").get("reasoning_tokens").getAsInt()).isPositive();
                assertThat(whole.get("text").getAsString()).doesNotContain("<think>");
            }
        }
    }
}
