package dev.llmworkbench.service.batch;

import java.math.BigDecimal;

/**
 * The budget of one batch run (its {@code --budget-usd}): reserve an item's worst case before it is sent,
 * settle with its true cost when it ends. A reservation is granted only while spent + reserved + worst
 * case stays within the cap, so the spend never passes the cap as long as no request costs more than its
 * worst case (bounded by {@code max_tokens}). Thread-safe.
 */
public final class RunBudget {
    private final BigDecimal cap;
    private BigDecimal spent = BigDecimal.ZERO;
    private BigDecimal reserved = BigDecimal.ZERO;

    /** @param cap null = no cap */
    public RunBudget(BigDecimal cap) {
        if (cap != null && cap.signum() < 0) {
            throw new IllegalArgumentException("a budget must not be negative");
        }
        this.cap = cap;
    }

    public BigDecimal cap() {
        return cap;
    }

    /** Counts money as spent (earlier results of a resumed job, reservations lost in a crash). */
    public synchronized void addSpent(BigDecimal usd) {
        spent = spent.add(usd);
    }

    /** Reserves {@code worstUsd}; false (nothing reserved) when that could pass the cap. */
    public synchronized boolean tryReserve(BigDecimal worstUsd) {
        if (cap != null && spent.add(reserved).add(worstUsd).compareTo(cap) > 0) {
            return false;
        }
        reserved = reserved.add(worstUsd);
        return true;
    }

    /** Ends a reservation with what the request really cost (zero when it was not billed). */
    public synchronized void settle(BigDecimal reservedUsd, BigDecimal actualUsd) {
        reserved = reserved.subtract(reservedUsd).max(BigDecimal.ZERO);
        spent = spent.add(actualUsd == null ? BigDecimal.ZERO : actualUsd);
    }

    public synchronized BigDecimal spent() {
        return spent;
    }

    public synchronized BigDecimal reserved() {
        return reserved;
    }
}
