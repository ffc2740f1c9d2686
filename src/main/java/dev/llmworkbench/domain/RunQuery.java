package dev.llmworkbench.domain;

import java.time.Instant;

/**
 * A filter over runs; null fields don't filter. Newest first.
 *
 * @param kind   only runs of this kind
 * @param text   a substring of the title or prompt (case-insensitive for ASCII)
 * @param model  only runs that used this model
 * @param from   created at or after
 * @param to     created before
 * @param limit  at most this many (page size)
 * @param offset skip this many (page start)
 */
public record RunQuery(RunKind kind, String text, String model, Instant from, Instant to, int limit, int offset) {
    public RunQuery {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    /** Every run, first page of 100. */
    public static RunQuery all() {
        return new RunQuery(null, null, null, null, null, 100, 0);
    }

    public RunQuery withKind(RunKind k) {
        return new RunQuery(k, text, model, from, to, limit, offset);
    }

    public RunQuery withText(String t) {
        return new RunQuery(kind, t, model, from, to, limit, offset);
    }

    public RunQuery withModel(String m) {
        return new RunQuery(kind, text, m, from, to, limit, offset);
    }

    public RunQuery between(Instant f, Instant t) {
        return new RunQuery(kind, text, model, f, t, limit, offset);
    }

    public RunQuery page(int lim, int off) {
        return new RunQuery(kind, text, model, from, to, lim, off);
    }
}
