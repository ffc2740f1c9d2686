package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;

/** Where a run's requests go: a profile, its key (never stored) and timeouts. */
public record BatchTarget(ProviderProfile profile, ApiKey key, Timeouts timeouts) {
}
