package dev.llmworkbench.service.batch.remote;

import dev.llmworkbench.client.ApiException;
import dev.llmworkbench.client.BatchClient;
import dev.llmworkbench.domain.RemoteBatch;
import dev.llmworkbench.store.RemoteShardStore;

/** What the service reads from the provider's batches: a shard's batch by its metadata, what to store, why rows did not run. */
final class ProviderBatches {
    private ProviderBatches() {
    }

    /** The batch of this job's shard the provider already has (created before a crash), or null. */
    static String find(BatchClient client, String jobId, int shardNo) throws ApiException {
        String after = null;
        for (int page = 0; page < 1000; page++) {
            RemoteBatch.Page p = client.listBatches(100, after);
            for (RemoteBatch b : p.data()) {
                if (jobId.equals(b.metadata().get("workbench_job"))
                        && String.valueOf(shardNo).equals(b.metadata().get("workbench_shard"))) {
                    return b.id();
                }
            }
            if (!p.hasMore() || p.lastId() == null) {
                return null;
            }
            after = p.lastId();
        }
        return null;
    }

    /**
     * The file of this job's shard the provider already has (an upload whose answer was lost in a crash), found
     * by its name and size, or null: also when the provider cannot list files (then it is uploaded again).
     */
    static String findFile(BatchClient client, String filename, long bytes) {
        try {
            for (RemoteBatch.File f : client.listFiles()) {
                if (filename.equals(f.filename()) && (f.bytes() == 0 || f.bytes() == bytes)) {
                    return f.id();
                }
            }
        } catch (ApiException e) {
            return null; // no file list (or it failed): uploading again is the safe side
        }
        return null;
    }

    static RemoteShardStore.Seen seen(RemoteBatch b) {
        return new RemoteShardStore.Seen(b.status(), b.total(), b.completed(), b.failed(), b.outputFileId(),
                b.errorFileId(), b.errorSummary());
    }

    static String leftoverReason(RemoteBatch b) {
        return switch (b.status()) {
            case "expired" -> "the provider batch " + b.id() + " expired before this row ran";
            case "cancelled" -> "the provider batch " + b.id() + " was cancelled before this row ran";
            case "failed" -> "the provider refused the batch file: "
                    + (b.errorSummary() == null ? "no reason given" : b.errorSummary());
            default -> "the provider batch " + b.id() + " returned no result for this row";
        };
    }
}
