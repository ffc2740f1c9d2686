package dev.llmworkbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import org.junit.jupiter.api.Test;

/** The {@code chat} contract: flags, JSON fields, exit codes, the key only from the named variable. */
class ChatCommandTest {
    private static Simulator sim(String faults) throws Exception {
        return Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)));
    }

    @Test
    void withoutABaseUrlItAnswersFromTheEmbeddedSimulatorWithEveryJsonField() {
        CliRun.Result r = CliRun.of("chat", "--json", "--max-tokens", "40", "Say hello");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.keySet()).containsExactlyInAnyOrder("text", "reasoning", "tool_calls", "finish_reason", "usage",
                "ttft_ms", "ttfo_ms", "tpot_ms", "e2e_ms", "cost_usd", "attempts", "queue_ms", "total_ms", "error");
        assertThat(j.get("text").getAsString()).isNotBlank();
        assertThat(j.get("error").isJsonNull()).isTrue();
        assertThat(j.get("attempts").getAsInt()).isEqualTo(1);
        assertThat(j.get("cost_usd").getAsDouble()).isPositive();
        JsonObject usage = j.getAsJsonObject("usage");
        assertThat(usage.keySet()).containsExactlyInAnyOrder("prompt_tokens", "completion_tokens", "total_tokens",
                "reasoning_tokens", "cached_tokens", "estimated", "reasoning_tokens_estimated");
        assertThat(usage.get("completion_tokens").getAsInt()).isBetween(1, 40);
        assertThat(j.get("ttft_ms").getAsDouble()).isPositive();
        assertThat(j.get("e2e_ms").getAsDouble()).isGreaterThanOrEqualTo(j.get("ttft_ms").getAsDouble());
        assertThat(j.get("total_ms").getAsDouble()).isGreaterThanOrEqualTo(j.get("e2e_ms").getAsDouble());
    }

    @Test
    void thinkingStreamsReasoningToStderrMarkedAndTheAnswerToStdout() throws Exception {
        try (Simulator s = sim("ttft-ms=0,tps=0")) {
            CliRun.Result r = CliRun.of("chat", "--base-url", s.baseUrl(), "--dialect", "dashscope", "--thinking",
                    "Why is the sky blue?");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("[reasoning]").contains("[/reasoning]");
            assertThat(r.out()).isNotBlank().doesNotContain("[reasoning]");
        }
    }

    @Test
    void aWrongKeyFailsWithExitOneAndAnAuthError() throws Exception {
        try (Simulator s = sim("key=the-right-one,ttft-ms=0,tps=0")) {
            CliRun.Result r = CliRun.of("chat", "--json", "--base-url", s.baseUrl(), "hi");
            assertThat(r.exit()).isEqualTo(1);
            JsonObject err = r.json().getAsJsonObject("error");
            assertThat(err.get("kind").getAsString()).isEqualTo("auth");
            assertThat(err.get("status").getAsInt()).isEqualTo(401);
            assertThat(r.json().get("attempts").getAsInt()).isEqualTo(1);
        }
    }

    @Test
    void theKeyComesFromTheNamedVariableOnly() throws Exception {
        String home = System.getenv("HOME");
        assumeTrue(home != null && !home.isBlank() && !home.contains(","), "needs HOME to carry a key");
        try (Simulator s = sim("key=" + home + ",ttft-ms=0,tps=0")) {
            CliRun.Result ok = CliRun.of("chat", "--json", "--base-url", s.baseUrl(), "--api-key-env", "HOME", "hi");
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out() + ok.err()).doesNotContain(home);
        }
    }

    @Test
    void aMissingKeyVariableIsWrongUsage() {
        CliRun.Result r = CliRun.of("chat", "--api-key-env", "LLMWB_TEST_SURELY_UNSET", "hi");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: missing key: the environment variable LLMWB_TEST_SURELY_UNSET is not set");
    }

    @Test
    void badFlagsAreWrongUsage() {
        assertThat(CliRun.of("chat", "--temperature", "9", "hi").exit()).isEqualTo(2);
        assertThat(CliRun.of("chat", "--thinking", "--no-thinking", "hi").exit()).isEqualTo(2);
        assertThat(CliRun.of("chat").exit()).isEqualTo(2);
        assertThat(CliRun.of("chat", "--base-url", "ftp://x", "hi").exit()).isEqualTo(2);
        assertThat(CliRun.of("chat", "--bogus", "hi").exit()).isEqualTo(2);
    }

    @Test
    void rateLimitsAreRetriedAndCountedAsAttempts() throws Exception {
        try (Simulator s = sim("rate429=1,retry-after-ms=10,ttft-ms=0,tps=0")) {
            CliRun.Result r = CliRun.of("chat", "--json", "--base-url", s.baseUrl(), "hi");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.json().getAsJsonObject("error").get("kind").getAsString()).isEqualTo("rate_limited");
            assertThat(r.json().getAsJsonObject("error").get("status").getAsInt()).isEqualTo(429);
            assertThat(r.json().get("attempts").getAsInt()).isEqualTo(8);
            assertThat(s.requestCount()).isEqualTo(8);
        }
    }

    @Test
    void anIdleStreamTimesOutAndKeepsThePartialText() throws Exception {
        try (Simulator s = sim("stall=1,ttft-ms=0,tps=0")) {
            CliRun.Result r = CliRun.of("chat", "--json", "--base-url", s.baseUrl(), "--idle-timeout-s", "0.3", "hi");
            assertThat(r.exit()).isEqualTo(1);
            JsonObject j = r.json();
            assertThat(j.getAsJsonObject("error").get("kind").getAsString()).isEqualTo("timeout");
            assertThat(j.get("text").getAsString()).isNotEmpty();
        }
    }

    @Test
    void noThinkingTurnsReasoningOff() throws Exception {
        try (Simulator s = sim("ttft-ms=0,tps=0")) {
            CliRun.Result r = CliRun.of("chat", "--json", "--base-url", s.baseUrl(), "--no-thinking", "hi");
            assertThat(r.exit()).isZero();
            assertThat(r.json().get("reasoning").getAsString()).isEmpty();
        }
    }

    @Test
    void thinkingFlagsSetEnableThinkingAndWithoutThemItIsNotSent() throws Exception {
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
            server.start();
            for (int i = 0; i < 3; i++) {
                server.enqueue(new mockwebserver3.MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                        .body(stream).build());
            }
            String url = server.url("/v1").toString();
            String d = "--dialect=dashscope";
            assertThat(CliRun.of("chat", "--json", "--base-url", url, d, "--no-thinking", "hi").exit()).isZero();
            assertThat(server.takeRequest().getBody().utf8()).contains("\"enable_thinking\":false");
            assertThat(CliRun.of("chat", "--json", "--base-url", url, d, "--thinking", "hi").exit()).isZero();
            assertThat(server.takeRequest().getBody().utf8()).contains("\"enable_thinking\":true");
            assertThat(CliRun.of("chat", "--json", "--base-url", url, d, "hi").exit()).isZero();
            assertThat(server.takeRequest().getBody().utf8()).doesNotContain("enable_thinking");
        }
    }
}
