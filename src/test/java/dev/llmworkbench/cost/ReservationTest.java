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
        // 110 input × 0.7 + 200 × 2.8 + 38,912 × 8.4 = 77 + 560 + 326,860.8 per 1M
        CostCalculator.Reserve r = calc.reservation(P, M, 100, 200, null, null);
        assertThat(r.usd().amount()).isEqualByComparingTo("0.3274978");
        assertThat(r.answerTokens()).isEqualTo(200);
        assertThat(r.thinkingTokens()).isEqualTo(38_912);
        assertThat(r.outputTokens()).isEqualTo(39_112);
    }

    @Test
    void thinkingOffOrABudgetChangesTheReservation() {
        assertThat(calc.reservation(P, M, 100, 200, false, null).usd().amount()).isEqualByComparingTo("0.000637");
        assertThat(calc.reservation(P, M, 100, 200, false, null).thinkingTokens()).isZero();
        // 77 + 560 + 1,000 × 8.4
        assertThat(calc.reservation(P, M, 100, 200, true, 1000).usd().amount()).isEqualByComparingTo("0.009037");
    }

    @Test
    void anEntryThatDoesNotSayHowItThinksIsPricedAsTheWorstCase() {
        CostCalculator.Reserve r = calc.reservation("holysheep", M, 100, 200, null, null);
        assertThat(r.usd()).isEqualTo(calc.worstCase("holysheep", M, 100, 200));
        assertThat(r.thinkingTokens()).isZero();
        assertThat(r.outputTokens()).isEqualTo(200);
    }

    @Test
    void whatIsLeftCutsTheThinkingBudgetFirstThenMaxTokens() {
        // left 1,000 per 1M: 1000 − 77 − 560 = 363 for thinking: 43 tokens (361.2)
        Optional<CostCalculator.Reserve> a = calc.fitting(P, M, 100, 200, null, null, new BigDecimal("0.001"));
        assertThat(a).isPresent();
        assertThat(a.get().answerTokens()).isEqualTo(200);
        assertThat(a.get().thinkingTokens()).isEqualTo(43);
        assertThat(a.get().usd().amount()).isEqualByComparingTo("0.0009982");
        // left 500: not even the answer fits whole; one thinking token (8.4), (500 − 77 − 8.4) / 2.8 = 148 answer tokens
        Optional<CostCalculator.Reserve> b = calc.fitting(P, M, 100, 200, null, null, new BigDecimal("0.0005"));
        assertThat(b.get().answerTokens()).isEqualTo(148);
        assertThat(b.get().thinkingTokens()).isEqualTo(1);
        assertThat(b.get().usd().amount()).isEqualByComparingTo("0.0004998");
        // left 80: the input alone takes 77
        assertThat(calc.fitting(P, M, 100, 200, null, null, new BigDecimal("0.00008"))).isEmpty();
        // a reservation that fits is given whole
        assertThat(calc.fitting(P, M, 100, 200, false, null, BigDecimal.ONE).get().answerTokens()).isEqualTo(200);
        // thinking off: (500 − 77) / 2.8 = 151
        assertThat(calc.fitting(P, M, 100, 200, false, null, new BigDecimal("0.0005")).get().answerTokens())
                .isEqualTo(151);
    }
}
