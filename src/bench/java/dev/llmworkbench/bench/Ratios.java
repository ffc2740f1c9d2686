package dev.llmworkbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Paired rounds (ours, baseline) of one figure: the per-round ratios, their median and range, and the load. */
final class Ratios {
    private final String name;
    private final List<double[]> rounds = new ArrayList<>();

    Ratios(String name) {
        this.name = name;
    }

    void add(double ours, double baseline) {
        rounds.add(new double[] {ours, baseline});
    }

    double medianRatio() {
        List<Double> r = new ArrayList<>();
        for (double[] x : rounds) {
            r.add(x[0] / x[1]);
        }
        return median(r);
    }

    /** One line: median of the per-round ratios, their range, the medians of both sides. */
    String summary() {
        List<Double> r = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        for (double[] x : rounds) {
            r.add(x[0] / x[1]);
            ours.add(x[0]);
            base.add(x[1]);
        }
        return String.format(Locale.ROOT, "%s: ratio median %.3f, range %.3f-%.3f over %d rounds (ours median %,.0f, "
                        + "baseline median %,.0f)", name, median(r), r.stream().mapToDouble(d -> d).min().orElse(0),
                r.stream().mapToDouble(d -> d).max().orElse(0), r.size(), median(ours), median(base));
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The machine's load averages (1, 5, 15 min), as {@code uptime} shows them. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + f[0] + ", " + f[1] + ", " + f[2] + " on "
                    + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException | RuntimeException e) {
            return "load unknown";
        }
    }
}
