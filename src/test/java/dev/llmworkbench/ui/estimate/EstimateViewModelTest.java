package dev.llmworkbench.ui.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.estimate.EstimateService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.common.UiThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On one real UI thread ({@link UiThread}) with its work on a worker: each action is called there and awaited
 * (its future completes once the UI showed the result). The estimator's figures against prices worked out by hand from the bundled catalogue
 * (src/main/resources/dev/llmworkbench/prices.json, the first entry of each model; prices per 1M tokens)
 * at the default exchange rate of ¥7.3 per $1. Cost = tokens × price per 1M / 1,000,000.
 */
class EstimateViewModelTest {
    @TempDir
    Path dir;
    AppServices services;
    EstimateViewModel vm;
    ExecutorService work;
    UiThread ui;

    @BeforeEach
    void setUp() throws Exception {
        services = new AppServices(DataDirs.at(dir), false);
        work = Executors.newSingleThreadExecutor();
        ui = new UiThread();
        vm = ui.call(() -> new EstimateViewModel(services.estimatesWithHistory(), services.prices().models(), work,
                ui.executor()));
    }

    @AfterEach
    void tearDown() {
        ui.close();
        work.shutdownNow();
        services.close();
    }

    /** One row as worked out by hand. */
    private record Expected(String model, String provider, String perRequestUsd, String perDayUsd,
                            String perMonthUsd, String perRequestCny) {
    }

    @Test
    void cacheHitsAndTheBatchShareArePricedPerModel() throws Exception {
        ui.run(() -> vm.chosen().setAll("qwen3-235b-a22b", "gpt-4.1", "deepseek-v3.2"));
        ui.run(() -> vm.requestsPerDayProperty().set("12000"));
        ui.run(() -> vm.inputTokensProperty().set("1500"));
        ui.run(() -> vm.outputTokensProperty().set("400"));
        ui.run(() -> vm.cacheHitPercentProperty().set("30"));
        ui.run(() -> vm.batchPercentProperty().set("25"));
        ui.await(() -> vm.compute());
        assertThat(vm.errorProperty().get()).isEmpty();

        // Each request: 1500 input tokens, 30% of them cached = 450 cached + 1050 uncached; 400 output tokens.
        // 75% of the requests online, 25% at the batch price (the entry's batch_discount off every part).
        // A day is 12000 requests, a month 30 days = 360000 requests; CNY = USD × 7.3.
        List<Expected> expected = List.of(
                // qwen3-235b-a22b, dashscope-intl: input $0.70, no cached price = 40% × 0.70 = $0.28, output $2.80,
                // batch_discount 0.5.
                // online: 1050 × 0.70 + 450 × 0.28 + 400 × 2.80 = 735 + 126 + 1120 = 1981 per 1M = $0.001981;
                // batch: 0.001981 × 0.5 = $0.0009905;
                // per request: 0.75 × 0.001981 + 0.25 × 0.0009905 = 0.00148575 + 0.000247625 = $0.001733375;
                // day: × 12000 = $20.8005; month: × 360000 = $624.015.
                // CNY: the model's own China list price (dashscope-cn: input ¥2, cached 40% = ¥0.8, output ¥8,
                // batch_discount 0.5), not USD × 7.3: online 1050 × 2 + 450 × 0.8 + 400 × 8 = 5660 per 1M
                // = ¥0.00566; batch ¥0.00283; per request 0.75 × 0.00566 + 0.25 × 0.00283 = ¥0.0049525
                new Expected("qwen3-235b-a22b", "dashscope-intl", "0.001733375", "20.8005", "624.015", "0.0049525"),
                // gpt-4.1, openai: input $2, cached $0.50, output $8, batch_discount 0.5.
                // online: 1050 × 2 + 450 × 0.50 + 400 × 8 = 2100 + 225 + 3200 = 5525 per 1M = $0.005525;
                // batch: $0.0027625; per request: 0.75 × 0.005525 + 0.25 × 0.0027625 = 0.00414375 + 0.000690625
                // = $0.004834375; day: × 12000 = $58.0125; month: × 360000 = $1740.375; CNY: × 7.3 = ¥0.0352909375
                new Expected("gpt-4.1", "openai", "0.004834375", "58.0125", "1740.375", "0.0352909375"),
                // deepseek-v3.2, deepseek: input $0.28, cached $0.028, output $0.42, no batch price (the batch
                // share pays the online price).
                // 1050 × 0.28 + 450 × 0.028 + 400 × 0.42 = 294 + 12.6 + 168 = 474.6 per 1M = $0.0004746 either way;
                // day: × 12000 = $5.6952; month: × 360000 = $170.856; CNY: × 7.3 = ¥0.00346458
                new Expected("deepseek-v3.2", "deepseek", "0.0004746", "5.6952", "170.856", "0.00346458"));

        assertThat(vm.rows()).extracting(EstimateService.ModelEstimate::model)
                .containsExactly("qwen3-235b-a22b", "gpt-4.1", "deepseek-v3.2");
        for (int i = 0; i < expected.size(); i++) {
            Expected x = expected.get(i);
            EstimateService.ModelEstimate e = vm.rows().get(i);
            assertThat(e.provider()).as(x.model()).isEqualTo(x.provider());
            assertThat(e.perRequestUsd().amount()).as(x.model()).isEqualByComparingTo(x.perRequestUsd());
            assertThat(e.perDayUsd().amount()).as(x.model()).isEqualByComparingTo(x.perDayUsd());
            assertThat(e.perMonthUsd().amount()).as(x.model()).isEqualByComparingTo(x.perMonthUsd());
            assertThat(e.perRequestCny().amount()).as(x.model()).isEqualByComparingTo(x.perRequestCny());
        }
        assertThat(vm.rows()).extracting(EstimateService.ModelEstimate::cnySource)
                .containsExactly("dashscope-cn list price", "USD × 7.3", "USD × 7.3");
        // the tokenizer each model's text is counted with: Qwen's own, else o200k (DeepSeek's is not bundled)
        assertThat(vm.rows()).extracting(EstimateService.ModelEstimate::tokenizer)
                .containsExactly("qwen3", "o200k", "o200k");
    }

    @Test
    void fromHistoryTakesTheTokensAndTheRequestsPerDayFromWhatRan() throws Exception {
        String model = services.prices().models().get(0);
        ui.run(() -> vm.chosen().setAll(model));
        ui.await(() -> vm.inputFromHistory());
        assertThat(vm.errorProperty().get()).contains("no prompts");
        java.time.Instant now = java.time.Instant.now();
        try (dev.llmworkbench.store.Database db = dev.llmworkbench.store.Database.open(
                dir.resolve(dev.llmworkbench.store.DataDirs.DATABASE_FILE))) {
            var runs = new dev.llmworkbench.store.RunStore(db);
            var results = new dev.llmworkbench.store.ResultStore(db);
            long run = runs.create(dev.llmworkbench.domain.RunKind.SINGLE, "t",
                    "Summarise the quarterly report in three short bullet points for the team", "sim", List.of(model),
                    null).id();
            for (int i = 0; i < 14; i++) {
                // 14 answers of 100..230 tokens over the last few days, one failed request that is not counted
                results.insert(dev.llmworkbench.domain.ResultRecord.builder(run).model(model)
                        .usage(Usage.of(20, 100 + 10 * i)).startedAt(now.minusSeconds(3_600L * i))
                        .endedAt(now.minusSeconds(3_600L * i)).build());
            }
            results.insert(dev.llmworkbench.domain.ResultRecord.builder(run).model(model).usage(Usage.of(20, 9_999))
                    .error(dev.llmworkbench.domain.ApiError.of(dev.llmworkbench.domain.ApiError.Kind.SERVER, 500, "x"))
                    .startedAt(now.minus(java.time.Duration.ofDays(30))).endedAt(now.minus(java.time.Duration.ofDays(30)))
                    .build());
        }
        ui.await(() -> vm.inputFromHistory());
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(Long.parseLong(vm.inputTokensProperty().get())).isBetween(10L, 30L);
        assertThat(vm.tokenizerNoteProperty().get()).isEqualTo("Input: ≈ " + vm.inputTokensProperty().get()
                + " tokens (qwen3, the tokenizer of " + model + ")"); // the first model is a Qwen one
        assertThat(vm.outputTokensProperty().get()).isEqualTo("165"); // mean of 100..230
        ui.await(() -> vm.requestsPerDayFromHistory());
        // 14 requests over the 13 hours they cover (not over 7 days): 14 × 24 / 13 = 25.8, rounded up
        assertThat(vm.requestsPerDayProperty().get()).isEqualTo("26");
        assertThat(vm.historyNoteProperty().get()).isEqualTo("14 requests over 13.0 h of history: 26 a day at that pace");
    }

    @Test
    void withoutCacheOrBatchItIsThePlainCost() throws Exception {
        ui.run(() -> vm.chosen().setAll("qwen3-235b-a22b"));
        ui.run(() -> vm.inputTokensProperty().set("1000"));
        ui.run(() -> vm.outputTokensProperty().set("1000"));
        ui.run(() -> vm.requestsPerDayProperty().set("1"));
        ui.await(() -> vm.compute());
        EstimateService.ModelEstimate row = vm.rows().get(0);
        // qwen3-235b-a22b, dashscope-intl: input $0.70, output $2.80 per 1M tokens.
        // 1000 × 0.70 + 1000 × 2.80 = 700 + 2800 = 3500 per 1M = $0.0035 a request;
        // one request a day for 30 days: 30 × 0.0035 = $0.105 a month
        assertThat(row.provider()).isEqualTo("dashscope-intl");
        assertThat(row.perRequestUsd().amount()).isEqualByComparingTo("0.0035");
        assertThat(row.perMonthUsd().amount()).isEqualByComparingTo("0.105");
    }

    @Test
    void aWrongFieldIsReportedAndTheCsvHasEveryModel() throws Exception {
        ui.run(() -> vm.cacheHitPercentProperty().set("140"));
        ui.await(() -> vm.compute());
        assertThat(vm.errorProperty().get()).contains("cache hit rate");
        ui.run(() -> vm.cacheHitPercentProperty().set("10"));
        ui.run(() -> vm.chosen().setAll(services.prices().models().subList(0, 2)));
        ui.await(() -> vm.compute());
        Path csv = dir.resolve("e.csv");
        ui.await(() -> vm.exportCsv(csv));
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("model,provider,input_tokens");
        assertThat(lines.get(1)).startsWith(services.prices().models().get(0) + ",");
        assertThat(vm.routerSavingProperty().get()).contains("no prompts");
    }
}
