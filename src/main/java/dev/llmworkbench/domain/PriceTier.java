package dev.llmworkbench.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One price band of a model priced by input length: it applies to requests whose prompt has at most
 * {@code maxInputTokens} tokens (and more than the previous band's maximum). Prices are per 1M tokens in
 * the entry's currency; {@code thinkingOutputPerM} null means the same as {@code outputPerM}.
 */
public record PriceTier(long maxInputTokens, BigDecimal inputPerM, BigDecimal outputPerM,
                        BigDecimal thinkingOutputPerM) {
    public PriceTier {
        if (maxInputTokens < 1) {
            throw new IllegalArgumentException("maxInputTokens must be at least 1, was " + maxInputTokens);
        }
        Objects.requireNonNull(inputPerM, "inputPerM");
        Objects.requireNonNull(outputPerM, "outputPerM");
        if (inputPerM.signum() < 0 || outputPerM.signum() < 0
                || (thinkingOutputPerM != null && thinkingOutputPerM.signum() < 0)) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** The thinking (reasoning) output price: its own figure, else the output price. */
    public BigDecimal thinkingOrOutputPerM() {
        return thinkingOutputPerM != null ? thinkingOutputPerM : outputPerM;
    }
}
