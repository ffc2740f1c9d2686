package dev.llmworkbench.service.estimate;

import dev.llmworkbench.domain.Amounts;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.Level;
import dev.llmworkbench.cost.RouteDecision;
import dev.llmworkbench.cost.Router;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.resilience.BudgetLedger;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * Chooses a model for a prompt by its complexity ({@link Router}) and, when the budget of the
 * request's priority cannot afford the chosen model's worst case, routes down a level (and again,
 * while there is a lower level) and says so.
 */
public final class RoutingService {
    private final Router router;
    private final CostCalculator costs;
    private final TokenEstimator estimator;
    private final BudgetLedger ledger;

    public RoutingService(Router router, CostCalculator costs, TokenEstimator estimator, BudgetLedger ledger) {
        this.router = Objects.requireNonNull(router);
        this.costs = Objects.requireNonNull(costs);
        this.estimator = Objects.requireNonNull(estimator);
        this.ledger = Objects.requireNonNull(ledger);
    }

    /** The route for a prompt, with {@code level} and {@code model} possibly lowered for the budget. */
    public record Route(double score, String level, String model, String reason, boolean routedDown) {
    }

    /**
     * @param maxTokens the output bound of the request (for its worst-case cost)
     */
    public Route route(String prompt, Priority priority, long maxTokens) {
        RouteDecision d = router.route(prompt);
        Level level = d.level();
        String model = d.model();
        StringBuilder reason = new StringBuilder(d.reason());
        BigDecimal left = ledger.remainingToday(priority);
        boolean down = false;
        if (left != null) {
            long input = estimator.estimateText(model, prompt).tokens();
            while (true) {
                BigDecimal worst = worstCase(model, input, maxTokens);
                if (worst == null || worst.compareTo(left) <= 0 || level.isLowest()) {
                    if (worst != null && worst.compareTo(left) > 0) {
                        reason.append("; even ").append(model).append(" may cost up to ").append(Amounts.usd(worst))
                                .append(", more than the ").append(Amounts.usd(left))
                                .append(" left of today's ").append(priority.wireName()).append(" budget");
                    }
                    break;
                }
                Level lower = level.down();
                String lowerModel = router.modelFor(lower);
                reason.append("; routed down from ").append(level.id()).append(" (").append(model).append(", up to ")
                        .append(Amounts.usd(worst)).append(") to ").append(lower.id()).append(" (").append(lowerModel)
                        .append(") because only ").append(Amounts.usd(left))
                        .append(" is left of today's ").append(priority.wireName()).append(" budget");
                level = lower;
                model = lowerModel;
                down = true;
            }
        }
        return new Route(d.score(), level.id(), model, reason.toString(), down);
    }

    private BigDecimal worstCase(String model, long input, long maxTokens) {
        if (costs.entry(null, model).isEmpty()) {
            return null;
        }
        Money m = costs.worstCase(null, model, input, maxTokens);
        return m.amount();
    }
}
