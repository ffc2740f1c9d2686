package dev.llmworkbench.resilience;

import dev.llmworkbench.domain.Priority;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Spending limits: a daily USD budget per {@link Priority}, an optional daily USD budget across all
 * priorities, and an hourly token budget. Before a request is sent its worst-case cost is
 * {@link #reserve reserved}; afterwards the reservation is {@link Reservation#settle settled} with the
 * actual cost, or {@link Reservation#release released} when the failure was not billed.
 *
 * <p><b>Invariant:</b> for every budget, {@code spent + reserved ≤ budget} at every moment: a
 * reservation that would break it is refused, atomically (one lock). {@link Reservation#settle(BigDecimal,
 * long)} charges at most what was reserved and reports any excess in its {@link Settlement}; only
 * {@link Reservation#settle(BigDecimal, long, boolean) settle(..., true)} (the caller insists: the
 * provider did bill more than the worst case) records the full amount, which may then exceed the budget
 * (later reservations are refused until the window rolls over).
 *
 * <p><b>Windows</b> roll over at local midnight in {@code zone} (USD) and at the start of each local
 * hour (tokens), read from the injected clock. Spending restarts at zero; reservations still open
 * stay reserved in the new window and their settlement is charged to the window it happens in.
 */
public final class BudgetLedger {

    /** Which budget refused a reservation. */
    public enum Limit { DAILY_PRIORITY_USD, DAILY_TOTAL_USD, HOURLY_TOKENS }

    /** The outcome of {@link #reserve}. */
    public sealed interface ReserveResult permits Granted, Refused {
    }

    public record Granted(Reservation reservation) implements ReserveResult {
    }

    /**
     * @param message    for a person: what would be spent and what is left
     * @param wouldSpend the worst case asked for (USD, or tokens for {@link Limit#HOURLY_TOKENS})
     * @param left       what is left of that budget (same unit)
     */
    public record Refused(String message, Limit limit, BigDecimal wouldSpend, BigDecimal left)
            implements ReserveResult {
    }

    /** What a settlement charged; {@code excess*} is what exceeded the reservation and was not charged. */
    public record Settlement(BigDecimal chargedUsd, long chargedTokens, BigDecimal excessUsd, long excessTokens) {
        static final Settlement NONE = new Settlement(BigDecimal.ZERO, 0, BigDecimal.ZERO, 0);
    }

    /** One priority's figures for today, read atomically; budget null = unlimited. */
    public record Status(Priority priority, BigDecimal budget, BigDecimal spent, BigDecimal reserved,
                         BigDecimal remaining) {
    }

    /** This hour's tokens, read together; budget null = unlimited. */
    public record TokenStatus(Long budget, long spent, long reserved) {
    }

    /**
     * Where every charge goes as it is settled (priority, USD), whichever engine made the request: the
     * composition root persists it, so today's spend after a restart counts batches and benchmarks too.
     * Called on the settling thread, outside the ledger's lock; it must be quick and must not throw.
     */
    public synchronized void onCharged(java.util.function.BiConsumer<Priority, BigDecimal> sink) {
        this.chargedSink = Objects.requireNonNull(sink, "sink");
    }

    /** Today's spend, for the store to persist and restore after a restart. */
    public record Snapshot(LocalDate day, Map<Priority, BigDecimal> spentUsd, Instant hourStart,
                           long tokensThisHour) {
        public Snapshot {
            spentUsd = Map.copyOf(spentUsd);
        }
    }

    private final Clock clock;
    private final ZoneId zone;
    private final Map<Priority, BigDecimal> budgets = new EnumMap<>(Priority.class);
    private final Map<Priority, BigDecimal> spent = new EnumMap<>(Priority.class);
    private java.util.function.BiConsumer<Priority, BigDecimal> chargedSink = (p, usd) -> { };
    private final Map<Priority, BigDecimal> reserved = new EnumMap<>(Priority.class);
    private BigDecimal totalBudget;
    private Long hourlyTokenBudget;
    private LocalDate day;
    private ZonedDateTime hourStart;
    private long tokensSpent;
    private long tokensReserved;

    public BudgetLedger(Clock clock, ZoneId zone) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
        for (Priority p : Priority.values()) {
            spent.put(p, BigDecimal.ZERO);
            reserved.put(p, BigDecimal.ZERO);
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        day = now.toLocalDate();
        hourStart = now.truncatedTo(ChronoUnit.HOURS);
    }

    /** Daily USD budget of one priority; null = unlimited. */
    public synchronized void setDailyBudget(Priority p, BigDecimal usd) {
        Objects.requireNonNull(p, "priority");
        requireNonNegative(usd);
        if (usd == null) {
            budgets.remove(p);
        } else {
            budgets.put(p, usd);
        }
    }

    public synchronized BigDecimal dailyBudget(Priority p) {
        return budgets.get(p);
    }

    /** Daily USD budget across all priorities; null = unlimited. */
    public synchronized void setDailyTotalBudget(BigDecimal usd) {
        requireNonNegative(usd);
        totalBudget = usd;
    }

    /** Tokens (prompt + completion) per local hour; null = unlimited. */
    public synchronized void setHourlyTokenBudget(Long tokens) {
        if (tokens != null && tokens < 0) {
            throw new IllegalArgumentException("token budget must be ≥ 0: " + tokens);
        }
        hourlyTokenBudget = tokens;
    }

    /**
     * Reserves the worst case of a request, or refuses it if that could break a budget. Nothing is
     * reserved on refusal.
     */
    public synchronized ReserveResult reserve(Priority p, BigDecimal worstCaseUsd, long worstCaseTokens) {
        Objects.requireNonNull(p, "priority");
        Objects.requireNonNull(worstCaseUsd, "worstCaseUsd");
        if (worstCaseUsd.signum() < 0 || worstCaseTokens < 0) {
            throw new IllegalArgumentException("worst case must be ≥ 0");
        }
        roll();
        BigDecimal budget = budgets.get(p);
        if (budget != null) {
            BigDecimal used = spent.get(p).add(reserved.get(p));
            if (used.add(worstCaseUsd).compareTo(budget) > 0) {
                BigDecimal left = budget.subtract(used).max(BigDecimal.ZERO);
                return new Refused("Budget refused: this " + p.wireName() + " request could cost up to "
                        + usd(worstCaseUsd) + " but only " + usd(left) + " is left of today's "
                        + p.wireName() + " budget of " + usd(budget) + " (spent " + usd(spent.get(p))
                        + ", reserved " + usd(reserved.get(p)) + ")",
                        Limit.DAILY_PRIORITY_USD, worstCaseUsd, left);
            }
        }
        if (totalBudget != null) {
            BigDecimal used = sum(spent).add(sum(reserved));
            if (used.add(worstCaseUsd).compareTo(totalBudget) > 0) {
                BigDecimal left = totalBudget.subtract(used).max(BigDecimal.ZERO);
                return new Refused("Budget refused: this request could cost up to " + usd(worstCaseUsd)
                        + " but only " + usd(left) + " is left of today's total budget of " + usd(totalBudget)
                        + " (spent " + usd(sum(spent)) + ", reserved " + usd(sum(reserved)) + ")",
                        Limit.DAILY_TOTAL_USD, worstCaseUsd, left);
            }
        }
        if (hourlyTokenBudget != null && tokensSpent + tokensReserved + worstCaseTokens > hourlyTokenBudget) {
            long left = Math.max(0, hourlyTokenBudget - tokensSpent - tokensReserved);
            return new Refused("Budget refused: this request could use up to " + worstCaseTokens
                    + " tokens but only " + left + " are left of this hour's " + hourlyTokenBudget
                    + " (used " + tokensSpent + ", reserved " + tokensReserved + ")",
                    Limit.HOURLY_TOKENS, BigDecimal.valueOf(worstCaseTokens), BigDecimal.valueOf(left));
        }
        reserved.merge(p, worstCaseUsd, BigDecimal::add);
        tokensReserved += worstCaseTokens;
        return new Granted(new Reservation(p, worstCaseUsd, worstCaseTokens));
    }

    public synchronized BigDecimal spentToday(Priority p) {
        roll();
        return spent.get(p);
    }

    public synchronized BigDecimal reservedToday(Priority p) {
        roll();
        return reserved.get(p);
    }

    /** What is left of the priority's budget after spending and reservations; null when unlimited. */
    public synchronized BigDecimal remainingToday(Priority p) {
        roll();
        BigDecimal budget = budgets.get(p);
        return budget == null ? null : budget.subtract(spent.get(p)).subtract(reserved.get(p)).max(BigDecimal.ZERO);
    }

    public synchronized BigDecimal spentTodayTotal() {
        roll();
        return sum(spent);
    }

    public synchronized BigDecimal reservedTodayTotal() {
        roll();
        return sum(reserved);
    }

    /** Tokens settled in the current local hour. */
    public synchronized long tokensThisHour() {
        roll();
        return tokensSpent;
    }

    public synchronized long tokensReserved() {
        roll();
        return tokensReserved;
    }

    /** Budget, spent, reserved and remaining of one priority, read together. */
    public synchronized Status status(Priority p) {
        roll();
        return new Status(p, budgets.get(p), spent.get(p), reserved.get(p), remainingToday(p));
    }

    /** The hourly token budget, used and reserved, read together. */
    public synchronized TokenStatus tokenStatus() {
        roll();
        return new TokenStatus(hourlyTokenBudget, tokensSpent, tokensReserved);
    }

    public synchronized Snapshot snapshot() {
        roll();
        return new Snapshot(day, new EnumMap<>(spent), hourStart.toInstant(), tokensSpent);
    }

    /**
     * Restores a snapshot taken earlier today (spend of another day, or tokens of another hour, are
     * ignored: that window is over). Replaces today's spend; reservations are untouched.
     *
     * @return true if the day's spend was restored
     */
    public synchronized boolean restore(Snapshot s) {
        Objects.requireNonNull(s, "snapshot");
        roll();
        if (s.hourStart() != null && s.hourStart().equals(hourStart.toInstant())) {
            tokensSpent = s.tokensThisHour();
        }
        if (!day.equals(s.day())) {
            return false;
        }
        for (Priority p : Priority.values()) {
            spent.put(p, s.spentUsd().getOrDefault(p, BigDecimal.ZERO));
        }
        return true;
    }

    private void roll() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
        LocalDate today = now.toLocalDate();
        if (!today.equals(day)) {
            day = today;
            for (Priority p : Priority.values()) {
                spent.put(p, BigDecimal.ZERO);
            }
        }
        ZonedDateTime hour = now.truncatedTo(ChronoUnit.HOURS);
        if (!hour.toInstant().equals(hourStart.toInstant())) {
            hourStart = hour;
            tokensSpent = 0;
        }
    }

    private static BigDecimal sum(Map<Priority, BigDecimal> m) {
        BigDecimal s = BigDecimal.ZERO;
        for (BigDecimal v : m.values()) {
            s = s.add(v);
        }
        return s;
    }

    private static void requireNonNegative(BigDecimal usd) {
        if (usd != null && usd.signum() < 0) {
            throw new IllegalArgumentException("budget must be ≥ 0: " + usd);
        }
    }

    /** "$0.0123": at least two decimals, up to six significant places after the point. */
    static String usd(BigDecimal v) {
        BigDecimal s = v.setScale(Math.max(2, Math.min(6, v.stripTrailingZeros().scale())), RoundingMode.HALF_UP);
        return "$" + s.toPlainString();
    }

    /** A worst case held against the budgets until settled or released (the first call wins). */
    public final class Reservation {
        private final Priority priority;
        private final BigDecimal worstCaseUsd;
        private final long worstCaseTokens;
        private Settlement settlement;
        private boolean closed;

        private Reservation(Priority priority, BigDecimal worstCaseUsd, long worstCaseTokens) {
            this.priority = priority;
            this.worstCaseUsd = worstCaseUsd;
            this.worstCaseTokens = worstCaseTokens;
        }

        public Priority priority() {
            return priority;
        }

        public BigDecimal worstCaseUsd() {
            return worstCaseUsd;
        }

        public long worstCaseTokens() {
            return worstCaseTokens;
        }

        /**
         * Charges the actual cost, at most the reserved worst case (any excess is reported, not
         * charged), and frees the rest. Later calls return the first result.
         */
        public Settlement settle(BigDecimal actualUsd, long actualTokens) {
            return settle(actualUsd, actualTokens, false);
        }

        /**
         * As {@link #settle(BigDecimal, long)}; with {@code insist} the full actual amount is charged
         * even above the reservation (the provider did bill it), which may exceed a budget.
         */
        public Settlement settle(BigDecimal actualUsd, long actualTokens, boolean insist) {
            Objects.requireNonNull(actualUsd, "actualUsd");
            if (actualUsd.signum() < 0 || actualTokens < 0) {
                throw new IllegalArgumentException("actual cost must be ≥ 0");
            }
            Settlement s;
            java.util.function.BiConsumer<Priority, BigDecimal> sink;
            synchronized (BudgetLedger.this) {
                if (closed) {
                    return settlement == null ? Settlement.NONE : settlement;
                }
                closed = true;
                roll();
                unreserve();
                BigDecimal usd = insist ? actualUsd : actualUsd.min(worstCaseUsd);
                long tokens = insist ? actualTokens : Math.min(actualTokens, worstCaseTokens);
                spent.merge(priority, usd, BigDecimal::add);
                tokensSpent += tokens;
                settlement = new Settlement(usd, tokens, actualUsd.subtract(usd), actualTokens - tokens);
                s = settlement;
                sink = chargedSink;
            }
            if (s.chargedUsd().signum() > 0) {
                sink.accept(priority, s.chargedUsd()); // outside the lock
            }
            return s;
        }

        /** The request failed and was not billed: frees the reservation. */
        public void release() {
            synchronized (BudgetLedger.this) {
                if (closed) {
                    return;
                }
                closed = true;
                roll();
                unreserve();
            }
        }

        public boolean isOpen() {
            synchronized (BudgetLedger.this) {
                return !closed;
            }
        }

        private void unreserve() {
            reserved.merge(priority, worstCaseUsd.negate(), BigDecimal::add);
            tokensReserved -= worstCaseTokens;
        }
    }
}
