package dev.llmworkbench.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Money in words, one rule for every view and the command line: two decimals from one unit up; below that three
 * significant digits, so that a cost that is not zero never reads "0.00" ($0.000881, $0.0350, $0.11).
 */
public final class Amounts {
    private Amounts() {
    }

    /** The amount's digits: "12.35", "0.11", "0.0350", "0.000881", "0.00" (zero only). */
    public static String plain(BigDecimal amount) {
        if (amount == null) {
            return "–";
        }
        if (amount.signum() == 0) {
            return "0.00";
        }
        if (amount.abs().compareTo(BigDecimal.ONE) >= 0) {
            return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
        }
        BigDecimal r = amount.round(new MathContext(3, RoundingMode.HALF_UP));
        // three significant digits shown, trailing zeros included ("0.0350"), never fewer than two decimals
        int scale = Math.max(2, r.scale() + 3 - r.precision());
        return r.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    /** "$0.0350". */
    public static String usd(BigDecimal amount) {
        return amount != null && amount.signum() < 0 ? "-$" + plain(amount.negate()) : "$" + plain(amount);
    }

    /** "¥0.256". */
    public static String cny(BigDecimal amount) {
        return amount != null && amount.signum() < 0 ? "-¥" + plain(amount.negate()) : "¥" + plain(amount);
    }
}
