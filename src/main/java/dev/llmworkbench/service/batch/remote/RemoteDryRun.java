package dev.llmworkbench.service.batch.remote;

import java.math.BigDecimal;

/**
 * A dry run on a provider's batch engine: the worst-case cost live and at the batch price, the files (one
 * batch each) the rows make, the completion window, and the rows without a price (not counted).
 */
public record RemoteDryRun(BigDecimal liveUsd, BigDecimal batchUsd, int files, String completionWindow,
                           int unpriced) {
    public BigDecimal savingUsd() {
        return liveUsd.subtract(batchUsd);
    }
}
