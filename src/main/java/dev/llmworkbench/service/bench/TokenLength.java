package dev.llmworkbench.service.bench;

import java.util.SplittableRandom;

/** A length in tokens asked for: {@code N} or {@code N:stddev} (normal, rounded, at least 1). */
public record TokenLength(int mean, double stddev) {
    public TokenLength {
        if (mean < 1) {
            throw new IllegalArgumentException("a token length must be at least 1, was " + mean);
        }
        if (!(stddev >= 0) || Double.isInfinite(stddev)) {
            throw new IllegalArgumentException("a token length's stddev must be 0 or more, was " + stddev);
        }
    }

    /** {@code N} or {@code N:stddev}; {@code option} names the option in the one-line message on bad input. */
    public static TokenLength parse(String option, String s) {
        String v = s == null ? "" : s.trim();
        String[] parts = v.split(":", -1);
        try {
            if (parts.length == 1) {
                return new TokenLength(Integer.parseInt(parts[0]), 0);
            }
            if (parts.length == 2) {
                return new TokenLength(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
            }
        } catch (NumberFormatException e) {
            // the message below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        }
        throw new IllegalArgumentException(option + " takes N or N:stddev (e.g. 512 or 512:64), was '" + s + "'");
    }

    /** One request's length. */
    public int sample(SplittableRandom rnd) {
        if (stddev == 0) {
            return mean;
        }
        return (int) Math.max(1, Math.round(mean + stddev * rnd.nextGaussian()));
    }

    @Override
    public String toString() {
        return stddev == 0 ? Integer.toString(mean) : mean + ":" + stddev;
    }
}
