package dev.llmworkbench.service.charts;

import dev.llmworkbench.service.providers.PriceService;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChartDataTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void aRunWithMoreResultsThanTheChartsReadGivesItsNewest() {
        try (dev.llmworkbench.store.Database db = dev.llmworkbench.store.Database.open(dir.resolve("wb.db"))) {
            var runs = new dev.llmworkbench.store.RunStore(db);
            var results = new dev.llmworkbench.store.ResultStore(db);
            long run = runs.create(dev.llmworkbench.domain.RunKind.BATCH, "t", "p", "sim", List.of("m"), null).id();
            for (int i = 0; i < 30; i++) {
                results.insert(dev.llmworkbench.domain.ResultRecord.builder(run).model("m")
                        .timing(new dev.llmworkbench.domain.Timing(1.0 + i, 1.0 + i, 10.0 + i, 1.0, List.of(), 5, 0, 0))
                        .usage(dev.llmworkbench.domain.Usage.of(7, 5)).costUsd(new BigDecimal("0.0002"))
                        .startedAt(Instant.ofEpochSecond(1_000 + i)).endedAt(Instant.ofEpochSecond(1_000 + i)).build());
            }
            PriceService prices = new PriceService(dir.resolve("overrides.json"),
                    new dev.llmworkbench.store.SettingsStore(db), new dev.llmworkbench.cost.TokenEstimator());
            ChartData data = new ChartData(runs, results, prices, java.time.ZoneOffset.UTC, 10);
            List<ChartData.Sample> s = data.samples(run, null, null, null);
            assertThat(s).hasSize(10);
            assertThat(s).extracting(ChartData.Sample::ttftMs).containsExactly(21.0, 22.0, 23.0, 24.0, 25.0, 26.0,
                    27.0, 28.0, 29.0, 30.0);
            ChartData.Sample last = s.get(9);
            assertThat(last.e2eMs()).isEqualTo(39.0);
            assertThat(last.outputTokens()).isEqualTo(5);
            assertThat(last.tokensPerSecond()).isCloseTo(5_000.0 / 39, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(last.costUsd()).isEqualByComparingTo("0.0002");
            assertThat(last.ok()).isTrue();
            assertThat(last.at()).isEqualTo(Instant.ofEpochSecond(1_029));
        }
    }

    @Test
    void largeSeriesAreDownSampledKeepingTheEnds() {
        List<Integer> big = IntStream.range(0, 100_000).boxed().toList();
        List<Integer> d = ChartData.downsample(big, ChartData.MAX_POINTS);
        assertThat(d).hasSize(ChartData.MAX_POINTS);
        assertThat(d.get(0)).isEqualTo(0);
        assertThat(d.get(d.size() - 1)).isEqualTo(99_999);
        assertThat(ChartData.downsample(List.of(1, 2, 3), 10)).containsExactly(1, 2, 3);
    }

    @Test
    void histogramCountsEveryValueOnceAndSeriesStayBounded() {
        List<ChartData.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            samples.add(new ChartData.Sample(1, i % 2 == 0 ? "a" : "b", Instant.ofEpochSecond(i), 10.0 + i, 100.0 + i,
                    i, 5.0, new BigDecimal("0.001"), true));
        }
        List<ChartData.Bin> h = ChartData.histogram(samples.stream().map(ChartData.Sample::ttftMs).toList(), 20);
        assertThat(h).hasSize(20);
        assertThat(h.stream().mapToInt(ChartData.Bin::count).sum()).isEqualTo(5_000);
        assertThat(ChartData.ttftVsOutput(samples).get("a")).hasSize(2_000);
        var cum = ChartData.cumulativeSpend(samples).get("b");
        assertThat(cum.get(cum.size() - 1).y()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        List<ChartData.ModelPercentiles> pct = ChartData.percentiles(samples);
        assertThat(pct).extracting(ChartData.ModelPercentiles::metric).containsExactly("e2e", "e2e", "ttft", "ttft");
        assertThat(pct).extracting(ChartData.ModelPercentiles::model).containsExactly("a", "b", "a", "b");
        // model a: every even i, ttft 10 + i over 0..4998 → median 10 + 2499 (numpy-style interpolation)
        assertThat(pct.get(2).p50()).isEqualTo(2_509.0);
        assertThat(pct.get(0).p50()).isEqualTo(2_599.0);
    }
}
