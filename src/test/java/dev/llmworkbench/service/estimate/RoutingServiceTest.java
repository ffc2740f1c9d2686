package dev.llmworkbench.service.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.Router;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.FakeTime;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutingServiceTest {
    private static final String COMPLEX = "Implement a concurrent database API with an async algorithm. ".repeat(6)
            + "```java\nclass A {}\n```";
    private BudgetLedger ledger;
    private RoutingService routing;
    private CostCalculator costs;

    @BeforeEach
    void setUp() {
        FakeTime time = new FakeTime();
        ledger = new BudgetLedger(time.clock(), ZoneOffset.UTC);
        costs = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
        routing = new RoutingService(new Router(), costs, new TokenEstimator(), ledger);
    }

    @Test
    void withoutABudgetTheComplexityDecides() {
        RoutingService.Route r = routing.route(COMPLEX, Priority.BATCH, 100_000);
        assertThat(r.level()).isEqualTo("complex");
        assertThat(r.model()).isEqualTo("qwen3-235b-a22b");
        assertThat(r.routedDown()).isFalse();
    }

    @Test
    void aBudgetThatCannotAffordTheChosenModelRoutesDownAndSaysSo() {
        long maxTokens = 10_000;
        BigDecimal big = costs.worstCase(null, "qwen3-235b-a22b", 200, maxTokens).amount();
        BigDecimal mid = costs.worstCase(null, "qwen-plus", 200, maxTokens).amount();
        assertThat(mid).isLessThan(big);
        // enough for qwen-plus, not for qwen3-235b-a22b
        ledger.setDailyBudget(Priority.BATCH, mid.add(big).divide(BigDecimal.valueOf(2)));
        RoutingService.Route r = routing.route(COMPLEX, Priority.BATCH, maxTokens);
        assertThat(r.routedDown()).isTrue();
        assertThat(r.level()).isEqualTo("moderate");
        assertThat(r.model()).isEqualTo("qwen-plus");
        assertThat(r.reason()).contains("routed down from complex").contains("batch budget");
        // other priorities are not affected
        assertThat(routing.route(COMPLEX, Priority.NORMAL, maxTokens).model()).isEqualTo("qwen3-235b-a22b");
    }

    @Test
    void itStopsAtTheLowestLevelAndSaysEvenThatIsTooMuch() {
        ledger.setDailyBudget(Priority.FILLER, new BigDecimal("0.0000001"));
        RoutingService.Route r = routing.route(COMPLEX, Priority.FILLER, 10_000);
        assertThat(r.level()).isEqualTo("simple");
        assertThat(r.model()).isEqualTo("qwen-turbo");
        assertThat(r.reason()).contains("even qwen-turbo");
    }
}
