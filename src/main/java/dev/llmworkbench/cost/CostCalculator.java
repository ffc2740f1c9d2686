package dev.llmworkbench.cost;

import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.PriceTier;
import dev.llmworkbench.domain.ThinkingMode;
import dev.llmworkbench.domain.Usage;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * Exact request costs from {@link Usage}, with {@link BigDecimal} only.
 *
 * <p>Rules: the tier is chosen by the prompt length (the first tier whose {@code maxInputTokens} is at
 * least the prompt tokens; beyond the last tier, the last one). Uncached input = (prompt − cached) at the
 * input price; cached input at the cached price (the entry's figure, scaled to the tier by the same
 * ratio; when absent 40% of the input price); answer output = (completion − reasoning) at the output
 * price; reasoning at the thinking price (the output price when the entry has none). A batch request gets
 * the entry's batch discount on every component. Counts that don't add up are clamped at zero (cached
 * beyond the prompt, reasoning beyond the completion). Stateless and thread-safe.
 */
public final class CostCalculator {
    /** Cached input costs this share of the input price when an entry gives no cached price. */
    public static final BigDecimal DEFAULT_CACHED_SHARE = new BigDecimal("0.4");
    /** The worst case reserves the input estimate plus this margin (10%). */
    public static final BigDecimal INPUT_MARGIN = new BigDecimal("1.1");
    /**
     * A reservation's input is at least the estimate plus this many tokens: what an estimate of the messages
     * cannot see (a template's default system prompt, role markers), which 10% of a short prompt does not cover.
     */
    public static final long INPUT_MARGIN_TOKENS = 16;

    private final PriceCatalogue catalogue;
    private final ExchangeRate rate;

    public CostCalculator(PriceCatalogue catalogue, ExchangeRate rate) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.rate = Objects.requireNonNull(rate, "rate");
    }

    public PriceCatalogue catalogue() {
        return catalogue;
    }

    public ExchangeRate exchangeRate() {
        return rate;
    }

    /** The entry used for {@code provider} (null = the model's first entry) and {@code model}. */
    public Optional<ModelPrice> entry(String provider, String model) {
        return catalogue.find(provider, model);
    }

    /**
     * The cost of a request from its usage; {@link CostResult#noPrice} when the catalogue has no entry.
     *
     * @param provider null = the model's first catalogue entry
     */
    public CostResult cost(String provider, String model, Usage usage, boolean batch) {
        Objects.requireNonNull(usage, "usage");
        Optional<ModelPrice> found = catalogue.find(provider, model);
        if (found.isEmpty()) {
            return CostResult.noPrice(model);
        }
        ModelPrice p = found.get();
        long prompt = Math.max(0, usage.promptOrZero());
        long cached = Math.min(Math.max(0, usage.cachedOrZero()), prompt);
        long completion = Math.max(0, usage.completionOrZero());
        long reasoning = Math.max(0, usage.reasoningOrZero());
        long answer = Math.max(0, completion - reasoning);

        Rates r = rates(p, prompt);
        boolean discount = batch && p.batchDiscount() != null;
        BigDecimal factor = discount ? BigDecimal.ONE.subtract(p.batchDiscount()) : BigDecimal.ONE;

        Money in = amount(prompt - cached, r.input.multiply(factor), p.currency());
        Money cachedIn = amount(cached, r.cached.multiply(factor), p.currency());
        Money out = amount(answer, r.output.multiply(factor), p.currency());
        Money think = amount(reasoning, r.thinking.multiply(factor), p.currency());
        Money total = in.plus(cachedIn).plus(out).plus(think);

        return new CostResult(p.model(), true, p.provider(), p.priceDate(), p.currency(), p.verified(),
                rate.toUsd(total), rate.toCny(total), rate.toUsd(in), rate.toUsd(cachedIn), rate.toUsd(out),
                rate.toUsd(think), total, rate.cnyPerUsd(), batch, discount);
    }

    /**
     * The cost of a usage in words, each part at its price per 1M tokens in the entry's currency:
     * "30 in × $0.70/M + 100 reasoning × $8.40/M + 33 answer × $2.80/M" (cached input and the batch
     * discount said when they apply; "≈" before estimated counts). Empty when the catalogue has no entry.
     */
    public Optional<String> breakdown(String provider, String model, Usage usage, boolean batch) {
        Optional<ModelPrice> found = catalogue.find(provider, model);
        if (found.isEmpty() || usage == null) {
            return Optional.empty();
        }
        ModelPrice p = found.get();
        long prompt = Math.max(0, usage.promptOrZero());
        long cached = Math.min(Math.max(0, usage.cachedOrZero()), prompt);
        long completion = Math.max(0, usage.completionOrZero());
        long reasoning = Math.max(0, usage.reasoningOrZero());
        Rates r = rates(p, prompt);
        boolean discount = batch && p.batchDiscount() != null;
        BigDecimal factor = discount ? BigDecimal.ONE.subtract(p.batchDiscount()) : BigDecimal.ONE;
        String sym = p.currency() == Currency.CNY ? "¥" : "$";
        String approx = usage.estimated() ? "≈" : "";
        java.util.List<String> parts = new java.util.ArrayList<>();
        parts.add(approx + (prompt - cached) + " in × " + sym + perM(r.input.multiply(factor)) + "/M");
        if (cached > 0) {
            parts.add(approx + cached + " cached × " + sym + perM(r.cached.multiply(factor)) + "/M");
        }
        if (reasoning > 0) {
            parts.add(approx + reasoning + " reasoning × " + sym + perM(r.thinking.multiply(factor)) + "/M");
        }
        parts.add(approx + Math.max(0, completion - reasoning) + " answer × " + sym + perM(r.output.multiply(factor))
                + "/M");
        return Optional.of(String.join(" + ", parts) + (discount ? " (batch price)" : ""));
    }

    private static String perM(BigDecimal price) {
        BigDecimal p = price.stripTrailingZeros();
        return p.scale() < 2 ? p.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString() : p.toPlainString();
    }

    /**
     * What a request may cost at most, in USD, for a budget reservation: the input estimate plus 10% (at least
     * {@link #INPUT_MARGIN_TOKENS}) at the input price, plus {@code maxTokens} at the highest output price of the tier that inflated input
     * falls in (thinking included). No batch discount.
     *
     * @throws NoPriceException when the catalogue has no entry
     */
    public Money worstCase(String provider, String model, long inputEstimate, long maxTokens) {
        ModelPrice p = catalogue.find(provider, model).orElseThrow(() -> new NoPriceException(provider, model));
        BigDecimal input = inflatedInput(inputEstimate);
        long inflated = input.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        Rates r = rates(p, inflated);
        BigDecimal highestOutput = r.output.max(r.thinking);
        BigDecimal native_ = input.multiply(r.input)
                .add(BigDecimal.valueOf(Math.max(0, maxTokens)).multiply(highestOutput))
                .movePointLeft(6);
        return rate.toUsd(new Money(native_, p.currency()));
    }

    /**
     * What a budget reserves for one request, and the output it bounds: {@code answerTokens} (its
     * {@code max_tokens}) and {@code thinkingTokens} (its thinking budget; 0 when it does not think or the
     * catalogue does not know how the model thinks, in which case the answer tokens are priced at the
     * higher of the output and thinking prices and bound the reasoning too).
     */
    public record Reserve(Money usd, long answerTokens, long thinkingTokens) {
        /** Every output token the reservation covers: the stream is stopped there. */
        public long outputTokens() {
            return answerTokens + thinkingTokens;
        }
    }

    /**
     * The reservation of a request: the input estimate plus 10% (at least {@link #INPUT_MARGIN_TOKENS}) at the input price, {@code maxTokens} at
     * the output price and, when it thinks, its thinking budget at the thinking price. Whether it thinks:
     * its own setting ({@code thinkingRequested}, null for none) against the entry's {@link ThinkingMode}
     * (a model that thinks by default thinks). Its thinking budget: {@code thinkingBudget}, else the entry's
     * maximum chain of thought, else {@code maxTokens}. An entry that does not say how its model thinks is
     * priced as {@link #worstCase}. No batch discount.
     *
     * @throws NoPriceException when the catalogue has no entry
     */
    public Reserve reservation(String provider, String model, long inputEstimate, long maxTokens,
                               Boolean thinkingRequested, Integer thinkingBudget) {
        Shape sh = shape(provider, model, inputEstimate, thinkingRequested, thinkingBudget, maxTokens);
        return sh.reserve(Math.max(0, maxTokens), sh.thinks ? sh.budget : 0);
    }

    /**
     * The largest reservation that fits in {@code leftUsd}: the full one when it fits; else the thinking
     * budget cut first, then {@code max_tokens} (keeping one thinking token for a request that thinks).
     * Empty when not even one answer token fits.
     */
    public Optional<Reserve> fitting(String provider, String model, long inputEstimate, long maxTokens,
                                     Boolean thinkingRequested, Integer thinkingBudget, BigDecimal leftUsd) {
        Shape sh = shape(provider, model, inputEstimate, thinkingRequested, thinkingBudget, maxTokens);
        long answer = Math.max(0, maxTokens);
        long thinking = sh.thinks ? sh.budget : 0;
        Reserve full = sh.reserve(answer, thinking);
        if (full.usd().amount().compareTo(leftUsd) <= 0) {
            return Optional.of(full);
        }
        BigDecimal left = rate.convert(new Money(leftUsd, Currency.USD), sh.price.currency()).amount().movePointRight(6)
                .subtract(sh.inputNative);
        if (left.signum() <= 0) {
            return Optional.empty();
        }
        if (sh.thinks) {
            long t = floorDiv(left.subtract(BigDecimal.valueOf(answer).multiply(sh.output)), sh.thinking);
            if (t >= 1) {
                return Optional.of(sh.reserve(answer, Math.min(thinking, t)));
            }
            long a = floorDiv(left.subtract(sh.thinking), sh.output);
            return a >= 1 ? Optional.of(sh.reserve(Math.min(answer, a), 1)) : Optional.empty();
        }
        long a = floorDiv(left, sh.output);
        return a >= 1 ? Optional.of(sh.reserve(Math.min(answer, a), 0)) : Optional.empty();
    }

    /** The input a reservation covers: the estimate plus 10%, and at least {@link #INPUT_MARGIN_TOKENS} more. */
    private static BigDecimal inflatedInput(long inputEstimate) {
        long est = Math.max(0, inputEstimate);
        return BigDecimal.valueOf(est).multiply(INPUT_MARGIN).max(BigDecimal.valueOf(est + INPUT_MARGIN_TOKENS));
    }

    private static long floorDiv(BigDecimal amount, BigDecimal perToken) {
        if (amount.signum() <= 0) {
            return 0;
        }
        if (perToken.signum() <= 0) {
            return Long.MAX_VALUE;
        }
        return amount.divide(perToken, 0, java.math.RoundingMode.FLOOR).min(BigDecimal.valueOf(Long.MAX_VALUE / 4))
                .longValue();
    }

    /** A request's prices, per token scaled by 1M, in the entry's currency. */
    private final class Shape {
        final ModelPrice price;
        final BigDecimal inputNative;
        final BigDecimal output;
        final BigDecimal thinking;
        final boolean thinks;
        final long budget;

        Shape(ModelPrice p, BigDecimal inputNative, BigDecimal output, BigDecimal thinking, boolean thinks, long budget) {
            this.price = p;
            this.inputNative = inputNative;
            this.output = output;
            this.thinking = thinking;
            this.thinks = thinks;
            this.budget = budget;
        }

        Reserve reserve(long answer, long thinkingTokens) {
            BigDecimal n = inputNative.add(BigDecimal.valueOf(answer).multiply(output))
                    .add(BigDecimal.valueOf(thinkingTokens).multiply(thinking)).movePointLeft(6);
            return new Reserve(rate.toUsd(new Money(n, price.currency())), answer, thinkingTokens);
        }
    }

    private Shape shape(String provider, String model, long inputEstimate, Boolean thinkingRequested,
                        Integer thinkingBudget, long maxTokens) {
        ModelPrice p = catalogue.find(provider, model).orElseThrow(() -> new NoPriceException(provider, model));
        BigDecimal input = inflatedInput(inputEstimate);
        long inflated = input.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        Rates r = rates(p, inflated);
        BigDecimal inputNative = input.multiply(r.input);
        if (p.thinking() == null) {
            // unknown: every output token at the higher price, and max_tokens bounds the reasoning too
            return new Shape(p, inputNative, r.output.max(r.thinking), r.thinking, false, 0);
        }
        boolean thinks = p.thinking().thinks(thinkingRequested);
        long budget = thinkingBudget != null ? thinkingBudget
                : p.maxThinkingTokens() != null ? p.maxThinkingTokens() : Math.max(0, maxTokens);
        return new Shape(p, inputNative, r.output, r.thinking, thinks, Math.max(0, budget));
    }

    /** {@code money} in {@code target} at this calculator's exchange rate. */
    public Money convert(Money money, Currency target) {
        return rate.convert(money, target);
    }

    private static Money amount(long tokens, BigDecimal perM, Currency currency) {
        return new Money(BigDecimal.valueOf(tokens).multiply(perM).movePointLeft(6), currency);
    }

    private record Rates(BigDecimal input, BigDecimal cached, BigDecimal output, BigDecimal thinking) {
    }

    private static Rates rates(ModelPrice p, long promptTokens) {
        BigDecimal input = p.inputPerM();
        BigDecimal output = p.outputPerM();
        BigDecimal thinking = p.thinkingOrOutputPerM();
        if (!p.tiers().isEmpty()) {
            PriceTier tier = p.tiers().get(p.tiers().size() - 1);
            for (PriceTier t : p.tiers()) {
                if (promptTokens <= t.maxInputTokens()) {
                    tier = t;
                    break;
                }
            }
            input = tier.inputPerM();
            output = tier.outputPerM();
            thinking = tier.thinkingOrOutputPerM();
        }
        BigDecimal cached;
        if (p.cachedInputPerM() == null) {
            cached = input.multiply(DEFAULT_CACHED_SHARE);
        } else if (input.compareTo(p.inputPerM()) == 0 || p.inputPerM().signum() == 0) {
            cached = p.cachedInputPerM();
        } else {
            // the entry's cached figure belongs to its flat input price: keep the same ratio in this tier
            cached = input.multiply(p.cachedInputPerM()).divide(p.inputPerM(), java.math.MathContext.DECIMAL128);
        }
        return new Rates(input, cached, output, thinking);
    }
}
