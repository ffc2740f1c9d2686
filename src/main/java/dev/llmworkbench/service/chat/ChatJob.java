package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import java.util.Objects;

/**
 * One chat request to run through the service layer: where to send it (a profile and its key,
 * never stored), the request, its priority and timeouts. {@code batchPrice} prices it at the
 * provider's batch discount; {@code retryAfterPartialOutput} allows a retry after part of an
 * answer has already been shown.
 */
public record ChatJob(ProviderProfile profile, ApiKey key, ChatRequest request, Priority priority,
                      Timeouts timeouts, boolean batchPrice, boolean retryAfterPartialOutput) {
    public ChatJob {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(request, "request");
        priority = priority == null ? Priority.NORMAL : priority;
        timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
    }

    public static ChatJob of(ProviderProfile profile, ApiKey key, ChatRequest request) {
        return new ChatJob(profile, key, request, Priority.NORMAL, Timeouts.defaults(), false, false);
    }

    public ChatJob withPriority(Priority p) {
        return new ChatJob(profile, key, request, p, timeouts, batchPrice, retryAfterPartialOutput);
    }

    public ChatJob withTimeouts(Timeouts t) {
        return new ChatJob(profile, key, request, priority, t, batchPrice, retryAfterPartialOutput);
    }

    public ChatJob withRequest(ChatRequest r) {
        return new ChatJob(profile, key, r, priority, timeouts, batchPrice, retryAfterPartialOutput);
    }

    /** The limiter's key: one set of buckets per provider and model. */
    public LimiterKey limiterKey() {
        return LimiterKey.of(profile.name(), request.model());
    }
}
