package dev.llmworkbench.service.estimate;

import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.RunKind;
import dev.llmworkbench.domain.RunQuery;
import dev.llmworkbench.domain.RunRecord;
import dev.llmworkbench.store.ResultStore;
import dev.llmworkbench.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The desktop estimator's use cases over {@link EstimateService}: a workload of typed-in token counts, a
 * prompt file or the history's prompts, priced per model; and the saving of the router, from replaying
 * the history's prompts through it.
 */
public final class EstimatePlanner {
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

    private final EstimateService estimates;
    private final RoutingService routing;
    private final RunStore runs;
    private final ResultStore results;
    private final java.time.Clock clock;

    public EstimatePlanner(EstimateService estimates, RoutingService routing, RunStore runs, ResultStore results,
                           java.time.Clock clock) {
        this.estimates = Objects.requireNonNull(estimates);
        this.routing = Objects.requireNonNull(routing);
        this.runs = Objects.requireNonNull(runs);
        this.results = Objects.requireNonNull(results);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The mean completion tokens of the history's newest successful requests (up to {@code limit}); 0 when none. */
    public long outputTokensOfHistory(int limit) {
        List<Integer> tokens = results.recentCompletionTokens(limit);
        return tokens.isEmpty() ? 0 : Math.round(tokens.stream().mapToInt(Integer::intValue).average().orElse(0));
    }

    /** The requests per day of the last {@code days} days of history (every run kind), rounded up; 0 when none. */
    public long requestsPerDayOfHistory(int days) {
        int n = results.countEndedSince(clock.instant().minus(java.time.Duration.ofDays(days)));
        return n == 0 ? 0 : (n + days - 1) / days;
    }

    public EstimateService estimates() {
        return estimates;
    }

    /** Each model's cost for the workload. */
    public List<EstimateService.ModelEstimate> estimate(Workload w, List<String> models) {
        List<EstimateService.ModelEstimate> out = new ArrayList<>();
        for (String m : models) {
            out.add(estimates.estimateTokens(m, List.of(w.inputTokens()), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()));
        }
        return out;
    }

    /** The mean input tokens of a prompt file (the whole file is one prompt) for a model. */
    public long inputTokensOfFile(Path file, String model) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return estimates.estimate(List.of(List.of(Message.user(text))), List.of(model), 1, 0).get(0).inputTokens();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The prompts of the newest single and compare runs of the history. */
    public List<String> historyPrompts(int limit) {
        List<String> out = new ArrayList<>();
        for (RunKind k : List.of(RunKind.SINGLE, RunKind.COMPARE)) {
            for (RunRecord r : runs.list(RunQuery.all().withKind(k).page(limit, 0))) {
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
        return estimates.estimate(reqs, List.of(model), 1, 0).get(0).inputTokens();
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
            base = base.add(estimates.estimate(one, List.of(baselineModel), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()).get(0).perMonthUsd().amount());
            String m = routing.route(p, Priority.NORMAL, w.outputTokens()).model();
            models.merge(m, 1, Integer::sum);
            routed = routed.add(estimates.estimate(one, List.of(m), w.requestsPerDay(), w.outputTokens(),
                    w.cacheHitRate(), w.batchShare()).get(0).perMonthUsd().amount());
        }
        BigDecimal n = BigDecimal.valueOf(prompts.size());
        base = base.divide(n, MathContext.DECIMAL64);
        routed = routed.divide(n, MathContext.DECIMAL64);
        BigDecimal saving = base.subtract(routed);
        double share = base.signum() == 0 ? 0 : saving.divide(base, MathContext.DECIMAL64).doubleValue();
        return new RouterSaving(prompts.size(), baselineModel, base, routed, saving, share, models);
    }
}
