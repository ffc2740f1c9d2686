package dev.llmworkbench.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** An exact amount of money: {@link BigDecimal}, never {@code double}. */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {
    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
    }

    public static Money zero(Currency currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    public static Money usd(String amount) {
        return new Money(new BigDecimal(amount), Currency.USD);
    }

    public static Money usd(BigDecimal amount) {
        return new Money(amount, Currency.USD);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.add(other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.subtract(other.amount), currency);
    }

    public Money times(BigDecimal factor) {
        return new Money(amount.multiply(factor), currency);
    }

    public boolean isNegative() {
        return amount.signum() < 0;
    }

    /** Converts with {@code rate} = units of CNY per 1 USD. */
    public Money convert(Currency target, BigDecimal cnyPerUsd) {
        if (target == currency) {
            return this;
        }
        if (target == Currency.CNY) {
            return new Money(amount.multiply(cnyPerUsd), Currency.CNY);
        }
        return new Money(amount.divide(cnyPerUsd, 12, RoundingMode.HALF_EVEN).stripTrailingZeros(), Currency.USD);
    }

    @Override
    public int compareTo(Money o) {
        requireSameCurrency(o);
        return amount.compareTo(o.amount);
    }

    private void requireSameCurrency(Money other) {
        if (other.currency != currency) {
            throw new IllegalArgumentException("cannot mix " + currency + " and " + other.currency);
        }
    }

    /** For display: the symbol and the amount to 6 decimals, trailing zeros kept to 2. */
    public String format() {
        BigDecimal scaled = amount.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (scaled.scale() < 2) {
            scaled = scaled.setScale(2, RoundingMode.HALF_EVEN);
        }
        return currency.symbol() + scaled.toPlainString();
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency;
    }
}
