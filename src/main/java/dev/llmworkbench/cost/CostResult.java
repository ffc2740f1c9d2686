package dev.llmworkbench.cost;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The cost of one request, or the "no price" state ({@link #hasPrice()} false: every amount is null,
 * never zero). Amounts are computed exactly in the price entry's currency; the other currency comes from
 * the exchange rate (USD from CNY keeps 12 decimals). The breakdown is in USD: {@code inputUsd} the
 * uncached prompt tokens, {@code cachedInputUsd} the cached ones, {@code outputUsd} the answer tokens
 * (completion − reasoning), {@code reasoningUsd} the reasoning tokens at the thinking price.
 * {@code batchDiscountApplied} is false when batch was asked but the entry has no batch price.
 */
public record CostResult(String model, boolean hasPrice, String provider, LocalDate priceDate,
                         Currency priceCurrency, boolean verified, Money totalUsd, Money totalCny,
                         Money inputUsd, Money cachedInputUsd, Money outputUsd, Money reasoningUsd,
                         Money totalInPriceCurrency, BigDecimal exchangeRate, boolean batch,
                         boolean batchDiscountApplied) {

    public static CostResult noPrice(String model) {
        return new CostResult(model, false, null, null, null, false, null, null, null, null, null, null, null,
                null, false, false);
    }

    /** The total in {@code currency}; throws in the no-price state. */
    public Money total(Currency currency) {
        if (!hasPrice) {
            throw new NoPriceException(provider, model);
        }
        return currency == Currency.USD ? totalUsd : totalCny;
    }
}
