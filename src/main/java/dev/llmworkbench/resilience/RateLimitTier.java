package dev.llmworkbench.resilience;

import java.util.List;
import java.util.Objects;

/**
 * Limits for one provider and model: requests per minute and tokens per minute. Editable by
 * replacing the record ({@link RateLimiter#setTier}).
 */
public record RateLimitTier(String name, int requestsPerMinute, long tokensPerMinute) {
    public static final RateLimitTier HIGH = new RateLimitTier("high", 300, 500_000);
    public static final RateLimitTier MEDIUM = new RateLimitTier("medium", 100, 200_000);
    public static final RateLimitTier LOW = new RateLimitTier("low", 30, 50_000);

    public RateLimitTier {
        Objects.requireNonNull(name, "name");
        if (requestsPerMinute <= 0 || tokensPerMinute <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + requestsPerMinute + " RPM, "
                    + tokensPerMinute + " TPM");
        }
    }

    /** HIGH, MEDIUM, LOW. */
    public static List<RateLimitTier> defaults() {
        return List.of(HIGH, MEDIUM, LOW);
    }

    public RateLimitTier withRequestsPerMinute(int rpm) {
        return new RateLimitTier(name, rpm, tokensPerMinute);
    }

    public RateLimitTier withTokensPerMinute(long tpm) {
        return new RateLimitTier(name, requestsPerMinute, tpm);
    }
}
