package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.domain.RemoteShardRecord;
import java.time.Duration;
import java.util.List;

/** What a provider batch job reports while it runs; called on the thread that runs it. No-ops by default. */
public interface RemoteListener {
    RemoteListener NONE = new RemoteListener() {
    };

    /** Shard {@code shardNo} of {@code shards} has its batch. */
    default void submitted(RemoteShardRecord shard, int shards) {
    }

    /** Every shard as last seen, after a round of polling; {@code next} is the wait before the next round. */
    default void polled(List<RemoteShardRecord> shards, Duration next) {
    }

    /** A shard's results are stored. */
    default void reconciled(RemoteShardRecord shard) {
    }
}
