package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;

/**
 * Where a run's requests go: a profile, its key (never stored) and timeouts; {@code stream} false asks for
 * whole JSON answers (timings end-to-end only).
 */
public record BatchTarget(ProviderProfile profile, ApiKey key, Timeouts timeouts, boolean stream) {
    /** A target that streams. */
    public BatchTarget(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
        this(profile, key, timeouts, true);
    }
}
