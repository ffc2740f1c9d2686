package dev.llmworkbench.service.charts;

import dev.llmworkbench.service.providers.PriceService;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.metrics.Percentiles;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.store.RunStore;
import dev.llmworkbench.service.batch.BatchExport;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The charts of latency and cost, for the command line and the desktop alike: their data, read from the
 * history and the price catalogue and kept to bounded sizes (every series is down-sampled to at most
 * {@link #MAX_POINTS} points), and each chart's data written as CSV. Blocking; it prints nothing.
 */
public final class ChartsService {
    /** The most points a series carries. */
    public static final int MAX_POINTS = 2_000;
    /** The most results read from the store for one chart refresh. */
    public static final int MAX_RESULTS = 50_000;

    /** One finished request. */
    public record Sample(long runId, String model, String provider, Instant at, Double ttftMs, Double e2eMs,
                         Integer outputTokens, Double tokensPerSecond, BigDecimal costUsd, boolean ok) {
    }

    /** A histogram bin {@code [from, to)}. */
    public record Bin(double from, double to, int count) {
    }

    /** Percentiles of one latency ({@code metric}: "e2e" or "ttft") of one model. */
    public record ModelPercentiles(String metric, String model, int count, double p50, double p95, double p99) {
    }

    /** A point of a series. */
    public record Point(double x, double y) {
    }

    /**
     * A catalogue entry's output price in USD: one per (provider, model), the same model at two providers being two
     * points. {@code inUse}: the entry the runs charted were priced at.
     */
    public record PricePoint(String provider, String model, double outputUsdPerM, double outputTokensPerUsd,
                             boolean inUse) {
        /** "qwen3-235b-a22b · dashscope-intl", with " (in use)" for the entry the runs were priced at. */
        public String label() {
            return model + " · " + provider + (inUse ? " (in use)" : "");
        }
    }

    /** A run to filter by. */
    public record RunChoice(long id, String label) {
    }

    /** A series of points per model, as exported: its name and the CSV columns of x and y. */
    public enum Series {
        TTFT_VS_OUTPUT("output_tokens", "ttft_ms"), TOKENS_PER_SECOND("seconds", "tokens_per_s"),
        CUMULATIVE_SPEND("seconds", "cumulative_usd");

        private final String x;
        private final String y;

        Series(String x, String y) {
            this.x = x;
            this.y = y;
        }
    }

    private final RunStore runs;
    private final ResultStore results;
    private final PriceService prices;
    private final ZoneId zone;
    private final int maxResults;

    public ChartsService(RunStore runs, ResultStore results, PriceService prices, ZoneId zone) {
        this(runs, results, prices, zone, MAX_RESULTS);
    }

    /** With another bound on the results read per refresh (tests). */
    ChartsService(RunStore runs, ResultStore results, PriceService prices, ZoneId zone, int maxResults) {
        this.maxResults = maxResults;
        this.runs = Objects.requireNonNull(runs);
        this.results = Objects.requireNonNull(results);
        this.prices = Objects.requireNonNull(prices);
        this.zone = Objects.requireNonNull(zone);
    }

    /** The newest runs that may have results, to filter by. */
    public List<RunChoice> runs(int limit) {
        return runs.list(RunQuery.all().page(limit, 0)).stream()
                .map(r -> new RunChoice(r.id(), "#" + r.id() + " " + r.kind().wireName() + " · " + r.title()))
                .toList();
    }

    /**
     * The samples of one run (or of the newest runs when {@code runId} is null), optionally of one model and
     * a time range, oldest first; at most {@link #MAX_RESULTS}, the newest.
     */
    public List<Sample> samples(Long runId, String model, Instant from, Instant to) {
        List<Long> ids = new ArrayList<>();
        if (runId != null) {
            ids.add(runId);
        } else {
            for (RunRecord r : runs.list(RunQuery.all().page(500, 0).between(from, to))) {
                ids.add(r.id());
            }
        }
        List<Sample> out = new ArrayList<>();
        for (long id : ids) {
            // a run with more results than the charts take: its newest (a live chart follows the end of a run)
            int take = maxResults - out.size();
            int skip = Math.max(0, results.countByRun(id) - take);
            for (ResultStore.Figures r : results.figuresByRun(id, take, skip)) {
                Instant at = r.endedAt() != null ? r.endedAt() : r.startedAt();
                if (model != null && !model.equals(r.model())) {
                    continue;
                }
                if (at != null && ((from != null && at.isBefore(from)) || (to != null && !at.isBefore(to)))) {
                    continue;
                }
                Integer timed = r.outputTokens();
                Double perSecond = timed == null || r.e2eMs() == null || r.e2eMs() <= 0 ? null
                        : timed * 1000.0 / r.e2eMs(); // as Timing.throughputTokensPerSecond
                out.add(new Sample(id, r.model(), r.provider(), at, r.ttftMs(), r.e2eMs(), r.completionTokens(),
                        perSecond, r.costUsd(), r.succeeded()));
            }
            if (out.size() >= maxResults) {
                break;
            }
        }
        out.sort(Comparator.comparing(Sample::at, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /** The models of the samples, in first-seen order. */
    public static List<String> models(List<Sample> samples) {
        return samples.stream().map(Sample::model).filter(Objects::nonNull).distinct().toList();
    }

    /** Keeps at most {@code max} elements, evenly spaced, the first and last included. */
    public static <T> List<T> downsample(List<T> in, int max) {
        if (in.size() <= max || max < 2) {
            return List.copyOf(in.size() <= max ? in : in.subList(0, Math.max(0, max)));
        }
        List<T> out = new ArrayList<>(max);
        double step = (in.size() - 1) / (double) (max - 1);
        for (int i = 0; i < max; i++) {
            out.add(in.get((int) Math.round(i * step)));
        }
        return out;
    }

    /** A histogram of the values in {@code bins} equal bins from the minimum to the maximum. */
    public static List<Bin> histogram(List<Double> values, int bins) {
        return histogram(values, bins, 100);
    }

    /**
     * A histogram of the values in {@code bins} equal bins from the minimum to their {@code upTo}-th percentile (100:
     * the maximum); the values above it are counted in the last bin, so a few outliers (stalls) do not squeeze the
     * others into one bar. Null and NaN values are left out.
     */
    public static List<Bin> histogram(List<Double> values, int bins, double upTo) {
        Percentiles p = Percentiles.of(values.stream().filter(x -> x != null && !x.isNaN()).toList());
        if (p.isEmpty() || bins < 1) {
            return List.of();
        }
        double min = p.min();
        double max = p.percentile(upTo);
        double width = max > min ? (max - min) / bins : 1;
        int[] counts = new int[bins];
        for (Double x : values) {
            if (x != null && !x.isNaN()) {
                counts[(int) Math.max(0, Math.min(bins - 1, Math.floor((x - min) / width)))]++;
            }
        }
        List<Bin> out = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            out.add(new Bin(min + i * width, min + (i + 1) * width, counts[i]));
        }
        return out;
    }

    /** p50/p95/p99 per model of end-to-end latency, then of TTFT (successful requests). */
    public static List<ModelPercentiles> percentiles(List<Sample> samples) {
        List<ModelPercentiles> out = new ArrayList<>(percentiles("e2e", samples, Sample::e2eMs));
        out.addAll(percentiles("ttft", samples, Sample::ttftMs));
        return out;
    }

    private static List<ModelPercentiles> percentiles(String metric, List<Sample> samples,
                                                      java.util.function.Function<Sample, Double> value) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (Sample s : samples) {
            Double v = value.apply(s);
            if (s.ok() && v != null) {
                by.computeIfAbsent(String.valueOf(s.model()), k -> new ArrayList<>()).add(v);
            }
        }
        List<ModelPercentiles> out = new ArrayList<>();
        by.forEach((m, v) -> {
            Percentiles p = Percentiles.of(v);
            out.add(new ModelPercentiles(metric, m, p.count(), p.p50(), p.p95(), p.p99()));
        });
        return out;
    }

    /** TTFT (y) against output tokens (x), per model, down-sampled. */
    public static Map<String, List<Point>> ttftVsOutput(List<Sample> samples) {
        Map<String, List<Point>> by = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.ttftMs() != null && s.outputTokens() != null) {
                by.computeIfAbsent(String.valueOf(s.model()), k -> new ArrayList<>())
                        .add(new Point(s.outputTokens(), s.ttftMs()));
            }
        }
        by.replaceAll((k, v) -> downsample(v, MAX_POINTS));
        return by;
    }

    /** Tokens per second (end-to-end throughput) over time in seconds since the first sample, per model. */
    public static Map<String, List<Point>> tokensPerSecondOverTime(List<Sample> samples) {
        Map<String, List<Point>> by = new LinkedHashMap<>();
        Instant t0 = first(samples);
        for (Sample s : samples) {
            if (s.tokensPerSecond() != null && s.at() != null) {
                by.computeIfAbsent(String.valueOf(s.model()), k -> new ArrayList<>())
                        .add(new Point(seconds(t0, s.at()), s.tokensPerSecond()));
            }
        }
        by.replaceAll((k, v) -> downsample(v, MAX_POINTS));
        return by;
    }

    /** Cumulative spend in USD over time (seconds since the first sample), per model. */
    public static Map<String, List<Point>> cumulativeSpend(List<Sample> samples) {
        Map<String, List<Point>> by = new LinkedHashMap<>();
        Map<String, Double> sum = new LinkedHashMap<>();
        Instant t0 = first(samples);
        for (Sample s : samples) {
            if (s.costUsd() != null && s.at() != null) {
                String m = String.valueOf(s.model());
                double total = sum.merge(m, s.costUsd().doubleValue(), Double::sum);
                by.computeIfAbsent(m, k -> new ArrayList<>()).add(new Point(seconds(t0, s.at()), total));
            }
        }
        by.replaceAll((k, v) -> downsample(v, MAX_POINTS));
        return by;
    }

    /** Spend in USD per local day, oldest first. */
    public Map<LocalDate, BigDecimal> spendPerDay(List<Sample> samples) {
        Map<LocalDate, BigDecimal> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.costUsd() != null && s.at() != null) {
                out.merge(s.at().atZone(zone).toLocalDate(), s.costUsd(), BigDecimal::add);
            }
        }
        return out;
    }

    /** Each catalogue entry's output price per 1M tokens in USD and the output tokens one dollar buys; none in use. */
    public List<PricePoint> priceComparison() {
        return priceComparison(List.of());
    }

    /**
     * As {@link #priceComparison()}, each entry the {@code used} samples were priced at marked in use (a run's
     * provider's own entry for its model, else the catalogue's entry for the model, as the cost was computed).
     */
    public List<PricePoint> priceComparison(List<Sample> used) {
        java.util.Set<String> inUse = new java.util.HashSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Sample s : used) {
            if (s.model() != null && seen.add(s.provider() + "\n" + s.model())) {
                prices.find(s.provider(), s.model()).or(() -> prices.find(null, s.model()))
                        .ifPresent(p -> inUse.add(p.provider() + "\n" + p.model()));
            }
        }
        List<PricePoint> out = new ArrayList<>();
        for (ModelPrice p : prices.prices()) {
            BigDecimal usd = prices.convert(new Money(p.outputPerM(), p.currency()), Currency.USD).amount();
            double perUsd = usd.signum() == 0 ? 0 : BigDecimal.valueOf(1_000_000).divide(usd, MathContext.DECIMAL64)
                    .doubleValue();
            out.add(new PricePoint(p.provider(), p.model(), usd.doubleValue(), perUsd,
                    inUse.contains(p.provider() + "\n" + p.model())));
        }
        return out;
    }

    /** Writes a latency histogram as CSV ({@code from_ms,to_ms,count}). */
    public void exportHistogram(List<Bin> bins, Path out) {
        csv(out, p -> {
            p.printRecord("from_ms", "to_ms", "count");
            for (Bin b : bins) {
                p.printRecord(b.from(), b.to(), b.count());
            }
        });
    }

    /** Writes the percentiles per model as CSV ({@code metric,model,count,p50_ms,p95_ms,p99_ms}). */
    public void exportPercentiles(List<ModelPercentiles> percentiles, Path out) {
        csv(out, p -> {
            p.printRecord("metric", "model", "count", "p50_ms", "p95_ms", "p99_ms");
            for (ModelPercentiles m : percentiles) {
                p.printRecord(m.metric(), m.model(), m.count(), m.p50(), m.p95(), m.p99());
            }
        });
    }

    /** Writes a series per model as CSV ({@code model}, then the series' x and y columns), a row a point. */
    public void exportSeries(Series series, Map<String, List<Point>> points, Path out) {
        csv(out, p -> {
            p.printRecord("model", series.x, series.y);
            for (Map.Entry<String, List<Point>> e : points.entrySet()) {
                for (Point pt : e.getValue()) {
                    p.printRecord(e.getKey(), pt.x(), pt.y());
                }
            }
        });
    }

    /** Writes the spend per day as CSV ({@code day,usd}). */
    public void exportSpendPerDay(Map<LocalDate, BigDecimal> spend, Path out) {
        csv(out, p -> {
            p.printRecord("day", "usd");
            for (Map.Entry<LocalDate, BigDecimal> e : spend.entrySet()) {
                p.printRecord(e.getKey(), e.getValue().toPlainString());
            }
        });
    }

    /** Writes the price comparison as CSV ({@code provider,model,output_usd_per_1m,output_tokens_per_usd}). */
    public void exportPrices(List<PricePoint> prices, Path out) {
        csv(out, p -> {
            p.printRecord("provider", "model", "output_usd_per_1m", "output_tokens_per_usd");
            for (PricePoint pp : prices) {
                p.printRecord(pp.provider(), pp.model(), pp.outputUsdPerM(), pp.outputTokensPerUsd());
            }
        });
    }

    /** What prints a CSV file's records. */
    @FunctionalInterface
    private interface Rows {
        void print(CSVPrinter p) throws IOException;
    }

    /** Writes {@code out} as the batch export does: to a temporary file beside it, then moved over it. */
    private static void csv(Path out, Rows rows) {
        BatchExport.writeTo(out, w -> {
            try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
                rows.print(p);
            }
        });
    }

    private static Instant first(List<Sample> samples) {
        return samples.stream().map(Sample::at).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
    }

    private static double seconds(Instant t0, Instant t) {
        return (t.toEpochMilli() - t0.toEpochMilli()) / 1000.0;
    }
}
