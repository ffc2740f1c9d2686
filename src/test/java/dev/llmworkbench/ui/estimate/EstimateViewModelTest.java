package dev.llmworkbench.ui.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.EstimateService;
import dev.llmworkbench.store.DataDirs;
import dev.llmworkbench.ui.app.AppServices;
import dev.llmworkbench.ui.common.FxExecutor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimator's figures are the cost calculator's, for the same inputs. */
class EstimateViewModelTest {
    @TempDir
    Path dir;
    AppServices services;
    EstimateViewModel vm;

    @BeforeEach
    void setUp() {
        services = new AppServices(DataDirs.at(dir), false);
        vm = new EstimateViewModel(services.estimatePlanner(), services.prices().models(), Runnable::run,
                FxExecutor.sameThread());
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    @Test
    void theFiguresEqualTheCostCalculatorsWithCacheHitsAndBatchShare() throws Exception {
        List<String> models = services.prices().models().subList(0, 3);
        vm.chosen().setAll(models);
        vm.requestsPerDayProperty().set("12000");
        vm.inputTokensProperty().set("1500");
        vm.outputTokensProperty().set("400");
        vm.cacheHitPercentProperty().set("30");
        vm.batchPercentProperty().set("25");
        vm.compute().get(10, TimeUnit.SECONDS);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(vm.rows()).hasSize(3);

        CostCalculator calc = services.prices().calculator();
        Usage u = new Usage(1500, 400, 1900, null, 450, false);
        for (EstimateService.ModelEstimate e : vm.rows()) {
            CostResult online = calc.cost(null, e.model(), u, false);
            CostResult batch = calc.cost(null, e.model(), u, true);
            BigDecimal perRequest = online.totalUsd().amount().multiply(new BigDecimal("0.75"))
                    .add(batch.totalUsd().amount().multiply(new BigDecimal("0.25")));
            assertThat(e.perRequestUsd().amount()).isEqualByComparingTo(perRequest);
            assertThat(e.perDayUsd().amount()).isEqualByComparingTo(perRequest.multiply(BigDecimal.valueOf(12000)));
            assertThat(e.perMonthUsd().amount())
                    .isEqualByComparingTo(perRequest.multiply(BigDecimal.valueOf(12000 * 30)));
            BigDecimal cny = online.totalCny().amount().multiply(new BigDecimal("0.75"))
                    .add(batch.totalCny().amount().multiply(new BigDecimal("0.25")));
            assertThat(e.perRequestCny().amount()).isEqualByComparingTo(cny);
            assertThat(e.perRequestUsd().amount()).isPositive();
        }
    }

    @Test
    void fromHistoryTakesTheTokensAndTheRequestsPerDayFromWhatRan() throws Exception {
        String model = services.prices().models().get(0);
        vm.chosen().setAll(model);
        vm.inputFromHistory().get(10, TimeUnit.SECONDS);
        assertThat(vm.errorProperty().get()).contains("no prompts");
        java.time.Instant now = java.time.Instant.now();
        try (dev.llmworkbench.store.Database db = dev.llmworkbench.store.Database.open(
                dir.resolve(dev.llmworkbench.store.DataDirs.DATABASE_FILE))) {
            var runs = new dev.llmworkbench.store.RunStore(db);
            var results = new dev.llmworkbench.store.ResultStore(db);
            long run = runs.create(dev.llmworkbench.store.RunKind.SINGLE, "t",
                    "Summarise the quarterly report in three short bullet points for the team", "sim", List.of(model),
                    null).id();
            for (int i = 0; i < 14; i++) {
                // 14 answers of 100..230 tokens over the last few days, one failed request that is not counted
                results.insert(dev.llmworkbench.store.ResultRecord.builder(run).model(model)
                        .usage(Usage.of(20, 100 + 10 * i)).startedAt(now.minusSeconds(3_600L * i))
                        .endedAt(now.minusSeconds(3_600L * i)).build());
            }
            results.insert(dev.llmworkbench.store.ResultRecord.builder(run).model(model).usage(Usage.of(20, 9_999))
                    .error(dev.llmworkbench.domain.ApiError.of(dev.llmworkbench.domain.ApiError.Kind.SERVER, 500, "x"))
                    .startedAt(now.minus(java.time.Duration.ofDays(30))).endedAt(now.minus(java.time.Duration.ofDays(30)))
                    .build());
        }
        vm.inputFromHistory().get(10, TimeUnit.SECONDS);
        assertThat(vm.errorProperty().get()).isEmpty();
        assertThat(Long.parseLong(vm.inputTokensProperty().get())).isBetween(10L, 30L);
        assertThat(vm.outputTokensProperty().get()).isEqualTo("165"); // mean of 100..230
        vm.requestsPerDayFromHistory().get(10, TimeUnit.SECONDS);
        assertThat(vm.requestsPerDayProperty().get()).isEqualTo("2"); // 14 in the last 7 days, rounded up
    }

    @Test
    void withoutCacheOrBatchItIsThePlainCost() throws Exception {
        String model = services.prices().models().get(0);
        vm.chosen().setAll(model);
        vm.inputTokensProperty().set("1000");
        vm.outputTokensProperty().set("1000");
        vm.requestsPerDayProperty().set("1");
        vm.compute().get(10, TimeUnit.SECONDS);
        CostResult c = services.prices().calculator().cost(null, model, Usage.of(1000, 1000), false);
        assertThat(vm.rows().get(0).perRequestUsd().amount()).isEqualByComparingTo(c.totalUsd().amount());
        assertThat(vm.rows().get(0).perMonthUsd().amount())
                .isEqualByComparingTo(c.totalUsd().amount().multiply(BigDecimal.valueOf(30), MathContext.DECIMAL64));
    }

    @Test
    void aWrongFieldIsReportedAndTheCsvHasEveryModel() throws Exception {
        vm.cacheHitPercentProperty().set("140");
        vm.compute().get(10, TimeUnit.SECONDS);
        assertThat(vm.errorProperty().get()).contains("cache hit rate");
        vm.cacheHitPercentProperty().set("10");
        vm.chosen().setAll(services.prices().models().subList(0, 2));
        vm.compute().get(10, TimeUnit.SECONDS);
        Path csv = dir.resolve("e.csv");
        vm.exportCsv(csv);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("model,provider,input_tokens");
        assertThat(lines.get(1)).startsWith(services.prices().models().get(0) + ",");
        assertThat(vm.routerSavingProperty().get()).contains("no prompts");
    }
}
