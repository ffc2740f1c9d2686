package dev.llmworkbench.service.batch;

import java.math.BigDecimal;

/** Why a batch run stopped early, in the words shown after "why:" (one line each). */
final class StopTexts {
    private StopTexts() {
    }

    static String budgetSpent(BigDecimal cap, BigDecimal spent, int line) {
        return "the budget of $" + cap.toPlainString() + " is spent to $" + spent.toPlainString()
                + "; the next row (line " + line + ") cannot be covered even with its output cut to 1 token";
    }

    static String billedOver(BigDecimal cost, int line, BigDecimal reserved) {
        return "the provider billed $" + cost.toPlainString() + " for the row on line " + line + ", more than the $"
                + reserved.toPlainString() + " reserved for it; stopped sending so that the budget is not passed";
    }

    /** A storage failure (a full disk, a read-only file): the run stops, a resume sends the rows again. */
    static String notStored(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "the results could not be stored: " + m.replaceAll("\\s*\\R\\s*", " ").strip()
                + "; resume when the cause is gone";
    }
}
