package dev.llmworkbench.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static dev.llmworkbench.sim.SimClient.count;
import static dev.llmworkbench.sim.SimClient.json;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * The quota with OpenAI's rate-limit headers, {@code cut-once} and {@code ignore-max-tokens}, over
 * real loopback HTTP; the quota's clock is fake.
 */
class SimFaultsTest {
    private static final String FAST = "ttft-ms=0,tps=0,";
    private static final List<String> RATE_LIMIT_HEADERS = List.of("x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    private final AtomicLong now = new AtomicLong(987_654_321L);
    private Simulator sim;
    private SimClient client;

    private void start(String faults) throws Exception {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(FAST + faults)), now::get);
        client = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private void advanceMs(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private static String body(String prompt, String extra) {
        return SimClient.body(prompt, extra);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static void assertNoRateLimitHeaders(HttpHeaders h) {
        assertThat(h.map().keySet()).noneMatch(k -> k.toLowerCase(java.util.Locale.ROOT).startsWith("x-ratelimit"));
    }

    private static String finishReason(List<JsonObject> chunks) {
        return chunks.stream().filter(c -> c.has("choices") && !c.getAsJsonArray("choices").isEmpty())
                .map(c -> c.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason"))
                .filter(e -> !e.isJsonNull()).map(JsonElement::getAsString).findFirst().orElse(null);
    }

    // ---- the quota and its headers ----

    @Test
    void aBurstOfFourThenA429UntilTheBucketRefills() throws Exception {
        start("rpm=240,burst=4");
        String[] resets = {"250ms", "500ms", "750ms", "1s"};
        for (int i = 0; i < 4; i++) {
            HttpResponse<?> r = i % 2 == 0 ? client.post(body("q" + i, ""))
                    : client.postStream(body("q" + i, "\"stream\":true"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("240");
            assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(3 - i));
            assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo(resets[i]);
            assertThat(header(r, "x-ratelimit-limit-tokens")).as("no tpm, no token headers").isNull();
            if (r.body() instanceof InputStream in) {
                assertThat(SimClient.readAll(in).done()).isTrue();
            }
        }
        HttpResponse<String> refused = client.post(body("q4", "\"stream\":true"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "retry-after-ms")).isEqualTo("250");
        assertThat(header(refused, "Retry-After")).isEqualTo("1");
        assertThat(header(refused, "x-ratelimit-limit-requests")).isEqualTo("240");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(refused, "x-ratelimit-reset-requests")).isEqualTo("1s");
        JsonObject err = json(refused.body()).getAsJsonObject("error");
        assertThat(err.get("message").getAsString()).startsWith("Rate limit reached for requests")
                .contains("Limit 240").contains("try again in 250ms");
        assertThat(err.get("type").getAsString()).isEqualTo("requests");
        assertThat(err.get("code").getAsString()).isEqualTo("rate_limit_exceeded");

        advanceMs(249);
        assertThat(client.post(body("q5", "")).statusCode()).isEqualTo(429);
        advanceMs(1);
        HttpResponse<String> again = client.post(body("q6", ""));
        assertThat(again.statusCode()).as("the refused requests were not counted").isEqualTo(200);
        assertThat(header(again, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(client.post(body("q7", "")).statusCode()).isEqualTo(429);
    }

    @Test
    void tokenHeadersCountWhatWasUsed() throws Exception {
        start("rpm=60,tpm=6000");
        HttpResponse<String> r = client.post(body("Count my tokens please", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        int used = json(r.body()).getAsJsonObject("usage").get("total_tokens").getAsInt();
        assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("60");
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("59");
        assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("1s");
        assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo("6000");
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo(Integer.toString(6000 - used));
        // 100 tokens a second
        assertThat(header(r, "x-ratelimit-reset-tokens")).isEqualTo(Quota.duration(used * 10L));
    }

    @Test
    void theTokenQuotaRefusesWithTypeTokens() throws Exception {
        start("tpm=600,burst-tokens=50");
        HttpResponse<String> first = client.post(body("a", "\"max_tokens\":20"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-requests")).as("no rpm, no request headers").isNull();
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("600");
        HttpResponse<String> second = client.post(body("b", "\"max_tokens\":20"));
        assertThat(second.statusCode()).isEqualTo(429);
        JsonObject err = json(second.body()).getAsJsonObject("error");
        assertThat(err.get("type").getAsString()).isEqualTo("tokens");
        assertThat(err.get("message").getAsString()).startsWith("Rate limit reached for tokens");
        assertThat(Long.parseLong(header(second, "retry-after-ms"))).isPositive();
        assertThat(header(second, "x-ratelimit-remaining-tokens")).isNotNull();
    }

    @Test
    void ratelimitHeadersOffLeavesOnlyThe429s() throws Exception {
        start("rpm=240,burst=1,ratelimit-headers=0");
        HttpResponse<String> ok = client.post(body("a", ""));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertNoRateLimitHeaders(ok.headers());
        HttpResponse<String> refused = client.post(body("b", ""));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertNoRateLimitHeaders(refused.headers());
        assertThat(header(refused, "retry-after-ms")).isEqualTo("250");
        assertThat(header(refused, "Retry-After")).isEqualTo("1");
    }

    @Test
    void randomRate429sAreNotTheQuota() throws Exception {
        start("rpm=240,burst=4");
        HttpResponse<String> hiccup = client.post(body("a", ""), "X-Sim-Faults", "rate429=1,retry-after-ms=300");
        assertThat(hiccup.statusCode()).isEqualTo(429);
        assertNoRateLimitHeaders(hiccup.headers());
        assertThat(header(hiccup, "Retry-After")).isEqualTo("1");
        assertThat(header(hiccup, "retry-after-ms")).isEqualTo("300");
        HttpResponse<String> ok = client.post(body("a", ""));
        assertThat(header(ok, "x-ratelimit-remaining-requests")).as("the hiccup took nothing").isEqualTo("3");
    }

    @Test
    void noQuotaNoHeaders() throws Exception {
        start("drop=0");
        HttpResponse<String> r = client.post(body("a", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        assertNoRateLimitHeaders(r.headers());
    }

    // ---- cut-once ----

    @Test
    void cutOnceCutsThePromptsFirstStreamOnly() throws Exception {
        start("cut-once=1");
        String req = body("Tell me a story", "\"stream\":true");
        SimClient.Result cut = client.streamLines(req).get(5, TimeUnit.SECONDS);
        assertThat(cut.failure()).as("the connection is cut").isNotNull();
        assertThat(cut.done()).isFalse();
        assertThat(cut.anyFinishReason()).isFalse();

        SimClient.Result whole = client.streamLines(req).get(5, TimeUnit.SECONDS);
        assertThat(whole.failure()).isNull();
        assertThat(whole.done()).isTrue();
        assertThat(finishReason(whole.chunks())).isEqualTo("stop");
        int full = count(whole.chunks(), "content");
        assertThat(count(cut.chunks(), "content")).as("about half the answer").isEqualTo(Math.max(1, full / 2));
        assertThat(SimClient.deltas(whole.chunks(), "content"))
                .startsWith(SimClient.deltas(cut.chunks(), "content"));

        assertThat(client.streamLines(body("Another story", "\"stream\":true")).get(5, TimeUnit.SECONDS).failure())
                .as("another prompt has its own first time").isNotNull();
        assertThat(client.post(body("Not streamed", "")).statusCode()).as("non-streamed requests are not cut")
                .isEqualTo(200);
    }

    @Test
    void cutOnceSendsAtLeastOneChunkOfText() throws Exception {
        start("cut-once=1");
        SimClient.Result one = client.streamLines(body("short", "\"stream\":true,\"max_tokens\":1"))
                .get(5, TimeUnit.SECONDS);
        assertThat(one.failure()).isNotNull();
        assertThat(one.anyFinishReason()).isFalse();
        assertThat(count(one.chunks(), "content")).isEqualTo(1);

        SimClient.Result thinking = client.streamLines(body("think", "\"stream\":true,\"enable_thinking\":true"))
                .get(5, TimeUnit.SECONDS);
        assertThat(thinking.failure()).isNotNull();
        assertThat(count(thinking.chunks(), "reasoning_content")).as("the reasoning is sent whole").isPositive();
        assertThat(count(thinking.chunks(), "content")).isPositive();
    }

    @Test
    void cutOnceCutsExactlyOneOfConcurrentFirstRequests() throws Exception {
        start("cut-once=1");
        String req = body("Everyone at once", "\"stream\":true");
        List<CompletableFuture<SimClient.Result>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(client.streamLines(req));
        }
        int cuts = 0;
        for (CompletableFuture<SimClient.Result> f : all) {
            SimClient.Result res = f.get(5, TimeUnit.SECONDS);
            if (res.failure() != null) {
                cuts++;
                assertThat(res.done()).isFalse();
            } else {
                assertThat(res.done()).isTrue();
            }
        }
        assertThat(cuts).isEqualTo(1);
    }

    @Test
    void cutOncePerRequestHeader() throws Exception {
        start("drop=0");
        String req = body("Header cut", "\"stream\":true");
        assertThat(client.streamLines(req, "X-Sim-Faults", "cut-once=1").get(5, TimeUnit.SECONDS).failure())
                .isNotNull();
        assertThat(client.streamLines(req, "X-Sim-Faults", "cut-once=1").get(5, TimeUnit.SECONDS).done()).isTrue();
    }

    // ---- ignore-max-tokens ----

    @Test
    void ignoreMaxTokensSendsTheWholeAnswerWithTrueUsage() throws Exception {
        start("ignore-max-tokens=1");
        String usage = "\"stream_options\":{\"include_usage\":true}";
        HttpResponse<String> unlimited = client.post(body("Write a long essay", "\"stream\":true," + usage));
        int full = count(new SimClient.Result(SimClient.events(unlimited.body()), null).chunks(), "content");
        assertThat(full).isGreaterThan(5);

        HttpResponse<String> r = client.post(body("Write a long essay", "\"stream\":true,\"max_tokens\":5," + usage));
        List<JsonObject> chunks = new SimClient.Result(SimClient.events(r.body()), null).chunks();
        assertThat(count(chunks, "content")).isEqualTo(full);
        assertThat(finishReason(chunks)).isEqualTo("stop");
        assertThat(chunks.get(chunks.size() - 1).getAsJsonObject("usage").get("completion_tokens").getAsInt())
                .isEqualTo(full);

        JsonObject whole = json(client.post(body("Write a long essay", "\"max_completion_tokens\":5")).body());
        assertThat(whole.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isEqualTo(full);
        assertThat(whole.getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason").getAsString())
                .isEqualTo("stop");

        JsonObject capped = json(client.post(body("Write a long essay", "\"max_tokens\":5"),
                "X-Sim-Faults", "ignore-max-tokens=0").body());
        assertThat(capped.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isEqualTo(5);
    }
}
