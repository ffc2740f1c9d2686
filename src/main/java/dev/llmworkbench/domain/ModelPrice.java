package dev.llmworkbench.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The price of one model at one provider, per 1M tokens in {@code currency}.
 *
 * <ul>
 *   <li>{@code thinkingOutputPerM}: price of reasoning output; null = same as {@code outputPerM}.</li>
 *   <li>{@code cachedInputPerM}: price of input read from the provider's cache; null = derived by the
 *       cost calculator (40% of the applicable input price, Alibaba's rule).</li>
 *   <li>{@code batchDiscount}: the share taken off for batch jobs (0.5 = 50% off); null = no batch price.</li>
 *   <li>{@code tiers}: bands by prompt length, ascending by {@code maxInputTokens}, where the provider
 *       prices by input length; empty = one flat price (the fields above).</li>
 *   <li>{@code contextWindow}: the native window in tokens (input + output); {@code maxContextWindow}
 *       the extended one (e.g. with YaRN), or null when there is none. Both null when unknown.</li>
 *   <li>{@code verified}: false when the figures could not be checked against {@code source}.</li>
 *   <li>{@code userOverride}: true when the entry comes from the user's overrides file.</li>
 *   <li>{@code thinking}: whether and by default how the model thinks at this provider; null = unknown
 *       (a reservation then prices every output token at the higher of the output and thinking prices).</li>
 *   <li>{@code maxThinkingTokens}: the reasoning tokens a thinking request may use when it sets no
 *       {@code thinking_budget} (the provider's maximum chain of thought), or null when unknown.</li>
 *   <li>{@code tokenizer}: the name of the tokenizer estimates count this model's text with ({@code qwen3},
 *       {@code o200k}, {@code cl100k}), or null: then the token estimator picks one by the model's name.</li>
 * </ul>
 */
public record ModelPrice(String provider, String model, List<String> aliases, Currency currency,
                         BigDecimal inputPerM, BigDecimal outputPerM, BigDecimal thinkingOutputPerM,
                         BigDecimal cachedInputPerM, BigDecimal batchDiscount, List<PriceTier> tiers,
                         Integer contextWindow, Integer maxContextWindow, LocalDate priceDate, String source,
                         boolean verified, boolean userOverride, ThinkingMode thinking, Integer maxThinkingTokens,
                         String tokenizer) {
    /** An entry that names no tokenizer. */
    public ModelPrice(String provider, String model, List<String> aliases, Currency currency,
                      BigDecimal inputPerM, BigDecimal outputPerM, BigDecimal thinkingOutputPerM,
                      BigDecimal cachedInputPerM, BigDecimal batchDiscount, List<PriceTier> tiers,
                      Integer contextWindow, Integer maxContextWindow, LocalDate priceDate, String source,
                      boolean verified, boolean userOverride, ThinkingMode thinking, Integer maxThinkingTokens) {
        this(provider, model, aliases, currency, inputPerM, outputPerM, thinkingOutputPerM, cachedInputPerM,
                batchDiscount, tiers, contextWindow, maxContextWindow, priceDate, source, verified, userOverride,
                thinking, maxThinkingTokens, null);
    }

    /** An entry whose thinking is not known. */
    public ModelPrice(String provider, String model, List<String> aliases, Currency currency,
                      BigDecimal inputPerM, BigDecimal outputPerM, BigDecimal thinkingOutputPerM,
                      BigDecimal cachedInputPerM, BigDecimal batchDiscount, List<PriceTier> tiers,
                      Integer contextWindow, Integer maxContextWindow, LocalDate priceDate, String source,
                      boolean verified, boolean userOverride) {
        this(provider, model, aliases, currency, inputPerM, outputPerM, thinkingOutputPerM, cachedInputPerM,
                batchDiscount, tiers, contextWindow, maxContextWindow, priceDate, source, verified, userOverride,
                null, null, null);
    }

    public ModelPrice {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (provider.isBlank() || model.isBlank()) {
            throw new IllegalArgumentException("provider and model must not be blank");
        }
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(inputPerM, "inputPerM");
        Objects.requireNonNull(outputPerM, "outputPerM");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
        tokenizer = tokenizer == null || tokenizer.isBlank() ? null : tokenizer.trim();
        for (BigDecimal p : new BigDecimal[] {inputPerM, outputPerM, thinkingOutputPerM, cachedInputPerM}) {
            if (p != null && p.signum() < 0) {
                throw new IllegalArgumentException("prices must not be negative (" + provider + "/" + model + ")");
            }
        }
        if (batchDiscount != null && (batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) > 0)) {
            throw new IllegalArgumentException("batchDiscount must be between 0 and 1, was " + batchDiscount);
        }
        for (int i = 1; i < tiers.size(); i++) {
            if (tiers.get(i).maxInputTokens() <= tiers.get(i - 1).maxInputTokens()) {
                throw new IllegalArgumentException("tiers must ascend by maxInputTokens (" + provider + "/" + model + ")");
            }
        }
    }

    /** The thinking (reasoning) output price of the flat price: its own figure, else the output price. */
    public BigDecimal thinkingOrOutputPerM() {
        return thinkingOutputPerM != null ? thinkingOutputPerM : outputPerM;
    }

    /** The same entry marked as (or not as) a user override. */
    public ModelPrice withUserOverride(boolean override) {
        return new ModelPrice(provider, model, aliases, currency, inputPerM, outputPerM, thinkingOutputPerM,
                cachedInputPerM, batchDiscount, tiers, contextWindow, maxContextWindow, priceDate, source,
                verified, override, thinking, maxThinkingTokens, tokenizer);
    }
}
