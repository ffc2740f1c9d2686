package dev.llmworkbench.domain;

import java.time.Instant;
import java.util.List;

/**
 * One recorded run: a single chat, a comparison, a batch or a benchmark.
 *
 * @param prompt       the prompt (or the input file of a batch), searched by {@link RunQuery#text()}
 * @param models       the model or models used
 * @param settingsJson the settings as JSON (never a key)
 * @param status       free text; see the constants ({@code running}, {@code done}, ...)
 * @param summaryJson  the summary as JSON once known, or null
 */
public record RunRecord(long id, RunKind kind, Instant createdAt, Instant updatedAt, String title, String prompt,
                        String provider, List<String> models, String settingsJson, String status,
                        String summaryJson) {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String INTERRUPTED = "interrupted";

    public RunRecord {
        models = models == null ? List.of() : List.copyOf(models);
    }
}
