package dev.llmworkbench.service.estimate;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.Currency;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.batch.BatchExport;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Projects the cost of a workload, sending nothing, for the command line and the desktop alike: each
 * request (a list of messages) is counted with the token estimator and priced with the catalogue for each
 * model; a day is {@code requestsPerDay} requests, a month 30 days. Per-request figures are the mean over
 * the requests given. A workload may also be typed in ({@link Workload}), read from a prompt file or taken
 * from the history, and the router's saving is found by replaying the history's prompts through it. The
 * projections are exported as CSV.
 */
public final class EstimateService {
    public static final int DEFAULT_OUTPUT_TOKENS = 256;
    public static final int DAYS_PER_MONTH = 30;
    /** The columns of {@link #exportCsv}. */
    public static final List<String> CSV_HEADER = List.of("model", "provider", "input_tokens", "output_tokens",
            "usd_per_request", "usd_per_day", "usd_per_month", "cny_per_request", "cny_per_day", "cny_per_month");

    /**
     * One model's projection. {@code inputTokens} is the mean per request (rounded), {@code outputTokens}
     * the assumed output per request, {@code tokenizer} the name of the tokenizer the model's text is counted
     * with ({@code qwen3}, {@code o200k}, …; null when not known).
     */
    public record ModelEstimate(String model, String provider, long inputTokens, long outputTokens, int requests,
                                Money perRequestUsd, Money perRequestCny, Money perDayUsd, Money perDayCny,
                                Money perMonthUsd, Money perMonthCny, String cnySource, String tokenizer) {
        /** Without saying which tokenizer counted. */
        public ModelEstimate(String model, String provider, long inputTokens, long outputTokens, int requests,
                             Money perRequestUsd, Money perRequestCny, Money perDayUsd, Money perDayCny,
                             Money perMonthUsd, Money perMonthCny, String cnySource) {
            this(model, provider, inputTokens, outputTokens, requests, perRequestUsd, perRequestCny, perDayUsd,
                    perDayCny, perMonthUsd, perMonthCny, cnySource, null);
        }

        /** Without saying where the CNY figures come from (converted from USD). */
        public ModelEstimate(String model, String provider, long inputTokens, long outputTokens, int requests,
                             Money perRequestUsd, Money perRequestCny, Money perDayUsd, Money perDayCny,
                             Money perMonthUsd, Money perMonthCny) {
            this(model, provider, inputTokens, outputTokens, requests, perRequestUsd, perRequestCny, perDayUsd,
                    perDayCny, perMonthUsd, perMonthCny, null);
        }
    }

    /** A workload: requests a day, tokens per request, the cache hit rate and the share at batch price (0..1). */
    public record Workload(long requestsPerDay, long inputTokens, int outputTokens, BigDecimal cacheHitRate,
                           BigDecimal batchShare) {
        public Workload {
            if (requestsPerDay < 0 || inputTokens < 0 || outputTokens < 0) {
                throw new IllegalArgumentException("requests and tokens must not be negative");
            }
            cacheHitRate = cacheHitRate == null ? BigDecimal.ZERO : cacheHitRate;
            batchShare = batchShare == null ? BigDecimal.ZERO : batchShare;
        }
    }

    /** The router's saving: the month at the baseline model vs. each prompt at its routed model. */
    public record RouterSaving(int prompts, String baselineModel, BigDecimal baselinePerMonthUsd,
                               BigDecimal routedPerMonthUsd, BigDecimal savingPerMonthUsd, double savingShare,
                               Map<String, Integer> routedModels) {
    }

    /** No price for a model. */
    public static final class NoPrice extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public NoPrice(String model) {
            super("no price for model '" + model + "' in the price catalogue");
        }
    }

    /** The estimator's figures from the history: its prompts, answers and pace, and the router to replay. */
    private record History(RoutingService routing, RunStore runs, ResultStore results, Clock clock) {
        History {
            Objects.requireNonNull(routing);
            Objects.requireNonNull(runs);
            Objects.requireNonNull(results);
            Objects.requireNonNull(clock);
        }
    }

    private final CostCalculator costs;
    private final TokenEstimator estimator;
    private final History history;

    /** Prices workloads only (the command line's estimate of prompt files, a batch's dry run). */
    public EstimateService(CostCalculator costs, TokenEstimator estimator) {
        this.costs = costs;
        this.estimator = estimator;
        this.history = null;
    }

    /**
     * Prices workloads and also takes their figures from the history (the desktop's estimator): its prompts
     * and answers, its requests per day, and the router's saving replayed over its prompts.
     */
    public EstimateService(CostCalculator costs, TokenEstimator estimator, RoutingService routing, RunStore runs,
                           ResultStore results, Clock clock) {
        this.costs = costs;
        this.estimator = estimator;
        this.history = new History(routing, runs, results, clock);
    }

    private History history() {
        if (history == null) {
            throw new IllegalStateException("this estimator has no history to read");
        }
        return history;
    }

    /**
     * @param requests       the requests (at least one)
     * @param requestsPerDay how many requests a day
     */
    public List<ModelEstimate> estimate(List<List<Message>> requests, List<String> models, long requestsPerDay,
                                        int outputTokens) {
        return estimate(requests, models, requestsPerDay, outputTokens, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /**
     * As {@link #estimate(List, List, long, int)}, with a share of each request's input read from the cache
     * ({@code cacheHitRate}, 0..1, priced at the cached-input price) and a share of the requests run at the
     * provider's batch price ({@code batchShare}, 0..1). Each request costs
     * {@code (1 - batchShare) * cost(online) + batchShare * cost(batch)} by the {@link CostCalculator}.
     */
    public List<ModelEstimate> estimate(List<List<Message>> requests, List<String> models, long requestsPerDay,
                                        int outputTokens, BigDecimal cacheHitRate, BigDecimal batchShare) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("nothing to estimate: no requests");
        }
        List<ModelEstimate> out = new ArrayList<>();
        for (String model : models) {
            List<Long> tokens = new ArrayList<>(requests.size());
            for (List<Message> messages : requests) {
                tokens.add((long) estimator.estimate(model, messages).tokens());
            }
            out.add(estimateTokens(model, tokens, requestsPerDay, outputTokens, cacheHitRate, batchShare));
        }
        return out;
    }

    /** The name of the tokenizer {@code model}'s text is counted with ({@code qwen3}, {@code o200k}, …). */
    public String tokenizerFor(String model) {
        return estimator.tokenizerFor(model).id();
    }

    /** The input tokens of one request for a model, as {@link #estimate} counts them. */
    public long inputTokens(String model, List<Message> messages) {
        return estimator.estimate(model, messages).tokens();
    }

    /**
     * One model's projection for requests of known input sizes (typed in, or from history): no token
     * estimation, the same pricing as {@link #estimate(List, List, long, int, BigDecimal, BigDecimal)}.
     */
    public ModelEstimate estimateTokens(String model, List<Long> inputTokens, long requestsPerDay, int outputTokens,
                                        BigDecimal cacheHitRate, BigDecimal batchShare) {
        if (inputTokens.isEmpty()) {
            throw new IllegalArgumentException("nothing to estimate: no requests");
        }
        checkShare("cache hit rate", cacheHitRate);
        checkShare("batch share", batchShare);
        if (costs.entry(null, model).isEmpty()) {
            throw new NoPrice(model);
        }
        BigDecimal online = BigDecimal.ONE.subtract(batchShare);
        BigDecimal usd = BigDecimal.ZERO;
        BigDecimal cny = BigDecimal.ZERO;
        long input = 0;
        String provider = null;
        // CNY: the model's own CNY list price where the catalogue has one (DashScope's China region), else
        // the USD price converted, and said so
        String cnyProvider = costs.catalogue().findAll(model).stream()
                .filter(p -> p.currency() == Currency.CNY).map(dev.llmworkbench.domain.ModelPrice::provider)
                .findFirst().orElse(null);
        for (long t : inputTokens) {
            int tokens = (int) Math.min(Integer.MAX_VALUE, Math.max(0, t));
            input += tokens;
            Usage u = usage(tokens, outputTokens, cacheHitRate);
            CostResult c = costs.cost(null, model, u, false);
            CostResult cn = cnyProvider == null ? c : costs.cost(cnyProvider, model, u, false);
            provider = c.provider();
            if (batchShare.signum() == 0) {
                usd = usd.add(c.totalUsd().amount());
                cny = cny.add(cn.totalCny().amount());
            } else {
                CostResult b = costs.cost(null, model, u, true);
                CostResult bn = cnyProvider == null ? b : costs.cost(cnyProvider, model, u, true);
                usd = usd.add(c.totalUsd().amount().multiply(online)).add(b.totalUsd().amount().multiply(batchShare));
                cny = cny.add(cn.totalCny().amount().multiply(online)).add(bn.totalCny().amount().multiply(batchShare));
            }
        }
        String cnySource = cnyProvider != null ? cnyProvider + " list price"
                : "USD × " + costs.exchangeRate().cnyPerUsd().stripTrailingZeros().toPlainString();
        int n0 = inputTokens.size();
        BigDecimal n = BigDecimal.valueOf(n0);
        BigDecimal perUsd = n0 == 1 ? usd : usd.divide(n, MathContext.DECIMAL64);
        BigDecimal perCny = n0 == 1 ? cny : cny.divide(n, MathContext.DECIMAL64);
        BigDecimal day = BigDecimal.valueOf(requestsPerDay);
        BigDecimal month = day.multiply(BigDecimal.valueOf(DAYS_PER_MONTH));
        long meanInput = BigDecimal.valueOf(input).divide(n, 0, RoundingMode.HALF_UP).longValue();
        return new ModelEstimate(costs.catalogue().resolveAlias(model), provider, meanInput, outputTokens, n0,
                new Money(perUsd, Currency.USD), new Money(perCny, Currency.CNY),
                new Money(perUsd.multiply(day), Currency.USD), new Money(perCny.multiply(day), Currency.CNY),
                new Money(perUsd.multiply(month), Currency.USD), new Money(perCny.multiply(month), Currency.CNY),
                cnySource, tokenizerFor(model));
    }

    /** The mean completion tokens of the history's newest successful requests (up to {@code limit}); 0 when none. */
    public long outputTokensOfHistory(int limit) {
        List<Integer> tokens = history().results().recentCompletionTokens(limit);
        return tokens.isEmpty() ? 0 : Math.round(tokens.stream().mapToInt(Integer::intValue).average().orElse(0));
    }

    /**
     * The pace of the history: {@code requests} that ended over {@code span} (from the oldest of them, within the
     * window looked at, to now) and the requests per day at that pace, rounded up.
     */
    public record HistoryPace(int requests, Duration span, long requestsPerDay) {
        /** "90 requests over 1.0 h of history" / "over 6.5 days". */
        public String describe() {
            double hours = span.toMillis() / 3_600_000.0;
            String over = hours < 48 ? String.format(java.util.Locale.ROOT, "%.1f h", hours)
                    : String.format(java.util.Locale.ROOT, "%.1f days", hours / 24);
            return requests + " requests over " + over + " of history: " + requestsPerDay + " a day at that pace";
        }
    }

    /** The shortest span a pace is taken over: a burst of requests in a minute is not a day's pace. */
    static final Duration MIN_PACE_SPAN = Duration.ofHours(1);

    /**
     * The history's pace over the last {@code days} days (every run kind): its requests over the span they
     * cover, from the oldest of them to now (at least {@link #MIN_PACE_SPAN}, at most the window), per day. One
     * hour of history is not divided by seven days. Null when the window has no request.
     */
    public HistoryPace paceOfHistory(int days) {
        Instant now = history().clock().instant();
        Instant since = now.minus(Duration.ofDays(days));
        int n = history().results().countEndedSince(since);
        Instant oldest = history().results().oldestEndedSince(since);
        if (n == 0 || oldest == null) {
            return null;
        }
        Duration span = Duration.between(oldest, now);
        if (span.compareTo(MIN_PACE_SPAN) < 0) {
            span = MIN_PACE_SPAN;
        }
        BigDecimal perDay = BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(Duration.ofDays(1).toMillis()))
                .divide(BigDecimal.valueOf(span.toMillis()), 0, java.math.RoundingMode.CEILING);
        return new HistoryPace(n, span, perDay.longValueExact());
    }

    /** The requests per day of the history's pace over the last {@code days} days ({@link #paceOfHistory}); 0 when none. */
    public long requestsPerDayOfHistory(int days) {
        HistoryPace p = paceOfHistory(days);
        return p == null ? 0 : p.requestsPerDay();
    }

    /** Each model's cost for the workload. */
    public List<ModelEstimate> estimate(Workload w, List<String> models) {
        List<ModelEstimate> out = new ArrayList<>();
        for (String m : models) {
            out.add(estimateTokens(m, List.of(w.inputTokens()), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()));
        }
        return out;
    }

    /** The mean input tokens of a prompt file (the whole file is one prompt) for a model. */
    public long inputTokensOfFile(Path file, String model) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return estimate(List.of(List.of(Message.user(text))), List.of(model), 1, 0).get(0).inputTokens();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The prompts of the newest single and compare runs of the history. */
    public List<String> historyPrompts(int limit) {
        List<String> out = new ArrayList<>();
        for (RunKind k : List.of(RunKind.SINGLE, RunKind.COMPARE)) {
            for (RunRecord r : history().runs().list(RunQuery.all().withKind(k).page(limit, 0))) {
                if (r.prompt() != null && !r.prompt().isBlank()) {
                    out.add(r.prompt());
                }
            }
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** The mean input tokens of the history's prompts for a model, or 0 when there is none. */
    public long inputTokensOfHistory(String model, int limit) {
        List<String> prompts = historyPrompts(limit);
        if (prompts.isEmpty()) {
            return 0;
        }
        List<List<Message>> reqs = prompts.stream().map(p -> List.of(Message.user(p))).toList();
        return estimate(reqs, List.of(model), 1, 0).get(0).inputTokens();
    }

    /**
     * Replays the prompts through the router: each prompt priced at its routed model vs. at the baseline
     * model, both for the workload's requests per day, output tokens, cache hit rate and batch share.
     */
    public RouterSaving routerSaving(List<String> prompts, String baselineModel, Workload w) {
        if (prompts.isEmpty()) {
            return new RouterSaving(0, baselineModel, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0, Map.of());
        }
        BigDecimal base = BigDecimal.ZERO;
        BigDecimal routed = BigDecimal.ZERO;
        Map<String, Integer> models = new LinkedHashMap<>();
        for (String p : prompts) {
            List<List<Message>> one = List.of(List.of(Message.user(p)));
            base = base.add(estimate(one, List.of(baselineModel), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()).get(0).perMonthUsd().amount());
            String m = history().routing().route(p, Priority.NORMAL, w.outputTokens()).model();
            models.merge(m, 1, Integer::sum);
            routed = routed.add(estimate(one, List.of(m), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()).get(0).perMonthUsd().amount());
        }
        BigDecimal n = BigDecimal.valueOf(prompts.size());
        base = base.divide(n, MathContext.DECIMAL64);
        routed = routed.divide(n, MathContext.DECIMAL64);
        BigDecimal saving = base.subtract(routed);
        double share = base.signum() == 0 ? 0 : saving.divide(base, MathContext.DECIMAL64).doubleValue();
        return new RouterSaving(prompts.size(), baselineModel, base, routed, saving, share, models);
    }
    /** Writes each model's projection as CSV with the columns {@link #CSV_HEADER}, one row a model. */
    public void exportCsv(List<ModelEstimate> rows, Path out) {
        BatchExport.writeTo(out, w -> {
            try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                    .setHeader(CSV_HEADER.toArray(String[]::new)).get())) {
                for (ModelEstimate e : rows) {
                    p.printRecord(e.model(), e.provider(), e.inputTokens(), e.outputTokens(),
                            e.perRequestUsd().amount().toPlainString(), e.perDayUsd().amount().toPlainString(),
                            e.perMonthUsd().amount().toPlainString(), e.perRequestCny().amount().toPlainString(),
                            e.perDayCny().amount().toPlainString(), e.perMonthCny().amount().toPlainString());
                }
            }
        });
    }

    /** The usage a request of {@code input} tokens is priced with: {@code cacheHitRate} of its input cached. */
    public static Usage usage(int input, int output, BigDecimal cacheHitRate) {
        int cached = cacheHitRate.signum() == 0 ? 0
                : BigDecimal.valueOf(input).multiply(cacheHitRate).setScale(0, RoundingMode.HALF_UP).intValue();
        return new Usage(input, output, input + output, null, cached == 0 ? null : cached, false);
    }

    private static void checkShare(String what, BigDecimal v) {
        if (v == null || v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("the " + what + " must be between 0 and 1, was " + v);
        }
    }
}
