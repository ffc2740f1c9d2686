package dev.llmworkbench.domain;

/**
 * One input row of a batch job.
 *
 * @param id            the database id (what the store completes it by)
 * @param seq           the position in the input, from 0
 * @param line          the line number in the input file, or null
 * @param rowJson       the parsed row as JSON (for an invalid row, whatever could be read), or null
 * @param invalidReason why the row was rejected; for a {@code not_run} row of a provider batch job, why it did
 *                      not run; else null
 * @param reservation   what the budget reserved while it is in flight, else {@link Reservation#NONE}
 * @param billedUsd     what attempts that left no result cost (a request cancelled mid-stream is billed for what
 *                      it streamed, and the row is {@code not_run}), else null; the row's spend is this plus its
 *                      result's cost
 */
public record BatchItemRecord(long id, String jobId, int seq, Integer line, String requestId, ItemStatus status,
                              String rowJson, String invalidReason, Reservation reservation,
                              java.math.BigDecimal billedUsd) {

    /** A row with nothing billed outside its result. */
    public BatchItemRecord(long id, String jobId, int seq, Integer line, String requestId, ItemStatus status,
                           String rowJson, String invalidReason, Reservation reservation) {
        this(id, jobId, seq, line, requestId, status, rowJson, invalidReason, reservation, null);
    }

    /** A row to add to a new job; {@code invalidReason} non-null makes it {@code invalid}. */
    public record New(Integer line, String requestId, String rowJson, String invalidReason) {
        public static New valid(Integer line, String requestId, String rowJson) {
            return new New(line, requestId, rowJson, null);
        }

        public static New invalid(Integer line, String requestId, String rowJson, String reason) {
            return new New(line, requestId, rowJson, reason == null ? "invalid" : reason);
        }
    }
}
