package dev.llmworkbench.cost;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Money;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * Units of CNY per 1 USD, as the caller chooses it: about 7.3 at market ({@link #MARKET_DEFAULT}); some
 * resellers bill ¥1 per $1 ({@link #ONE_TO_ONE}). Conversions go through {@link Money#convert}.
 */
public record ExchangeRate(BigDecimal cnyPerUsd) {
    public static final ExchangeRate MARKET_DEFAULT = new ExchangeRate(new BigDecimal("7.3"));
    public static final ExchangeRate ONE_TO_ONE = new ExchangeRate(BigDecimal.ONE);

    public ExchangeRate {
        Objects.requireNonNull(cnyPerUsd, "cnyPerUsd");
        if (cnyPerUsd.signum() <= 0) {
            throw new IllegalArgumentException("the exchange rate must be positive, was " + cnyPerUsd);
        }
    }

    public static ExchangeRate of(String cnyPerUsd) {
        return new ExchangeRate(new BigDecimal(cnyPerUsd));
    }

    /** {@code money} in {@code target}: multiplying to CNY is exact, dividing to USD keeps 12 decimals. */
    public Money convert(Money money, Currency target) {
        return money.convert(target, cnyPerUsd);
    }

    public Money toUsd(Money money) {
        return convert(money, Currency.USD);
    }

    public Money toCny(Money money) {
        return convert(money, Currency.CNY);
    }
}
