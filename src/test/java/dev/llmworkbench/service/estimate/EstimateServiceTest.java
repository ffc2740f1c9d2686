package dev.llmworkbench.service.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator's CSV export, rows worked out by hand from the bundled catalogue
 * (src/main/resources/dev/llmworkbench/prices.json, prices per 1M tokens) at ¥7.3 per $1.
 */
class EstimateServiceTest {
    @TempDir
    Path dir;
    EstimateService estimates;

    @BeforeEach
    void setUp() {
        estimates = new EstimateService(new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT),
                new TokenEstimator());
    }

    private static Money usd(String v) {
        return new Money(new BigDecimal(v), Currency.USD);
    }

    private static Money cny(String v) {
        return new Money(new BigDecimal(v), Currency.CNY);
    }

    @Test
    void theCsvHasTheHeaderAndOneRowAModelWithPlainNumbers() throws Exception {
        List<EstimateService.ModelEstimate> rows = List.of(
                new EstimateService.ModelEstimate("gpt-4.1", "openai", 1000, 500, 1, usd("0.006"), cny("0.0438"),
                        usd("0.6"), cny("4.38"), usd("18"), cny("131.4")),
                // a tiny amount is written in plain digits, never 1E-7; a provider with a comma is quoted
                new EstimateService.ModelEstimate("m", "a, b", 7, 0, 2, usd("1E-7"), cny("7.3E-7"), usd("0"),
                        cny("0"), usd("0"), cny("0")));
        Path out = dir.resolve("sub/estimate.csv");
        estimates.exportCsv(rows, out);
        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).containsExactly(
                "model,provider,input_tokens,output_tokens,usd_per_request,usd_per_day,usd_per_month,"
                        + "cny_per_request,cny_per_day,cny_per_month",
                "gpt-4.1,openai,1000,500,0.006,0.6,18,0.0438,4.38,131.4",
                "m,\"a, b\",7,0,0.0000001,0,0,0.00000073,0,0");
    }

    @Test
    void anEstimateIsExportedWithTheFiguresWorkedOutByHand() throws Exception {
        // gpt-4.1, openai: input $2, output $8 per 1M tokens. 1000 input + 500 output tokens:
        // 1000 × 2 + 500 × 8 = 2000 + 4000 = 6000 per 1M = $0.006 a request; 100 a day: $0.6; 30 days: $18.
        // CNY × 7.3: ¥0.0438, ¥4.38, ¥131.4
        EstimateService.ModelEstimate e = estimates.estimateTokens("gpt-4.1", List.of(1000L), 100, 500,
                BigDecimal.ZERO, BigDecimal.ZERO);
        Path out = dir.resolve("one.csv");
        estimates.exportCsv(List.of(e), out);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        String[] f = lines.get(1).split(",");
        assertThat(f[0]).isEqualTo("gpt-4.1");
        assertThat(f[1]).isEqualTo("openai");
        assertThat(f[2]).isEqualTo("1000");
        assertThat(f[3]).isEqualTo("500");
        List<String> expected = List.of("0.006", "0.6", "18", "0.0438", "4.38", "131.4");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(new BigDecimal(f[4 + i])).as(EstimateService.CSV_HEADER.get(4 + i))
                    .isEqualByComparingTo(expected.get(i));
        }
    }

    @Test
    void anExportReplacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        Path out = dir.resolve("estimate.csv");
        Files.writeString(out, "an older export\nwith two lines\n");
        estimates.exportCsv(List.of(), out);
        assertThat(Files.readAllLines(out)).containsExactly(String.join(",", EstimateService.CSV_HEADER));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void anEstimatorWithoutTheHistorySaysSo() {
        assertThatThrownBy(() -> estimates.historyPrompts(10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no history");
        EstimateService.RouterSaving none = estimates.routerSaving(List.of(), "gpt-4.1",
                new EstimateService.Workload(10, 100, 10, null, null));
        assertThat(none.prompts()).isZero();
        assertThat(none.savingPerMonthUsd()).isEqualByComparingTo("0");
    }
}
