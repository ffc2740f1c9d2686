package dev.llmworkbench.service;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects the cost of a workload, sending nothing: each request (a list of messages) is counted with the
 * token estimator and priced with the catalogue for each model; a day is {@code requestsPerDay} requests,
 * a month 30 days. Per-request figures are the mean over the requests given.
 */
public final class EstimateService {
    public static final int DEFAULT_OUTPUT_TOKENS = 256;
    public static final int DAYS_PER_MONTH = 30;

    /**
     * One model's projection. {@code inputTokens} is the mean per request (rounded), {@code outputTokens}
     * the assumed output per request.
     */
    public record ModelEstimate(String model, String provider, long inputTokens, long outputTokens, int requests,
                                Money perRequestUsd, Money perRequestCny, Money perDayUsd, Money perDayCny,
                                Money perMonthUsd, Money perMonthCny) {
    }

    /** No price for a model. */
    public static final class NoPrice extends IllegalArgumentException {
        public NoPrice(String model) {
            super("no price for model '" + model + "' in the price catalogue");
        }
    }

    private final CostCalculator costs;
    private final TokenEstimator estimator;

    public EstimateService(CostCalculator costs, TokenEstimator estimator) {
        this.costs = costs;
        this.estimator = estimator;
    }

    /**
     * @param requests       the requests (at least one)
     * @param requestsPerDay how many requests a day
     */
    public List<ModelEstimate> estimate(List<List<Message>> requests, List<String> models, long requestsPerDay,
                                        int outputTokens) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("nothing to estimate: no requests");
        }
        List<ModelEstimate> out = new ArrayList<>();
        for (String model : models) {
            if (costs.entry(null, model).isEmpty()) {
                throw new NoPrice(model);
            }
            BigDecimal usd = BigDecimal.ZERO;
            BigDecimal cny = BigDecimal.ZERO;
            long input = 0;
            String provider = null;
            for (List<Message> messages : requests) {
                int tokens = estimator.estimate(model, messages).tokens();
                input += tokens;
                CostResult c = costs.cost(null, model, Usage.of(tokens, outputTokens), false);
                provider = c.provider();
                usd = usd.add(c.totalUsd().amount());
                cny = cny.add(c.totalCny().amount());
            }
            BigDecimal n = BigDecimal.valueOf(requests.size());
            BigDecimal perUsd = requests.size() == 1 ? usd : usd.divide(n, MathContext.DECIMAL64);
            BigDecimal perCny = requests.size() == 1 ? cny : cny.divide(n, MathContext.DECIMAL64);
            BigDecimal day = BigDecimal.valueOf(requestsPerDay);
            BigDecimal month = day.multiply(BigDecimal.valueOf(DAYS_PER_MONTH));
            long meanInput = BigDecimal.valueOf(input).divide(n, 0, RoundingMode.HALF_UP).longValue();
            out.add(new ModelEstimate(model, provider, meanInput, outputTokens, requests.size(),
                    new Money(perUsd, Currency.USD), new Money(perCny, Currency.CNY),
                    new Money(perUsd.multiply(day), Currency.USD), new Money(perCny.multiply(day), Currency.CNY),
                    new Money(perUsd.multiply(month), Currency.USD), new Money(perCny.multiply(month), Currency.CNY)));
        }
        return out;
    }
}
