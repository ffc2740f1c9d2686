package dev.llmworkbench.service.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How an open-loop level spaces its sends: {@code constant} (every 1/rate s), {@code poisson} (exponential gaps) or
 * {@code gamma:B} (gamma gaps with shape B and mean 1/rate, as vLLM's {@code --burstiness}: B = 1 is Poisson,
 * below 1 burstier, above 1 more even).
 */
public record Arrival(Kind kind, double burstiness) {
    public enum Kind { CONSTANT, POISSON, GAMMA }

    public static final Arrival POISSON = new Arrival(Kind.POISSON, 1.0);

    public Arrival {
        if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
            throw new IllegalArgumentException("the burstiness of gamma:B must be a number above 0, was " + burstiness);
        }
    }

    /** {@code constant}, {@code poisson} or {@code gamma:B}; IllegalArgumentException with one line otherwise. */
    public static Arrival parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("constant")) {
            return new Arrival(Kind.CONSTANT, 1.0);
        }
        if (v.equals("poisson")) {
            return POISSON;
        }
        if (v.startsWith("gamma:")) {
            double b;
            try {
                b = Double.parseDouble(v.substring(6));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--arrival gamma:B needs a number B above 0, e.g. gamma:0.5; was '"
                        + s + "'");
            }
            if (!(b > 0) || Double.isInfinite(b)) {
                throw new IllegalArgumentException("--arrival gamma:B needs a number B above 0, e.g. gamma:0.5; was '"
                        + s + "'");
            }
            return new Arrival(Kind.GAMMA, b);
        }
        throw new IllegalArgumentException("--arrival must be constant, poisson or gamma:B (e.g. gamma:0.5), was '" + s
                + "'");
    }

    /** As written on the command line. */
    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case POISSON -> "poisson";
            case GAMMA -> "gamma:" + burstiness;
        };
    }

    /**
     * The send times (seconds from the level's start, the first at 0) of {@code count} requests at {@code rate}
     * per second, or of as many as fall before {@code durationS} when {@code count} is null. Deterministic for the
     * seed.
     */
    public double[] schedule(double rate, Integer count, Double durationS, long seed) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("a rate must be above 0, was " + rate);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> out = new ArrayList<>();
        double t = 0;
        while (count != null ? out.size() < count : t < durationS) {
            out.add(t);
            t += gap(rate, rnd);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private double gap(double rate, SplittableRandom rnd) {
        return switch (kind) {
            case CONSTANT -> 1.0 / rate;
            case POISSON -> -Math.log(1.0 - rnd.nextDouble()) / rate;
            case GAMMA -> gamma(burstiness, rnd) / (burstiness * rate);
        };
    }

    /** A gamma(shape, 1) variate: Marsaglia and Tsang's method (2000), boosted for shapes below 1. */
    static double gamma(double shape, SplittableRandom rnd) {
        if (shape < 1) {
            double u = rnd.nextDouble();
            return gamma(shape + 1, rnd) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rnd.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rnd.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
