package dev.llmworkbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code max-concurrency} fault (a server-side queue) and vLLM's {@code min_tokens} / {@code ignore_eos}. */
class SimQueueTest {
    private Simulator sim;
    private SimClient client;

    private void start(String faults) throws Exception {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)));
        client = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void maxConcurrencyIsParsedShownAndChecked() {
        assertThat(FaultSpec.parse("max-concurrency=3").maxConcurrency()).isEqualTo(3);
        assertThat(FaultSpec.NONE.maxConcurrency()).isZero();
        assertThat(FaultSpec.parse("tps=0,max-concurrency=3").toString()).isEqualTo("tps=0.0,max-concurrency=3");
        assertThatThrownBy(() -> FaultSpec.parse("max-concurrency=0")).hasMessageContaining("'max-concurrency' must be >= 1");
    }

    @Test
    void requestsBeyondTheLimitWaitInsideTheServerAndTheirFirstTokenComesLater() throws Exception {
        start("ttft-ms=200,tps=0,jitter=0,max-concurrency=2");
        List<CompletableFuture<Long>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            var req = client.request("/chat/completions").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(SimClient.body("q" + i, "\"max_tokens\":3")))
                    .build();
            done.add(client.http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        assertThat(r.statusCode()).isEqualTo(200);
                        return (System.nanoTime() - t0) / 1_000_000;
                    }));
        }
        List<Long> ms = new ArrayList<>();
        for (CompletableFuture<Long> f : done) {
            ms.add(f.get());
        }
        ms.sort(null);
        // two at once (about 200 ms), then the two that queued (about 400 ms)
        assertThat(ms.get(1)).isBetween(190L, 330L);
        assertThat(ms.get(2)).isBetween(390L, 600L);
        assertThat(ms.get(3)).isBetween(390L, 600L);
    }

    @Test
    void minTokensAndIgnoreEosGiveTheLengthAsked() throws Exception {
        start("ttft-ms=0,tps=0");
        JsonObject atLeast = SimClient.json(client.post(SimClient.body("hi", "\"min_tokens\":400,\"max_tokens\":400")).body());
        assertThat(atLeast.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isEqualTo(400);
        JsonObject toMax = SimClient.json(client.post(SimClient.body("hi", "\"ignore_eos\":true,\"max_tokens\":333")).body());
        assertThat(toMax.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isEqualTo(333);
        JsonObject plain = SimClient.json(client.post(SimClient.body("hi", "\"max_tokens\":333")).body());
        assertThat(plain.getAsJsonObject("usage").get("completion_tokens").getAsInt()).isLessThan(333);
    }
}
