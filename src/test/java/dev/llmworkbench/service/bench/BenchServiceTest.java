package dev.llmworkbench.service.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import dev.llmworkbench.metrics.Slo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's pure parts: arrival schedules, the plan's checks, a level's figures, and comparing runs. */
class BenchServiceTest {
    private static double cv(double[] t) {
        double[] gaps = new double[t.length - 1];
        double mean = 0;
        for (int i = 1; i < t.length; i++) {
            gaps[i - 1] = t[i] - t[i - 1];
            mean += gaps[i - 1];
        }
        mean /= gaps.length;
        double var = 0;
        for (double g : gaps) {
            var += (g - mean) * (g - mean);
        }
        return Math.sqrt(var / gaps.length) / mean;
    }

    @Test
    void arrivalsHaveTheirRateAndShape() {
        double[] constant = Arrival.parse("constant").schedule(20, 100, null, 1);
        assertThat(constant[1] - constant[0]).isCloseTo(0.05, within(1e-12));
        assertThat(cv(constant)).isCloseTo(0, within(1e-9));
        double[] poisson = Arrival.parse("poisson").schedule(20, 4000, null, 3);
        assertThat(4000 / poisson[3999]).isCloseTo(20, within(1.0));
        assertThat(cv(poisson)).isCloseTo(1.0, within(0.08));
        // gamma with burstiness B: mean gap 1/rate, coefficient of variation 1/sqrt(B)
        double[] bursty = Arrival.parse("gamma:0.25").schedule(20, 4000, null, 3);
        assertThat(4000 / bursty[3999]).isCloseTo(20, within(2.0));
        assertThat(cv(bursty)).isCloseTo(2.0, within(0.25));
        double[] even = Arrival.parse("gamma:4").schedule(20, 4000, null, 3);
        assertThat(cv(even)).isCloseTo(0.5, within(0.05));
        // deterministic for the seed; a duration instead of a count
        assertThat(Arrival.POISSON.schedule(20, 50, null, 7)).containsExactly(Arrival.POISSON.schedule(20, 50, null, 7));
        assertThat(Arrival.POISSON.schedule(20, 50, null, 8)).isNotEqualTo(Arrival.POISSON.schedule(20, 50, null, 7));
        double[] twoSeconds = Arrival.parse("constant").schedule(10, null, 2.0, 1);
        assertThat(twoSeconds).hasSize(20);
        assertThat(Arrival.parse("gamma:1.5").toString()).isEqualTo("gamma:1.5");
        assertThatThrownBy(() -> Arrival.parse("gamma:0")).hasMessageStartingWith("--arrival gamma:B needs");
        assertThatThrownBy(() -> Arrival.parse("uniform")).hasMessageStartingWith("--arrival must be");
    }

    @Test
    void tokenLengthsParseAndSample() {
        assertThat(TokenLength.parse("--input-tokens", "512")).isEqualTo(new TokenLength(512, 0));
        TokenLength spread = TokenLength.parse("--input-tokens", "512:64");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        double sum = 0;
        for (int i = 0; i < 2000; i++) {
            sum += spread.sample(rnd);
        }
        assertThat(sum / 2000).isCloseTo(512, within(6.0));
        assertThatThrownBy(() -> TokenLength.parse("--output-tokens", "0"))
                .hasMessage("--output-tokens a token length must be at least 1, was 0");
        assertThatThrownBy(() -> TokenLength.parse("--output-tokens", "a:b"))
                .hasMessageStartingWith("--output-tokens takes N or N:stddev");
    }

    private static BenchPlan plan(List<Integer> c, List<Double> r, Integer maxConc, BenchPlan.FindMax find, Double slo) {
        return new BenchPlan("m", "p", 16, null, null, c, r, null, maxConc, 0, 10, null, null, slo, null, null, 0.95,
                find);
    }

    @Test
    void thePlanRefusesWhatCannotBeRunInOneLine() {
        assertThat(plan(null, null, null, null, null).concurrencies()).isEqualTo(List.of(1, 2, 4, 8));
        assertThat(plan(null, List.of(5.0), 4, null, null).openLoop()).isTrue();
        assertThatThrownBy(() -> plan(List.of(2), List.of(5.0), null, null, null)).hasMessageContaining("not both");
        assertThatThrownBy(() -> plan(List.of(2), null, 4, null, null)).hasMessageContaining("--max-concurrency");
        assertThatThrownBy(() -> plan(null, null, null, BenchPlan.FindMax.CONCURRENCY, null))
                .hasMessageContaining("needs an SLO");
        assertThatThrownBy(() -> plan(List.of(1, 2), null, null, BenchPlan.FindMax.CONCURRENCY, 100.0))
                .hasMessageContaining("at most one starting level");
        assertThatThrownBy(() -> new BenchPlan("m", "p", 16, null, null, null, null, null, null, 0, null, null, null,
                null, null, null, 0.95, null)).hasMessage("give --requests N or --duration-s S (one of them)");
        // the warm-up: the level's concurrency; for a rate, its cap or the rate rounded up
        BenchPlan open = plan(null, List.of(7.5), null, null, null);
        assertThat(open.warmupForRate(7.5)).isEqualTo(8);
        assertThat(plan(null, List.of(7.5), 3, null, null).warmupForRate(7.5)).isEqualTo(3);
        assertThat(plan(List.of(6), null, null, null, null).warmupFor(6)).isEqualTo(6);
    }

    private static RequestResult ok(int i, double sched, double sent, double ttft, double e2e, int tokens,
                                    boolean usage, List<Double> gaps) {
        return new RequestResult(0, i, sched, sent, sent + e2e, Instant.EPOCH, ttft, ttft, (e2e - ttft) / (tokens - 1),
                e2e, gaps, tokens, usage, gaps.size() + 1, null, 16, 200, null, null);
    }

    private static RequestResult failed(int i, double at, String kind, String message) {
        return new RequestResult(0, i, at, at, at + 5, Instant.EPOCH, null, null, null, null, List.of(), null, false, 0,
                null, 16, 500, kind, message);
    }

    @Test
    void aLevelsFiguresAreComputedOnceFromItsRequests() {
        List<RequestResult> rs = new ArrayList<>();
        rs.add(ok(0, 0, 0, 100, 400, 4, true, List.of(100.0, 100.0, 100.0)));
        rs.add(ok(1, 0, 1000, 300, 600, 4, false, List.of(100.0, 100.0)));
        rs.add(failed(2, 500, "server", "server (HTTP 500): first"));
        rs.add(failed(3, 600, "server", "server (HTTP 500): second"));
        rs.add(failed(4, 700, "network", "network: reset"));
        LevelResult l = LevelResult.of(BenchResult.Load.rate(2), 1, rs, new Slo(200.0, null, null));
        assertThat(l.requests()).isEqualTo(5);
        assertThat(l.errors()).isEqualTo(3);
        // first send at 0, last answer at 1000 + 600
        assertThat(l.durationS()).isEqualTo(1.6);
        // 5 requests over (1000 − 0) ms of sends
        assertThat(l.requestRate()).isEqualTo(5.0);
        assertThat(l.offeredRate()).isEqualTo(2.0);
        assertThat(l.outputTokens()).isEqualTo(8);
        assertThat(l.outputTokensPerS()).isCloseTo(5.0, within(1e-9));
        // only the first meets TTFT ≤ 200; the errors are misses
        assertThat(l.goodput()).isEqualTo(0.2);
        assertThat(l.ttft().p50()).isEqualTo(200.0);
        assertThat(l.itl().count()).isEqualTo(5);
        assertThat(l.chunksPerToken()).isEqualTo(7.0 / 8);
        assertThat(l.tokensSource()).isEqualTo("estimated");
        assertThat(l.errorsByKind()).containsOnlyKeys("server", "network");
        assertThat(l.errorsByKind().get("server")).isEqualTo(new LevelResult.ErrorKind(2, "server (HTTP 500): first"));
        // the second request went out a second late: from the schedule it took 1300 ms to its first token
        assertThat(l.ttftFromSchedule().max()).isEqualTo(1300.0);
        JsonObject j = l.toJson();
        assertThat(j.get("rate").getAsDouble()).isEqualTo(2.0);
        assertThat(j.getAsJsonObject("errors_by_kind").getAsJsonObject("server").get("first_message").getAsString())
                .isEqualTo("server (HTTP 500): first");
        assertThat(j.get("tokens_source").getAsString()).isEqualTo("estimated");
    }

    @Test
    void aGrowingSendLagIsFallingBehindAndAFlatOneIsNot() {
        List<RequestResult> growing = new ArrayList<>();
        List<RequestResult> flat = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            growing.add(ok(i, i * 50.0, i * 50.0 + i * 10.0, 100, 300, 5, true, List.of(50.0)));
            flat.add(ok(i, i * 50.0, i * 50.0 + (i == 39 ? 500 : 1), 100, 300, 5, true, List.of(50.0)));
        }
        LevelResult behind = LevelResult.of(BenchResult.Load.rate(20), 0, growing, null);
        assertThat(behind.fallingBehind()).isTrue();
        assertThat(behind.lagLastQuarterMs() - behind.lagFirstQuarterMs()).isGreaterThan(200);
        assertThat(LevelResult.of(BenchResult.Load.rate(20), 0, flat, null).fallingBehind()).isFalse();
        // a closed loop has no schedule to fall behind
        LevelResult closed = LevelResult.of(BenchResult.Load.concurrency(4), 4, growing, null);
        assertThat(closed.fallingBehind()).isFalse();
        assertThat(closed.offeredRate()).isNull();
        assertThat(closed.toJson().has("falling_behind")).isFalse();
    }

    private static BenchService.SearchOutcome search(BenchPlan.FindMax by, double start, double knee,
                                                     List<Double> tried) throws InterruptedException {
        return BenchService.search(by, start, load -> {
            tried.add(load);
            return load <= knee;
        });
    }

    @Test
    void theCapacitySearchDoublesThenBisectsWithinItsBound() throws InterruptedException {
        List<Double> tried = new ArrayList<>();
        BenchService.SearchOutcome c = search(BenchPlan.FindMax.CONCURRENCY, 1, 6, tried);
        assertThat(tried).containsExactly(1.0, 2.0, 4.0, 8.0, 6.0, 7.0);
        assertThat(c).isEqualTo(new BenchService.SearchOutcome(6.0, 7.0, 6, false));
        tried.clear();
        // a rate: to within 5%
        BenchService.SearchOutcome r = search(BenchPlan.FindMax.RATE, 5, 37.3, tried);
        assertThat(tried.subList(0, 5)).containsExactly(5.0, 10.0, 20.0, 40.0, 30.0);
        assertThat(r.max()).isLessThanOrEqualTo(37.3).isGreaterThan(37.3 * 0.95);
        assertThat(r.firstMiss() - r.max()).isLessThanOrEqualTo(0.05 * r.firstMiss());
        assertThat(r.bounded()).isFalse();
        // even the first misses: nothing meets
        tried.clear();
        assertThat(search(BenchPlan.FindMax.CONCURRENCY, 1, 0.5, tried))
                .isEqualTo(new BenchService.SearchOutcome(null, 1.0, 1, false));
        // a rate whose first load misses is halved until one meets or the steps run out
        tried.clear();
        BenchService.SearchOutcome low = search(BenchPlan.FindMax.RATE, 100, 0.001, tried);
        assertThat(low.steps()).isEqualTo(BenchService.MAX_SEARCH_STEPS);
        assertThat(low.max()).isNull();
        assertThat(low.bounded()).isTrue();
        // everything meets: up to the cap, not bounded by steps
        tried.clear();
        BenchService.SearchOutcome all = search(BenchPlan.FindMax.CONCURRENCY, 1, 1e9, tried);
        assertThat(all.max()).isEqualTo(1024.0);
        assertThat(all.firstMiss()).isNull();
        assertThat(all.steps()).isEqualTo(11);
        assertThat(all.bounded()).isFalse();
    }

    @Test
    void compareMatchesLevelsByLoadAndGivesDifferencesAndRatios() {
        String a = "{\"levels\":[{\"concurrency\":1,\"ttft_ms\":{\"p50\":100},\"goodput\":1.0},"
                + "{\"concurrency\":2,\"ttft_ms\":{\"p50\":120},\"goodput\":0.5}]}";
        String b = "{\"levels\":[{\"concurrency\":2,\"ttft_ms\":{\"p50\":180},\"goodput\":1.0},"
                + "{\"concurrency\":4,\"ttft_ms\":{\"p50\":300},\"goodput\":1.0}]}";
        BenchCompare c = BenchCompare.of(1, a, 2, b);
        assertThat(c.levels()).hasSize(1);
        BenchCompare.Row ttft = c.levels().get(0).rows().stream().filter(r -> r.metric().equals("ttft_ms.p50"))
                .findFirst().orElseThrow();
        assertThat(ttft).isEqualTo(new BenchCompare.Row("ttft_ms.p50", 120.0, 180.0, 60.0, 1.5));
        assertThat(c.onlyInA()).containsExactly("concurrency=1");
        assertThat(c.onlyInB()).containsExactly("concurrency=4");
        String twice = "{\"levels\":[{\"concurrency\":8,\"goodput\":1.0},{\"concurrency\":8,\"goodput\":0.5}]}";
        BenchCompare repeated = BenchCompare.of(1, twice, 2, twice);
        assertThat(repeated.levels()).extracting(BenchCompare.LevelDiff::label)
                .containsExactly("concurrency=8", "concurrency=8 #2");
        assertThat(repeated.levels().get(1).rows().stream().filter(r -> r.metric().equals("goodput")).findFirst()
                .orElseThrow().a()).isEqualTo(0.5);
        assertThatThrownBy(() -> BenchCompare.of(1, "{\"error\":\"x\"}", 2, b))
                .hasMessageStartingWith("run 1 has no benchmark summary");
    }
}
