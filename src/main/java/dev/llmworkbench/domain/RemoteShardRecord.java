package dev.llmworkbench.domain;

import java.time.Instant;

/**
 * One shard of a provider batch job: one uploaded file and one provider batch.
 *
 * @param shardNo        1-based within the job
 * @param thinking       the thinking mode of every line (null: not set)
 * @param filePath       the shard's local JSONL file
 * @param fileSha256     its hash, to check that a re-written file is the same one
 * @param fileId         the provider's file id once uploaded, or null
 * @param batchId        the provider's batch id once created, or null
 * @param providerStatus the batch's last seen status, or null
 * @param error          why the shard failed or was not submitted, one line, or null
 * @param reservedUsd    the budget reserved for it (its worst case at the batch price) when its batch was
 *                       created, or null
 */
public record RemoteShardRecord(String jobId, int shardNo, String model, Boolean thinking, String filePath,
                                String fileSha256, int lines, long bytes, String fileId, String batchId,
                                ShardState state, String providerStatus, int total, int completed, int failed,
                                String outputFileId, String errorFileId, String error, Instant submittedAt,
                                Instant updatedAt, java.math.BigDecimal reservedUsd) {
}
