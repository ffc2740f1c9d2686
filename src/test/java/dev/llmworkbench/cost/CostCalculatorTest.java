package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {
    private final CostCalculator calc = new CostCalculator(TestPrices.catalogue(), ExchangeRate.MARKET_DEFAULT);

    private static Usage usage(int prompt, int cached, int completion, int reasoning) {
        return new Usage(prompt, completion, prompt + completion, reasoning, cached, false);
    }

    @Test
    void eachComponentIsExact() {
        // 800 uncached × $2/M, 200 cached × 40% of $2/M, 200 answer × $8/M, 300 reasoning × $20/M
        CostResult r = calc.cost(null, "m-flat", usage(1000, 200, 500, 300), false);
        assertThat(r.hasPrice()).isTrue();
        assertThat(r.provider()).isEqualTo("p1");
        assertThat(r.priceDate()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(r.inputUsd().amount()).isEqualByComparingTo("0.0016");
        assertThat(r.cachedInputUsd().amount()).isEqualByComparingTo("0.00016");
        assertThat(r.outputUsd().amount()).isEqualByComparingTo("0.0016");
        assertThat(r.reasoningUsd().amount()).isEqualByComparingTo("0.006");
        assertThat(r.totalUsd()).isEqualTo(new Money(r.totalUsd().amount(), Currency.USD));
        assertThat(r.totalUsd().amount()).isEqualByComparingTo("0.00936");
        assertThat(r.totalCny().amount()).isEqualByComparingTo("0.068328");
        assertThat(r.totalCny().currency()).isEqualTo(Currency.CNY);
        assertThat(r.exchangeRate()).isEqualByComparingTo("7.3");
    }

    @Test
    void cachedInputIsFortyPercentWhenNotGivenAndTheEntrysFigureOtherwise() {
        CostResult derived = calc.cost("p1", "m-flat", usage(1_000_000, 1_000_000, 0, 0), false);
        assertThat(derived.cachedInputUsd().amount()).isEqualByComparingTo("0.8");
        assertThat(derived.inputUsd().amount()).isEqualByComparingTo("0");

        CostResult given = calc.cost("p1", "m-cached", usage(1_000_000, 100_000, 0, 0), false);
        // 900,000 uncached at the second tier's $6, 100,000 cached at $6 × (0.3 / 3) = $0.6
        assertThat(given.inputUsd().amount()).isEqualByComparingTo("5.4");
        assertThat(given.cachedInputUsd().amount()).isEqualByComparingTo("0.06");
        CostResult firstTier = calc.cost("p1", "m-cached", usage(200_000, 100_000, 0, 0), false);
        assertThat(firstTier.cachedInputUsd().amount()).isEqualByComparingTo("0.03");
        assertThat(firstTier.inputUsd().amount()).isEqualByComparingTo("0.3");
    }

    @Test
    void tierIsChosenByPromptLength() {
        CostCalculator oneToOne = new CostCalculator(TestPrices.catalogue(), ExchangeRate.ONE_TO_ONE);
        CostResult edge = oneToOne.cost("p1", "m-tier", usage(131_072, 0, 1000, 0), false);
        // ¥0.8 × 131,072/1M + ¥2 × 1000/1M
        assertThat(edge.totalInPriceCurrency().amount()).isEqualByComparingTo("0.1068576");
        assertThat(edge.totalInPriceCurrency().currency()).isEqualTo(Currency.CNY);
        CostResult above = oneToOne.cost("p1", "m-tier", usage(131_073, 0, 1000, 500), false);
        // ¥2.4 × 131,073/1M + ¥20 × 500/1M + ¥24 × 500/1M
        assertThat(above.totalInPriceCurrency().amount()).isEqualByComparingTo("0.3365752");
        assertThat(above.totalUsd().amount()).isEqualByComparingTo("0.3365752");
        assertThat(above.reasoningUsd().amount()).isEqualByComparingTo("0.012");
        // beyond the last tier: the last tier's prices
        CostResult beyond = oneToOne.cost("p1", "m-tier", usage(300_000, 0, 0, 0), false);
        assertThat(beyond.totalUsd().amount()).isEqualByComparingTo("0.72");
    }

    @Test
    void cnyPricesConvertToUsdAtTheGivenRate() {
        CostResult r = calc.cost("p1", "m-tier", usage(1_000_000, 0, 0, 0), false);
        // ¥2.4 (second tier) / 7.3, kept to 12 decimals
        assertThat(r.totalCny().amount()).isEqualByComparingTo("2.4");
        assertThat(r.totalUsd().amount()).isEqualByComparingTo("0.328767123288");
        assertThat(r.priceCurrency()).isEqualTo(Currency.CNY);
        assertThat(ExchangeRate.of("7.3").toCny(Money.usd("10")).amount()).isEqualByComparingTo("73");
        assertThat(ExchangeRate.ONE_TO_ONE.toUsd(new Money(new BigDecimal("5"), Currency.CNY)).amount())
                .isEqualByComparingTo("5");
        assertThatThrownBy(() -> ExchangeRate.of("0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchTakesTheDiscountOffEveryComponent() {
        CostResult r = calc.cost("p1", "m-flat", usage(1000, 200, 500, 300), true);
        assertThat(r.totalUsd().amount()).isEqualByComparingTo("0.00468");
        assertThat(r.reasoningUsd().amount()).isEqualByComparingTo("0.003");
        assertThat(r.batchDiscountApplied()).isTrue();
        CostResult noBatchPrice = calc.cost("p2", "m-flat", usage(1_000_000, 0, 0, 0), true);
        assertThat(noBatchPrice.batchDiscountApplied()).isFalse();
        assertThat(noBatchPrice.totalUsd().amount()).isEqualByComparingTo("1");
    }

    @Test
    void providerChoosesTheEntry() {
        CostResult p2 = calc.cost("p2", "flat", usage(1_000_000, 0, 1_000_000, 0), false);
        assertThat(p2.provider()).isEqualTo("p2");
        assertThat(p2.totalUsd().amount()).isEqualByComparingTo("2");
    }

    @Test
    void unknownModelHasNoPriceNotZero() {
        CostResult r = calc.cost(null, "mystery-model", usage(10, 0, 10, 0), false);
        assertThat(r.hasPrice()).isFalse();
        assertThat(r.model()).isEqualTo("mystery-model");
        assertThat(r.totalUsd()).isNull();
        assertThat(r.totalCny()).isNull();
        assertThatThrownBy(() -> r.total(Currency.USD)).isInstanceOf(NoPriceException.class)
                .hasMessage("no price for mystery-model");
        assertThat(calc.cost("p2", "m-tier", usage(1, 0, 1, 0), false).hasPrice()).isFalse();
    }

    @Test
    void worstCaseReservesInputPlusTenPercentAndMaxTokensAtTheHighestOutputPrice() {
        // 1000 × 1.1 × $2/M + 500 × $20/M (thinking is the highest)
        assertThat(calc.worstCase("p1", "m-flat", 1000, 500).amount()).isEqualByComparingTo("0.0122");
        assertThat(calc.worstCase("p1", "m-flat", 1000, 500).currency()).isEqualTo(Currency.USD);
        CostCalculator oneToOne = new CostCalculator(TestPrices.catalogue(), ExchangeRate.ONE_TO_ONE);
        // 110,000 × ¥0.8/M + 1000 × ¥8/M
        assertThat(oneToOne.worstCase("p1", "m-tier", 100_000, 1000).amount()).isEqualByComparingTo("0.096");
        // 125,000 + 10% = 137,500 falls in the second tier: 137,500 × ¥2.4/M + 1000 × ¥24/M
        assertThat(oneToOne.worstCase("p1", "m-tier", 125_000, 1000).amount()).isEqualByComparingTo("0.354");
        // the same at ¥7.3 per $1
        assertThat(calc.worstCase("p1", "m-tier", 125_000, 1000).amount()).isEqualByComparingTo("0.048493150685");
        assertThatThrownBy(() -> calc.worstCase(null, "mystery", 1, 1)).isInstanceOf(NoPriceException.class)
                .hasMessageContaining("no price for mystery");
    }

    @Test
    void bundledCatalogueWorksEndToEnd() {
        CostCalculator real = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
        // China qwen3-32b: 1M input ¥2 + 1M answer ¥8 + 1M thinking ¥20
        CostResult r = real.cost("dashscope-cn", "qwen3-32b", usage(1_000_000, 0, 2_000_000, 1_000_000), false);
        assertThat(r.totalCny().amount()).isEqualByComparingTo("30");
        assertThat(real.cost(null, "qwen3-235b", Usage.of(1000, 1000), false).hasPrice()).isTrue();
    }
}
