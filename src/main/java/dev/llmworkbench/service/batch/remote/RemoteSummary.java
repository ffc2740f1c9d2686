package dev.llmworkbench.service.batch.remote;

import com.google.gson.JsonObject;
import dev.llmworkbench.service.batch.BatchSummary;
import dev.llmworkbench.store.RemoteShardStore;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A provider batch job's summary: the ordinary one, and what the same answers would have cost live (the
 * reconciled usage at the live price) and so the saving.
 */
public record RemoteSummary(BatchSummary summary, int shards, BigDecimal liveUsd, BigDecimal savingUsd) {
    /** The summary JSON with {@code engine}, {@code shards}, {@code cost_usd_live_estimate} and {@code saving_usd}. */
    public JsonObject toJson() {
        JsonObject o = summary.toJson();
        o.addProperty("engine", RemoteShardStore.PROVIDER_BATCH);
        o.addProperty("shards", shards);
        o.addProperty("cost_usd_live_estimate", liveUsd.stripTrailingZeros().toPlainString());
        o.addProperty("saving_usd", savingUsd.stripTrailingZeros().toPlainString());
        return o;
    }

    /** One line for a terminal. */
    public String describe() {
        return "engine: provider batch, " + shards + (shards == 1 ? " shard" : " shards") + "; the same answers "
                + "live: $" + liveUsd.setScale(6, RoundingMode.HALF_UP).toPlainString() + ", saved $"
                + savingUsd.setScale(6, RoundingMode.HALF_UP).toPlainString();
    }
}
