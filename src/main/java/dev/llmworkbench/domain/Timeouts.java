package dev.llmworkbench.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * The four timeouts of one request. {@code firstByte}: request sent → response headers;
 * {@code idle}: the longest gap allowed between two reads of a streamed body; {@code total}: the
 * whole request, stream included. A zero duration means "no limit".
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    public Timeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(firstByte, "firstByte");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(total, "total");
        for (Duration d : new Duration[] {connect, firstByte, idle, total}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a timeout must not be negative: " + d);
            }
        }
    }

    /** Connect 10 s, first byte 120 s, idle gap 60 s, total 600 s. */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(60),
                Duration.ofSeconds(600));
    }

    public Timeouts withTotal(Duration d) {
        return new Timeouts(connect, firstByte, idle, d);
    }

    public Timeouts withIdle(Duration d) {
        return new Timeouts(connect, firstByte, d, total);
    }

    public Timeouts withFirstByte(Duration d) {
        return new Timeouts(connect, d, idle, total);
    }

    public Timeouts withConnect(Duration d) {
        return new Timeouts(d, firstByte, idle, total);
    }
}
