package dev.llmworkbench.ui.batch;

import dev.llmworkbench.service.batch.BatchSettings;
import dev.llmworkbench.service.estimate.EstimateService;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** The dry-run estimate in words, for the confirmation before a run: per model, the total, the budget. */
final class DryRunText {
    private DryRunText() {
    }

    static String describe(List<EstimateService.ModelEstimate> est, BatchSettings s, long valid, long invalid) {
        StringBuilder sb = new StringBuilder();
        sb.append(valid).append(" valid rows (").append(invalid).append(" invalid, not sent); worst case at ")
                .append(s.effectiveMaxTokens()).append(" output tokens per row")
                .append(s.route() && s.model() == null ? "; each row priced at the model the router picks for it" : "")
                .append('\n');
        BigDecimal total = BigDecimal.ZERO;
        for (EstimateService.ModelEstimate e : est) {
            BigDecimal usd = e.perDayUsd().amount();
            total = total.add(usd);
            sb.append(String.format(Locale.ROOT, "%s: %d requests, %d input tokens each, up to $%s%n", e.model(),
                    e.requests(), e.inputTokens(), usd.setScale(4, RoundingMode.HALF_UP).toPlainString()));
        }
        sb.append("Total: up to $").append(total.setScale(4, RoundingMode.HALF_UP).toPlainString());
        if (s.budgetUsd() != null) {
            sb.append(" (budget $").append(s.budgetUsd().toPlainString()).append(')');
        }
        return sb.toString();
    }
}
