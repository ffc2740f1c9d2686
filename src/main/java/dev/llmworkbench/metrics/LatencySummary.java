package dev.llmworkbench.metrics;

import java.util.Collection;

/**
 * Count, mean, min, max and p50/p95/p99 of one measurement (ms) over the requests that have it; the
 * statistics are NaN when {@code count} is 0.
 */
public record LatencySummary(int count, double mean, double min, double max, double p50, double p95,
                             double p99) {
    public static LatencySummary of(Collection<? extends Number> values) {
        Percentiles p = Percentiles.of(values);
        return new LatencySummary(p.count(), p.mean(), p.min(), p.max(), p.p50(), p.p95(), p.p99());
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
