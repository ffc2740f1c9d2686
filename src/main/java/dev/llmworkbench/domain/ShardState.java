package dev.llmworkbench.domain;

import java.util.Locale;

/**
 * Where one shard of a provider batch job is, stored before and after each provider call:
 * {@code planned} (its file written locally) → {@code uploading} → {@code uploaded} (file_id stored) →
 * {@code creating} → {@code submitted} (batch_id stored; polled until terminal) → {@code reconciled}
 * (its results stored). {@code not_submitted}: never sent (the budget, a cancel before submission, or a
 * refusal by the provider), its rows {@code not_run}.
 */
public enum ShardState {
    PLANNED, UPLOADING, UPLOADED, CREATING, SUBMITTED, RECONCILED, NOT_SUBMITTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ShardState parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether nothing more will happen to this shard. */
    public boolean finished() {
        return this == RECONCILED || this == NOT_SUBMITTED;
    }
}
