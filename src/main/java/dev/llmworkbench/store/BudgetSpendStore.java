package dev.llmworkbench.store;

import dev.llmworkbench.domain.Priority;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the budget ledger has spent, so it can be restored after a restart: USD per local day and
 * priority (exact decimals), and tokens per hour (UTC hour start).
 */
public final class BudgetSpendStore {
    private final Database db;

    public BudgetSpendStore(Database db) {
        this.db = Objects.requireNonNull(db);
    }

    /** Adds {@code usd} (may be negative, e.g. a refund of an over-reservation); returns the new total. */
    public BigDecimal addSpend(LocalDate day, Priority priority, BigDecimal usd) {
        return db.write(adding(day, priority, usd));
    }

    /**
     * As {@link #addSpend}, handed to the database's single writer: returns at once (a charge settles on a
     * thread of the network); the future completes with the new total once committed.
     */
    public java.util.concurrent.CompletableFuture<BigDecimal> addSpendLater(LocalDate day, Priority priority,
                                                                             BigDecimal usd) {
        return db.writeLater(adding(day, priority, usd));
    }

    private static Database.SqlWork<BigDecimal> adding(LocalDate day, Priority priority, BigDecimal usd) {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(usd, "usd");
        return c -> {
            BigDecimal current = BigDecimal.ZERO;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT spent_usd FROM budget_spend WHERE day = ? AND priority = ?")) {
                ps.setString(1, day.toString());
                ps.setString(2, priority.wireName());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = new BigDecimal(rs.getString(1));
                    }
                }
            }
            BigDecimal total = current.add(usd);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO budget_spend (day, priority, spent_usd) VALUES (?, ?, ?)
                    ON CONFLICT (day, priority) DO UPDATE SET spent_usd = excluded.spent_usd""")) {
                ps.setString(1, day.toString());
                ps.setString(2, priority.wireName());
                ps.setString(3, total.toPlainString());
                ps.executeUpdate();
            }
            return total;
        };
    }

    /** What was spent that day at that priority (zero when nothing). */
    public BigDecimal spent(LocalDate day, Priority priority) {
        return spentByPriority(day).get(priority);
    }

    /** What was spent that day, per priority (every priority present). */
    public Map<Priority, BigDecimal> spentByPriority(LocalDate day) {
        return db.read(c -> {
            Map<Priority, BigDecimal> out = new EnumMap<>(Priority.class);
            for (Priority p : Priority.values()) {
                out.put(p, BigDecimal.ZERO);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT priority, spent_usd FROM budget_spend WHERE day = ?")) {
                ps.setString(1, day.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(Priority.parse(rs.getString(1)), new BigDecimal(rs.getString(2)));
                    }
                }
            }
            return out;
        });
    }

    /** What was spent that day, all priorities together. */
    public BigDecimal spentOn(LocalDate day) {
        return spentByPriority(day).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Adds tokens to the hour holding {@code at}; returns the hour's new total. */
    public long addTokens(Instant at, long tokens) {
        long hour = at.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO budget_tokens (hour_start, tokens) VALUES (?, ?)
                    ON CONFLICT (hour_start) DO UPDATE SET tokens = tokens + excluded.tokens""")) {
                ps.setLong(1, hour);
                ps.setLong(2, tokens);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT tokens FROM budget_tokens WHERE hour_start = ?")) {
                ps.setLong(1, hour);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The tokens of the hour holding {@code at} (zero when none). */
    public long tokensInHour(Instant at) {
        long hour = at.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT tokens FROM budget_tokens WHERE hour_start = ?")) {
                ps.setLong(1, hour);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
