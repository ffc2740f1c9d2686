package dev.llmworkbench.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a budget reserves for a request and how it is cut to what is left, with hand-computed figures
 * (bundled catalogue: dashscope-intl qwen3-235b-a22b is $0.7 in, $2.8 out, $8.4 thinking per 1M tokens,
 * thinks by default, 38,912 thinking tokens at most; the holysheep entry does not say how it thinks).
 */
class ReservationTest {
    private static final String P = "dashscope-intl";
    private static final String M = "qwen3-235b-a22b";
    private final CostCalculator calc = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);

    @Test
    void aModelThatThinksByDefaultReservesItsWholeChainOfThoughtAtTheThinkingPrice() {
        // 1,100 input × 0.7 + 200 × 2.8 + 38,912 × 8.4 = 770 + 560 + 326,860.8 per 1M
        CostCalculator.Reserve r = calc.reservation(P, M, 1000, 200, null, null);
        assertThat(r.usd().amount()).isEqualByComparingTo("0.3281908");
        assertThat(r.answerTokens()).isEqualTo(200);
        assertThat(r.thinkingTokens()).isEqualTo(38_912);
        assertThat(r.outputTokens()).isEqualTo(39_112);
    }

    @Test
    void thinkingOffOrABudgetChangesTheReservation() {
        assertThat(calc.reservation(P, M, 1000, 200, false, null).usd().amount()).isEqualByComparingTo("0.00133");
        assertThat(calc.reservation(P, M, 1000, 200, false, null).thinkingTokens()).isZero();
        // 770 + 560 + 1,000 × 8.4
        assertThat(calc.reservation(P, M, 1000, 200, true, 1000).usd().amount()).isEqualByComparingTo("0.00973");
    }

    @Test
    void aShortPromptReservesAtLeastSixteenTokensMoreThanItsEstimate() {
        // 10 tokens: 10% would be 1; (10 + 16) × 0.7 + 200 × 2.8 = 18.2 + 560
        assertThat(calc.reservation(P, M, 10, 200, false, null).usd().amount()).isEqualByComparingTo("0.0005782");
        // 1,000 tokens: 10% (100) is more than 16
        assertThat(calc.reservation(P, M, 1000, 0, false, null).usd().amount()).isEqualByComparingTo("0.00077");
    }

    @Test
    void anEntryThatDoesNotSayHowItThinksIsPricedAsTheWorstCase() {
        CostCalculator.Reserve r = calc.reservation("holysheep", M, 100, 200, null, null);
        assertThat(r.usd()).isEqualTo(calc.worstCase("holysheep", M, 100, 200));
        assertThat(calc.reservation("holysheep", M, 1000, 200, null, null).usd())
                .isEqualTo(calc.worstCase("holysheep", M, 1000, 200));
        assertThat(r.thinkingTokens()).isZero();
        assertThat(r.outputTokens()).isEqualTo(200);
    }

    @Test
    void whatIsLeftCutsTheThinkingBudgetFirstThenMaxTokens() {
        // left 2,000 per 1M: 2000 − 770 − 560 = 670 for thinking: 79 tokens (663.6)
        Optional<CostCalculator.Reserve> a = calc.fitting(P, M, 1000, 200, null, null, new BigDecimal("0.002"));
        assertThat(a).isPresent();
        assertThat(a.get().answerTokens()).isEqualTo(200);
        assertThat(a.get().thinkingTokens()).isEqualTo(79);
        assertThat(a.get().usd().amount()).isEqualByComparingTo("0.0019936");
        // left 1,000: not even the answer fits whole; one thinking token (8.4), (1000 − 770 − 8.4) / 2.8 = 79 answer tokens
        Optional<CostCalculator.Reserve> b = calc.fitting(P, M, 1000, 200, null, null, new BigDecimal("0.001"));
        assertThat(b.get().answerTokens()).isEqualTo(79);
        assertThat(b.get().thinkingTokens()).isEqualTo(1);
        assertThat(b.get().usd().amount()).isEqualByComparingTo("0.0009996");
        // left 770: the input alone takes it
        assertThat(calc.fitting(P, M, 1000, 200, null, null, new BigDecimal("0.00077"))).isEmpty();
        // a reservation that fits is given whole
        assertThat(calc.fitting(P, M, 1000, 200, false, null, BigDecimal.ONE).get().answerTokens()).isEqualTo(200);
        // thinking off: (1000 − 770) / 2.8 = 82
        assertThat(calc.fitting(P, M, 1000, 200, false, null, new BigDecimal("0.001")).get().answerTokens())
                .isEqualTo(82);
    }

    @Test
    void theBreakdownSaysEachPartAtItsPriceAndAddsUpToTheCost() {
        // 30 in × 0.7 + 100 reasoning × 8.4 + 33 answer × 2.8 = 21 + 840 + 92.4 = 953.4 per 1M
        dev.llmworkbench.domain.Usage u = new dev.llmworkbench.domain.Usage(30, 133, 163, 100, null, false);
        assertThat(calc.breakdown(P, M, u, false)).contains(
                "30 in × $0.70/M + 100 reasoning × $8.40/M + 33 answer × $2.80/M");
        assertThat(calc.cost(P, M, u, false).totalUsd().amount()).isEqualByComparingTo("0.0009534");
        // no reasoning: no reasoning part; an estimate is marked
        assertThat(calc.breakdown(P, M, new dev.llmworkbench.domain.Usage(10, 5, 15, null, null, true), false))
                .contains("≈10 in × $0.70/M + ≈5 answer × $2.80/M");
        assertThat(calc.breakdown("nowhere", "no-such-model", u, false)).isEmpty();
    }
}
