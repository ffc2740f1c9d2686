package dev.llmworkbench.service.providers;

import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.store.SettingsStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Rate-limit tiers and budgets for the settings: the default tier (requests and tokens per minute),
 * the daily USD budget and the hourly token budget. Kept in the settings store and applied to the
 * limiter and the budget ledger at once.
 */
public final class LimitsService {
    static final String TIER_NAME = "limits.tier";
    static final String TIER_RPM = "limits.rpm";
    static final String TIER_TPM = "limits.tpm";
    static final String DAILY_USD = "limits.dailyUsd";
    static final String HOURLY_TOKENS = "limits.hourlyTokens";

    /** A tier as the settings show it. */
    public record Tier(String name, int requestsPerMinute, long tokensPerMinute) { }

    private final SettingsStore settings;
    private final RateLimiter limiter;
    private final BudgetLedger ledger;
    /**
     * The daily budget, kept here as well as in the store: the window's status bar reads it twice a second
     * on the FX thread, which must never wait for the database (a batch's export holds it for a while).
     */
    private volatile BigDecimal dailyUsd;

    public LimitsService(SettingsStore settings, RateLimiter limiter, BudgetLedger ledger) {
        this.settings = settings;
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        Tier t = tier();
        limiter.setDefaultTier(new RateLimitTier(t.name(), t.requestsPerMinute(), t.tokensPerMinute()));
        String stored = settings == null ? null : settings.getString(DAILY_USD, null);
        dailyUsd = stored == null || stored.isBlank() ? null : new BigDecimal(stored);
        ledger.setDailyTotalBudget(dailyUsd);
        ledger.setHourlyTokenBudget(hourlyTokenBudget());
    }

    /** The ready-made tiers (high, medium, low). */
    public static List<Tier> presets() {
        return RateLimitTier.defaults().stream()
                .map(t -> new Tier(t.name(), t.requestsPerMinute(), t.tokensPerMinute())).toList();
    }

    public Tier tier() {
        RateLimitTier d = RateLimiter.Config.defaults().defaultTier();
        if (settings == null) {
            return new Tier(d.name(), d.requestsPerMinute(), d.tokensPerMinute());
        }
        return new Tier(settings.getString(TIER_NAME, d.name()), settings.getInt(TIER_RPM, d.requestsPerMinute()),
                settings.getLong(TIER_TPM, d.tokensPerMinute()));
    }

    public void setTier(Tier t) {
        RateLimitTier r = new RateLimitTier(t.name(), t.requestsPerMinute(), t.tokensPerMinute());
        limiter.setDefaultTier(r);
        if (settings != null) {
            settings.put(TIER_NAME, t.name());
            settings.put(TIER_RPM, t.requestsPerMinute());
            settings.put(TIER_TPM, t.tokensPerMinute());
        }
    }

    /** The daily budget across all priorities, null = none. */
    public BigDecimal dailyBudgetUsd() {
        return dailyUsd;
    }

    public void setDailyBudgetUsd(BigDecimal usd) {
        dailyUsd = usd;
        ledger.setDailyTotalBudget(usd);
        if (settings != null) {
            settings.put(DAILY_USD, usd == null ? null : usd.toPlainString());
        }
    }

    public Long hourlyTokenBudget() {
        long v = settings == null ? -1 : settings.getLong(HOURLY_TOKENS, -1);
        return v < 0 ? null : v;
    }

    public void setHourlyTokenBudget(Long tokens) {
        ledger.setHourlyTokenBudget(tokens);
        if (settings != null) {
            settings.put(HOURLY_TOKENS, tokens);
        }
    }

    /** Spent today, all priorities. */
    public BigDecimal spentTodayUsd() {
        return ledger.spentTodayTotal();
    }
}
