package dev.llmworkbench.service.estimate;

import dev.llmworkbench.cost.CompressionResult;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.PromptCompressor;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The one-shot cost tools of the command line and the desktop: what a request of given token counts costs
 * ({@code price}) and a prompt without filler ({@code compress}). The figures come from the same calculator
 * and estimator as every other estimate, so a price quoted here is the price a run is billed.
 */
public final class QuoteService {
    private final CostCalculator costs;
    private final TokenEstimator estimator;

    public QuoteService(CostCalculator costs, TokenEstimator estimator) {
        this.costs = Objects.requireNonNull(costs);
        this.estimator = Objects.requireNonNull(estimator);
    }

    /**
     * The cost of one request, amounts in USD (the breakdown) and the total in both currencies.
     * {@code batchDiscountApplied} is false when {@code batch} was asked but the entry has no batch price.
     */
    public record Quote(String model, String provider, LocalDate priceDate, boolean verified, Money inputUsd,
                        Money cachedInputUsd, Money outputUsd, Money reasoningUsd, Money totalUsd, Money totalCny,
                        BigDecimal exchangeRate, boolean batch, boolean batchDiscountApplied) {
        public Money total(Currency currency) {
            return currency == Currency.USD ? totalUsd : totalCny;
        }
    }

    /** A prompt shortened, with its token counts before and after. */
    public record Compression(String text, int tokensBefore, int tokensAfter) {
    }

    /**
     * What a request of these token counts costs.
     *
     * @param provider the price list, or null for the model's first catalogue entry
     * @param reasoning the part of {@code output} that was reasoning
     * @param cached the part of {@code input} read from the cache
     * @throws IllegalArgumentException with a one-line reason when the counts do not fit together or do not fit
     *     an int, or when there is no price for the model (at that provider)
     */
    public Quote price(String provider, String model, long input, long output, long reasoning, long cached,
                       boolean batch) {
        if (input < 0 || output < 0 || reasoning < 0 || cached < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        if (reasoning > output) {
            throw new IllegalArgumentException("the reasoning tokens (" + reasoning + ") are part of the output tokens ("
                    + output + ") and cannot exceed them");
        }
        if (cached > input) {
            throw new IllegalArgumentException("the cached tokens (" + cached + ") are part of the input tokens ("
                    + input + ") and cannot exceed them");
        }
        if (input + output > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("token counts above " + Integer.MAX_VALUE + " are not supported");
        }
        if (costs.catalogue().find(provider, model).isEmpty()) {
            throw new IllegalArgumentException(provider == null || costs.catalogue().find(model).isEmpty()
                    ? "no price for " + model : "no price for " + model + " at provider " + provider);
        }
        Usage usage = new Usage((int) input, (int) output, (int) (input + output), (int) reasoning, (int) cached, false);
        CostResult r = costs.cost(provider, model, usage, batch);
        return new Quote(r.model(), r.provider(), r.priceDate(), r.verified(), r.inputUsd(), r.cachedInputUsd(),
                r.outputUsd(), r.reasoningUsd(), r.totalUsd(), r.totalCny(), r.exchangeRate(), r.batch(),
                r.batchDiscountApplied());
    }

    /** The prompt without polite filler, folded white space and runs of repeated characters. */
    public Compression compress(String prompt) {
        CompressionResult r = new PromptCompressor(estimator).compress(prompt);
        return new Compression(r.text(), r.tokensBefore(), r.tokensAfter());
    }
}
