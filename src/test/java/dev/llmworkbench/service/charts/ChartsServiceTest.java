package dev.llmworkbench.service.charts;

import dev.llmworkbench.service.providers.PriceService;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChartsServiceTest {
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
            ChartsService data = new ChartsService(runs, results, prices, java.time.ZoneOffset.UTC, 10);
            List<ChartsService.Sample> s = data.samples(run, null, null, null);
            assertThat(s).hasSize(10);
            assertThat(s).extracting(ChartsService.Sample::ttftMs).containsExactly(21.0, 22.0, 23.0, 24.0, 25.0, 26.0,
                    27.0, 28.0, 29.0, 30.0);
            ChartsService.Sample last = s.get(9);
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
        List<Integer> d = ChartsService.downsample(big, ChartsService.MAX_POINTS);
        assertThat(d).hasSize(ChartsService.MAX_POINTS);
        assertThat(d.get(0)).isEqualTo(0);
        assertThat(d.get(d.size() - 1)).isEqualTo(99_999);
        assertThat(ChartsService.downsample(List.of(1, 2, 3), 10)).containsExactly(1, 2, 3);
    }

    @Test
    void aHistogramUpToAPercentileCountsTheOutliersInItsLastBin() {
        // as the Benchmark view bins a level's chunk gaps while it runs
        List<Double> gaps = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            gaps.add(5 + (i % 100) * 0.1);
        }
        gaps.set(0, 5_000.0); // one stall: counted in the last bin, not stretching the others
        List<ChartsService.Bin> bins = ChartsService.histogram(gaps, 30, 99);
        assertThat(bins).hasSize(30);
        assertThat(bins.stream().mapToInt(ChartsService.Bin::count).sum()).isEqualTo(gaps.size());
        assertThat(bins.get(bins.size() - 1).to()).isLessThan(20);
        assertThat(bins.get(0).from()).isEqualTo(5.0);
        // up to the 100th percentile: the maximum, as the two-argument form
        assertThat(ChartsService.histogram(gaps, 30, 100)).isEqualTo(ChartsService.histogram(gaps, 30));
        assertThat(ChartsService.histogram(gaps, 30).get(29).to()).isEqualTo(5_000.0);
        assertThat(ChartsService.histogram(List.of(), 30, 99)).isEmpty();
        assertThat(ChartsService.histogram(java.util.Arrays.asList(3.0, null, Double.NaN, 3.0), 2, 99))
                .containsExactly(new ChartsService.Bin(3, 4, 2), new ChartsService.Bin(4, 5, 0));
    }

    @Test
    void histogramCountsEveryValueOnceAndSeriesStayBounded() {
        List<ChartsService.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            samples.add(new ChartsService.Sample(1, i % 2 == 0 ? "a" : "b", "sim", Instant.ofEpochSecond(i), 10.0 + i,
                    100.0 + i, i, 5.0, new BigDecimal("0.001"), true));
        }
        List<ChartsService.Bin> h = ChartsService.histogram(
                samples.stream().map(ChartsService.Sample::ttftMs).toList(), 20);
        assertThat(h).hasSize(20);
        assertThat(h.stream().mapToInt(ChartsService.Bin::count).sum()).isEqualTo(5_000);
        assertThat(ChartsService.ttftVsOutput(samples).get("a")).hasSize(2_000);
        var cum = ChartsService.cumulativeSpend(samples).get("b");
        assertThat(cum.get(cum.size() - 1).y()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        List<ChartsService.ModelPercentiles> pct = ChartsService.percentiles(samples);
        assertThat(pct).extracting(ChartsService.ModelPercentiles::metric)
                .containsExactly("e2e", "e2e", "ttft", "ttft");
        assertThat(pct).extracting(ChartsService.ModelPercentiles::model).containsExactly("a", "b", "a", "b");
        // model a: every even i, ttft 10 + i over 0..4998 → median 10 + 2499 (numpy-style interpolation)
        assertThat(pct.get(2).p50()).isEqualTo(2_509.0);
        assertThat(pct.get(0).p50()).isEqualTo(2_599.0);
    }

    /** A chart service over an empty history (the exports read nothing from it). */
    private <T> T withService(java.util.function.Function<ChartsService, T> f) {
        try (dev.llmworkbench.store.Database db = dev.llmworkbench.store.Database.open(dir.resolve("wb.db"))) {
            PriceService prices = new PriceService(dir.resolve("overrides.json"),
                    new dev.llmworkbench.store.SettingsStore(db), new dev.llmworkbench.cost.TokenEstimator());
            return f.apply(new ChartsService(new dev.llmworkbench.store.RunStore(db),
                    new dev.llmworkbench.store.ResultStore(db), prices, java.time.ZoneOffset.UTC));
        }
    }

    private static ChartsService.Sample sample(String model, Instant at, double ttft, int output, String usd) {
        return new ChartsService.Sample(1, model, "sim", at, ttft, ttft * 2, output, null, new BigDecimal(usd), true);
    }

    @Test
    void eachChartIsExportedAsCsvWithTheRowsWorkedOutByHand() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T23:00:00Z");
        // a at 0 s and at 7200 s, b at 3600 s; the last two on the next day (UTC)
        List<ChartsService.Sample> s = List.of(sample("a", t0, 100, 50, "0.50"),
                sample("b", t0.plusSeconds(3_600), 10, 20, "1.00"), sample("a", t0.plusSeconds(7_200), 12, 40, "0.25"));
        java.nio.file.Path out = dir.resolve("charts");
        withService(c -> {
            // ttft 100, 10, 12 in 2 bins: min 10, max 100, width 45: [10, 55) holds 10 and 12, [55, 100] holds 100
            c.exportHistogram(ChartsService.histogram(s.stream().map(ChartsService.Sample::ttftMs).toList(), 2),
                    out.resolve("hist.csv"));
            c.exportPercentiles(List.of(new ChartsService.ModelPercentiles("e2e", "a", 2, 112.0, 206.0, 214.4)),
                    out.resolve("pct.csv"));
            c.exportSeries(ChartsService.Series.TTFT_VS_OUTPUT, ChartsService.ttftVsOutput(s), out.resolve("tvo.csv"));
            // cumulative per model, in seconds since the first sample: a 0.5 then 0.5 + 0.25; b 1.0
            c.exportSeries(ChartsService.Series.CUMULATIVE_SPEND, ChartsService.cumulativeSpend(s),
                    out.resolve("cum.csv"));
            c.exportSeries(ChartsService.Series.TOKENS_PER_SECOND, java.util.Map.of("b",
                    List.of(new ChartsService.Point(1.5, 40.0))), out.resolve("tps.csv"));
            // 2026-01-01: 0.50; 2026-01-02: 1.00 + 0.25 = 1.25
            c.exportSpendPerDay(c.spendPerDay(s), out.resolve("day.csv"));
            c.exportPrices(List.of(new ChartsService.PricePoint("openai", "gpt-4.1", 8.0, 125_000.0, false)),
                    out.resolve("prices.csv"));
            return null;
        });
        assertThat(java.nio.file.Files.readAllLines(out.resolve("hist.csv")))
                .containsExactly("from_ms,to_ms,count", "10.0,55.0,2", "55.0,100.0,1");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("pct.csv")))
                .containsExactly("metric,model,count,p50_ms,p95_ms,p99_ms", "e2e,a,2,112.0,206.0,214.4");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("tvo.csv")))
                .containsExactly("model,output_tokens,ttft_ms", "a,50.0,100.0", "a,40.0,12.0", "b,20.0,10.0");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("cum.csv")))
                .containsExactly("model,seconds,cumulative_usd", "a,0.0,0.5", "a,7200.0,0.75", "b,3600.0,1.0");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("tps.csv")))
                .containsExactly("model,seconds,tokens_per_s", "b,1.5,40.0");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("day.csv")))
                .containsExactly("day,usd", "2026-01-01,0.50", "2026-01-02,1.25");
        assertThat(java.nio.file.Files.readAllLines(out.resolve("prices.csv")))
                .containsExactly("provider,model,output_usd_per_1m,output_tokens_per_usd",
                        "openai,gpt-4.1,8.0,125000.0");
    }

    @Test
    void thePriceChartHasOnePointPerProviderAndModelAndMarksTheOneTheRunsWerePricedAt() {
        // runs on dashscope-intl (billed at $2.80 per 1M output tokens), not the holysheep reseller ($0.55)
        List<ChartsService.Sample> used = List.of(new ChartsService.Sample(1, "qwen3-235b-a22b", "dashscope-intl",
                Instant.EPOCH, 10.0, 20.0, 5, null, new BigDecimal("0.001"), true));
        List<ChartsService.PricePoint> points = withService(c -> c.priceComparison(used)).stream()
                .filter(p -> p.model().equals("qwen3-235b-a22b")).toList();
        assertThat(points).extracting(ChartsService.PricePoint::provider)
                .containsExactlyInAnyOrder("dashscope-intl", "dashscope-cn", "holysheep");
        assertThat(points).extracting(ChartsService.PricePoint::label).doesNotHaveDuplicates();
        ChartsService.PricePoint inUse = points.stream().filter(ChartsService.PricePoint::inUse).findFirst().orElseThrow();
        assertThat(inUse.provider()).isEqualTo("dashscope-intl");
        assertThat(inUse.outputUsdPerM()).isEqualTo(2.8);
        assertThat(inUse.label()).isEqualTo("qwen3-235b-a22b · dashscope-intl (in use)");
        assertThat(points.stream().filter(ChartsService.PricePoint::inUse)).hasSize(1);
    }

    @Test
    void anExportReplacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        java.nio.file.Path folder = dir.resolve("out");
        java.nio.file.Files.createDirectories(folder);
        java.nio.file.Path out = folder.resolve("day.csv");
        java.nio.file.Files.writeString(out, "an older export\n2026-01-01,9\n2026-01-02,9\n");
        withService(c -> {
            c.exportSpendPerDay(java.util.Map.of(), out);
            return null;
        });
        assertThat(java.nio.file.Files.readAllLines(out)).containsExactly("day,usd");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(folder)) {
            assertThat(files).containsExactly(out);
        }
    }
}
