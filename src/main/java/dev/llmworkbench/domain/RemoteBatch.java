package dev.llmworkbench.domain;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A provider's batch as {@code GET /batches/{id}} describes it (OpenAI-compatible Batch API).
 *
 * @param status       {@code validating}, {@code failed}, {@code in_progress}, {@code finalizing},
 *                     {@code completed}, {@code expired}, {@code cancelling}, {@code cancelled} (or whatever
 *                     else the provider sends, kept as sent)
 * @param outputFileId the output file, or null
 * @param errorFileId  the error file, or null
 * @param metadata     the metadata it was created with (empty when none)
 * @param errors       the validation errors of a {@code failed} batch (empty otherwise)
 */
public record RemoteBatch(String id, String status, String inputFileId, String outputFileId, String errorFileId,
                          int total, int completed, int failed, Map<String, String> metadata,
                          List<ValidationError> errors, String completionWindow) {

    /** One entry of {@code errors.data[]}: {@code line} is 1-based, or null. */
    public record ValidationError(String code, String message, String param, Integer line) {
        /** {@code line 3: message (code)} in one line. */
        public String describe() {
            return (line == null ? "" : "line " + line + ": ") + message + (code == null ? "" : " (" + code + ")");
        }
    }

    public RemoteBatch {
        status = status == null ? "" : status.toLowerCase(Locale.ROOT);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Whether the provider will not change it any more (completed, failed, expired, cancelled). */
    public boolean terminal() {
        return isTerminal(status);
    }

    public static boolean isTerminal(String status) {
        return switch (status) {
            case "completed", "failed", "expired", "cancelled" -> true;
            default -> false;
        };
    }

    /** The first validation errors in one line, or null when there are none. */
    public String errorSummary() {
        if (errors.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(errors.get(0).describe());
        if (errors.size() > 1) {
            sb.append(" (and ").append(errors.size() - 1).append(" more)");
        }
        return sb.toString();
    }

    /** One page of {@code GET /batches}. */
    public record Page(List<RemoteBatch> data, boolean hasMore, String lastId) {
        public Page {
            data = List.copyOf(data);
        }
    }

    /** A file the provider stores ({@code POST /files}). */
    public record File(String id, long bytes, String filename, String purpose) {
    }
}
