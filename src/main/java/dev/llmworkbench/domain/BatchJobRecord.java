package dev.llmworkbench.domain;

import java.time.Instant;

/**
 * A batch job: what {@code batch --resume} needs to carry on.
 *
 * @param id           e.g. {@code b-20261124-1a2b3c}
 * @param runId        the run it records into
 * @param settingsJson model/route, max tokens, concurrency, rpm, tpm, budget, priority, base URL, the NAME of
 *                     the key's environment variable, profile: as the service writes them (never a key)
 */
public record BatchJobRecord(String id, long runId, String inputPath, String outputPath, String format,
                             String settingsJson, JobStatus status, Instant createdAt, Instant updatedAt) {
}
