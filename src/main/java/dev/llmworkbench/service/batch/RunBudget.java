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

    /**
     * The budget of a run of a job that may have run before: what its stored results cost, and what its rows'
     * attempts without a result were billed, count as spent.
     * What a crashed process had reserved is released, not counted: the spend is what is recorded.
     */
    static RunBudget resumed(BigDecimal cap, dev.llmworkbench.store.BatchStore store, String jobId) {
        RunBudget b = new RunBudget(cap);
        store.forEachItemWithResult(jobId, ir -> {
            if (ir.result() != null && ir.result().costUsd() != null) {
                b.addSpent(ir.result().costUsd());
            }
            if (ir.item().billedUsd() != null) {
                b.addSpent(ir.item().billedUsd()); // attempts that left no result (cancelled mid-stream)
            }
        });
        return b;
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

    /**
     * As {@link #settle}; true when the run has a cap and the request cost more than was reserved for it
     * (the provider billed past the bound it was given: the run must stop sending).
     */
    public synchronized boolean settleOver(BigDecimal reservedUsd, BigDecimal actualUsd) {
        settle(reservedUsd, actualUsd);
        return cap != null && actualUsd != null && actualUsd.compareTo(reservedUsd) > 0;
    }

    public synchronized BigDecimal spent() {
        return spent;
    }

    public synchronized BigDecimal reserved() {
        return reserved;
    }
}
