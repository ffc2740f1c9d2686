package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ItemStatus;
import dev.llmworkbench.domain.JobStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The plain records {@link BatchService} hands to the desktop (no store types): a file's preview, a stored
 * job, its items with their results. Records only: every batch use case is in {@link BatchService}.
 */
public final class BatchJobs {
    private BatchJobs() {
    }

    /** One input row of a preview: valid, or the reason it is not. */
    public record PreviewRow(int index, Integer line, String requestId, String prompt, String model, boolean valid,
                             String reason) {
    }

    /** A parsed file. */
    public record Preview(Path file, List<PreviewRow> rows, int valid, int invalid) {
        public Preview {
            rows = List.copyOf(rows);
        }
    }

    /** One item of a job with its result, if any. */
    public record ItemRow(long itemId, Integer line, String requestId, ItemStatus itemStatus, String model,
                          String prompt, String response, Double ttftMs, Double e2eMs, Integer outputTokens,
                          BigDecimal costUsd, int attempts, Boolean checkPassed, String checkDetail, String error,
                          String invalidReason, Instant endedAt) {
        /** The status as the exports name it ({@code done}, {@code not_run}, ...). */
        public String status() {
            return itemStatus.wireName();
        }
    }

    /** A stored job. */
    public record JobInfo(String jobId, long runId, String inputPath, String outputPath, JobStatus status,
                          Instant createdAt, String settingsJson) {
        public BatchSettings settings() {
            return BatchSettings.fromJson(settingsJson);
        }
    }

    /** What {@link BatchService#itemUpdates} read: the changed rows (without prompts) and the cursor for the next read. */
    public record ItemUpdates(List<ItemRow> rows, long next) {
        public ItemUpdates {
            rows = List.copyOf(rows);
        }
    }
}
