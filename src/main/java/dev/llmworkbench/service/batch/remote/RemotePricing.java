package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.service.batch.BatchRow;
import dev.llmworkbench.service.batch.RowPlans;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.store.BatchStore;
import java.math.BigDecimal;
import java.util.List;

/** Prices of provider batch jobs: rows' worst case live and at the batch price, and stored results at the live price. */
final class RemotePricing {
    private RemotePricing() {
    }

    /** The rows' worst case live and at the batch price (the catalogue's {@code batch_discount}); rows without a price apart. */
    record Worst(BigDecimal liveUsd, BigDecimal batchUsd, int unpriced) {
    }

    static Worst worst(ChatService chat, RowPlans plans, List<BatchRow> rows) {
        BigDecimal live = BigDecimal.ZERO;
        BigDecimal batch = BigDecimal.ZERO;
        int unpriced = 0;
        for (BatchRow row : rows) {
            RowPlans.Plan p = plans.plan(row, false);
            if (p.reserve() == null) {
                unpriced++;
                continue;
            }
            BigDecimal usd = p.reserve().usd().amount();
            BigDecimal discount = chat.costs().entry(p.priceProvider(), p.model())
                    .map(e -> e.batchDiscount()).orElse(null);
            live = live.add(usd);
            batch = batch.add(discount == null ? usd : usd.multiply(BigDecimal.ONE.subtract(discount)));
        }
        return new Worst(live, batch, unpriced);
    }

    /** What the job's successful results would have cost live, from their usage. */
    static BigDecimal liveCostOfResults(ChatService chat, BatchStore store, String jobId) {
        BigDecimal[] live = {BigDecimal.ZERO};
        store.forEachItemWithResult(jobId, ir -> {
            if (ir.result() != null && ir.result().usage() != null && ir.result().error() == null) {
                String model = ir.result().model();
                CostResult c = chat.costs().cost(chat.priceProvider(ir.result().provider(), model), model,
                        ir.result().usage(), false);
                if (c.hasPrice()) {
                    live[0] = live[0].add(c.totalUsd().amount());
                }
            }
        });
        return live[0];
    }
}
