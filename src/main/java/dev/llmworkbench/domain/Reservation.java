package dev.llmworkbench.domain;

import java.math.BigDecimal;
import java.util.Objects;

/** What the budget reserved for an item in flight (released, not counted as spent, if the process dies meanwhile). */
public record Reservation(BigDecimal usd, long tokens) {
    public static final Reservation NONE = new Reservation(BigDecimal.ZERO, 0);

    public Reservation {
        Objects.requireNonNull(usd, "usd");
        if (usd.signum() < 0 || tokens < 0) {
            throw new IllegalArgumentException("a reservation must not be negative");
        }
    }

    public Reservation plus(Reservation o) {
        return new Reservation(usd.add(o.usd), tokens + o.tokens);
    }
}
