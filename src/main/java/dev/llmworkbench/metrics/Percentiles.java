package dev.llmworkbench.metrics;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * Exact percentiles of a set of samples by linear interpolation between closest ranks, as numpy's
 * default ({@code method="linear"}): rank = p/100 · (n − 1), value = x[floor] + (x[ceil] − x[floor]) ·
 * frac. Samples are sorted once; exact for any count (the project's promise covers up to
 * {@value #EXACT_LIMIT}). Immutable.
 */
public final class Percentiles {
    public static final int EXACT_LIMIT = 100_000;

    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    /** @throws IllegalArgumentException on NaN samples */
    public static Percentiles of(double... samples) {
        Objects.requireNonNull(samples, "samples");
        double[] copy = samples.clone();
        for (double d : copy) {
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException("NaN sample");
            }
        }
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    /** Null values are skipped. */
    public static Percentiles of(Collection<? extends Number> samples) {
        return of(samples.stream().filter(Objects::nonNull).mapToDouble(Number::doubleValue).toArray());
    }

    public int count() {
        return sorted.length;
    }

    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The p-th percentile, p in [0, 100]; NaN when there are no samples. */
    public double percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], was " + p);
        }
        return interpolate(sorted, p);
    }

    public double p50() {
        return percentile(50);
    }

    public double p95() {
        return percentile(95);
    }

    public double p99() {
        return percentile(99);
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double d : sorted) {
            sum += d;
        }
        return sum / sorted.length;
    }

    /** numpy-linear percentile of already sorted values. */
    static double interpolate(double[] sorted, double p) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double rank = p / 100.0 * (n - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, n - 1);
        double frac = rank - lo;
        if (frac == 0 || lo == hi) {
            return sorted[lo];
        }
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }
}
