package dev.llmworkbench.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A summary over request samples (a run, or one model of it).
 *
 * <ul>
 *   <li>{@code errors}/{@code errorRate}: failed requests and their share (NaN with no requests).</li>
 *   <li>TTFT, TTFO, TPOT, e2e: {@link LatencySummary} over the samples that have the value (failed ones
 *       included if they carry it).</li>
 *   <li>{@code outputTokensPerSecond}: total output tokens / wall time, wall time = from the first start
 *       to the last end (start + e2e); null when that is not known or zero.</li>
 *   <li>{@code meanTokensPerSecondPerRequest}: the mean over requests of output tokens / e2e (requests
 *       with both, no errors); null when none.</li>
 *   <li>{@code goodput}: the share of requests meeting every SLO given (errors fail); null with no
 *       requests.</li>
 * </ul>
 */
public record RunSummary(int count, int errors, double errorRate, LatencySummary ttft, LatencySummary ttfo,
                         LatencySummary tpot, LatencySummary e2e, long totalOutputTokens,
                         Double outputTokensPerSecond, Double meanTokensPerSecondPerRequest, Slo slo,
                         Double goodput) {

    public static RunSummary of(List<RequestSample> samples, Slo slo) {
        Objects.requireNonNull(samples, "samples");
        Slo s = slo == null ? Slo.NONE : slo;
        int n = samples.size();
        int errors = (int) samples.stream().filter(RequestSample::error).count();
        long tokens = 0;
        long firstStart = Long.MAX_VALUE;
        double lastEnd = Double.NEGATIVE_INFINITY;
        double perRequestSum = 0;
        int perRequestCount = 0;
        int good = 0;
        for (RequestSample r : samples) {
            if (r.outputTokens() != null) {
                tokens += r.outputTokens();
            }
            firstStart = Math.min(firstStart, r.startEpochMs());
            if (r.e2eMs() != null) {
                lastEnd = Math.max(lastEnd, r.startEpochMs() + r.e2eMs());
            }
            if (!r.error() && r.outputTokens() != null && r.e2eMs() != null && r.e2eMs() > 0) {
                perRequestSum += r.outputTokens() / (r.e2eMs() / 1000.0);
                perRequestCount++;
            }
            if (s.isMetBy(r)) {
                good++;
            }
        }
        Double throughput = null;
        if (n > 0 && lastEnd > firstStart) {
            throughput = tokens / ((lastEnd - firstStart) / 1000.0);
        }
        return new RunSummary(n, errors, n == 0 ? Double.NaN : (double) errors / n,
                summary(samples, RequestSample::ttftMs), summary(samples, RequestSample::ttfoMs),
                summary(samples, RequestSample::tpotMs), summary(samples, RequestSample::e2eMs), tokens,
                throughput, perRequestCount == 0 ? null : perRequestSum / perRequestCount, s,
                n == 0 ? null : (double) good / n);
    }

    /** One summary per model, models in order of first appearance. */
    public static Map<String, RunSummary> byModel(List<RequestSample> samples, Slo slo) {
        Map<String, List<RequestSample>> groups = new LinkedHashMap<>();
        for (RequestSample r : samples) {
            groups.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
        }
        Map<String, RunSummary> out = new LinkedHashMap<>();
        groups.forEach((model, list) -> out.put(model, of(list, slo)));
        return out;
    }

    private static LatencySummary summary(List<RequestSample> samples, Function<RequestSample, Double> f) {
        List<Double> values = new ArrayList<>(samples.size());
        for (RequestSample r : samples) {
            Double v = f.apply(r);
            if (v != null) {
                values.add(v);
            }
        }
        return LatencySummary.of(values);
    }
}
