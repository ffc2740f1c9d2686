package dev.llmworkbench.service.estimate;

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
        private static final long serialVersionUID = 1L;

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
        return estimate(requests, models, requestsPerDay, outputTokens, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /**
     * As {@link #estimate(List, List, long, int)}, with a share of each request's input read from the cache
     * ({@code cacheHitRate}, 0..1, priced at the cached-input price) and a share of the requests run at the
     * provider's batch price ({@code batchShare}, 0..1). Each request costs
     * {@code (1 - batchShare) * cost(online) + batchShare * cost(batch)} by the {@link CostCalculator}.
     */
    public List<ModelEstimate> estimate(List<List<Message>> requests, List<String> models, long requestsPerDay,
                                        int outputTokens, BigDecimal cacheHitRate, BigDecimal batchShare) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("nothing to estimate: no requests");
        }
        List<ModelEstimate> out = new ArrayList<>();
        for (String model : models) {
            List<Long> tokens = new ArrayList<>(requests.size());
            for (List<Message> messages : requests) {
                tokens.add((long) estimator.estimate(model, messages).tokens());
            }
            out.add(estimateTokens(model, tokens, requestsPerDay, outputTokens, cacheHitRate, batchShare));
        }
        return out;
    }

    /**
     * One model's projection for requests of known input sizes (typed in, or from history): no token
     * estimation, the same pricing as {@link #estimate(List, List, long, int, BigDecimal, BigDecimal)}.
     */
    public ModelEstimate estimateTokens(String model, List<Long> inputTokens, long requestsPerDay, int outputTokens,
                                        BigDecimal cacheHitRate, BigDecimal batchShare) {
        if (inputTokens.isEmpty()) {
            throw new IllegalArgumentException("nothing to estimate: no requests");
        }
        checkShare("cache hit rate", cacheHitRate);
        checkShare("batch share", batchShare);
        if (costs.entry(null, model).isEmpty()) {
            throw new NoPrice(model);
        }
        BigDecimal online = BigDecimal.ONE.subtract(batchShare);
        BigDecimal usd = BigDecimal.ZERO;
        BigDecimal cny = BigDecimal.ZERO;
        long input = 0;
        String provider = null;
        for (long t : inputTokens) {
            int tokens = (int) Math.min(Integer.MAX_VALUE, Math.max(0, t));
            input += tokens;
            Usage u = usage(tokens, outputTokens, cacheHitRate);
            CostResult c = costs.cost(null, model, u, false);
            provider = c.provider();
            if (batchShare.signum() == 0) {
                usd = usd.add(c.totalUsd().amount());
                cny = cny.add(c.totalCny().amount());
            } else {
                CostResult b = costs.cost(null, model, u, true);
                usd = usd.add(c.totalUsd().amount().multiply(online)).add(b.totalUsd().amount().multiply(batchShare));
                cny = cny.add(c.totalCny().amount().multiply(online)).add(b.totalCny().amount().multiply(batchShare));
            }
        }
        int n0 = inputTokens.size();
        BigDecimal n = BigDecimal.valueOf(n0);
        BigDecimal perUsd = n0 == 1 ? usd : usd.divide(n, MathContext.DECIMAL64);
        BigDecimal perCny = n0 == 1 ? cny : cny.divide(n, MathContext.DECIMAL64);
        BigDecimal day = BigDecimal.valueOf(requestsPerDay);
        BigDecimal month = day.multiply(BigDecimal.valueOf(DAYS_PER_MONTH));
        long meanInput = BigDecimal.valueOf(input).divide(n, 0, RoundingMode.HALF_UP).longValue();
        return new ModelEstimate(costs.catalogue().resolveAlias(model), provider, meanInput, outputTokens, n0,
                new Money(perUsd, Currency.USD), new Money(perCny, Currency.CNY),
                new Money(perUsd.multiply(day), Currency.USD), new Money(perCny.multiply(day), Currency.CNY),
                new Money(perUsd.multiply(month), Currency.USD), new Money(perCny.multiply(month), Currency.CNY));
    }

    /** The usage a request of {@code input} tokens is priced with: {@code cacheHitRate} of its input cached. */
    public static Usage usage(int input, int output, BigDecimal cacheHitRate) {
        int cached = cacheHitRate.signum() == 0 ? 0
                : BigDecimal.valueOf(input).multiply(cacheHitRate).setScale(0, RoundingMode.HALF_UP).intValue();
        return new Usage(input, output, input + output, null, cached == 0 ? null : cached, false);
    }

    private static void checkShare(String what, BigDecimal v) {
        if (v == null || v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("the " + what + " must be between 0 and 1, was " + v);
        }
    }
}
