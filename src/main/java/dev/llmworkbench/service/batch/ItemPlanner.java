package dev.llmworkbench.service.batch;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.Router;
import dev.llmworkbench.cost.TokenEstimate;
import dev.llmworkbench.domain.BatchItemRecord;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.Reservation;
import dev.llmworkbench.domain.ResultRecord;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ResultRecords;
import dev.llmworkbench.service.chat.SpendHold;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one run of the engine sends for each stored row: its model (the row's, the run's, the router's pick
 * or the profile's default), its request, and its share of the run's budget: everything the provider may
 * bill for it (see {@link CostCalculator#reservation}), reserved before it goes, cut to what is left when
 * asked. Called on the engine's dispatcher thread only.
 */
final class ItemPlanner {
    private final ChatService chat;
    private final BatchTarget target;
    private final BatchSettings settings;
    private final RunBudget budget;
    private final Router router = new Router();
    private final Set<LimiterKey> tiered = ConcurrentHashMap.newKeySet();
    private final Set<LimiterKey> keys = ConcurrentHashMap.newKeySet();

    ItemPlanner(ChatService chat, BatchTarget target, BatchSettings settings, RunBudget budget) {
        this.chat = chat;
        this.target = target;
        this.settings = settings;
        this.budget = budget;
    }

    /** The state of the run's limiter key that holds it back most (a paused or slowed one first), or null. */
    RateLimiter.State limiterState() {
        RateLimiter.State best = null;
        for (LimiterKey k : keys) {
            RateLimiter.State st = chat.limiter().state(k);
            if (best == null || st.severity() > best.severity()) {
                best = st;
            }
        }
        return best;
    }

    /** An item ready to send, its budget reserved ({@code hold} grows when a retry needs more). */
    record Prepared(BatchItemRecord item, BatchRow row, ChatJob job, ItemHold hold, TokenEstimate estimate,
                            String note) {
        BigDecimal worst() {
            return hold.reserved();
        }

        /** The result the store keeps for this row: the outcome, the row's checks, the note of a cut output. */
        ResultRecord result(ChatOutcome o, Instant startedAt, Instant endedAt) {
            Completion c = o.completion();
            Checks.Verdict v = c.ok() ? Checks.evaluate(row.expected(), row.checks(), c.text()) : null;
            return ResultRecords.from(0, job, o, startedAt, endedAt, note).itemId(item.id())
                    .check(v == null ? null : v.passed(), v == null ? null : v.detail()).build();
        }

        Reservation reservation() {
            return new Reservation(hold.reserved(), hold.tokens);
        }
    }

    /** One item's share of the run's budget: the first attempt's worst case, plus one per billed retry. */
    final class ItemHold implements SpendHold {
        private final long answerCap;
        private final long thinkingCap;
        private final long tokens;
        private BigDecimal reserved;

        ItemHold(BigDecimal first, long answerCap, long thinkingCap, long tokens) {
            this.reserved = first;
            this.answerCap = answerCap;
            this.thinkingCap = thinkingCap;
            this.tokens = tokens;
        }

        @Override
        public synchronized boolean reserveAnother(BigDecimal worstUsd) {
            if (!budget.tryReserve(worstUsd)) {
                return false;
            }
            reserved = reserved.add(worstUsd);
            return true;
        }

        @Override
        public long answerTokenCap() {
            return answerCap;
        }

        @Override
        public long thinkingTokenCap() {
            return thinkingCap;
        }

        synchronized BigDecimal reserved() {
            return reserved;
        }
    }

    /**
     * Builds an item's job and reserves its worst case; null when the budget cannot cover it. With
     * {@code clamp}, an item the budget cannot cover gets its {@code max_tokens} cut to what is left
     * (said in its record) before it is refused.
     */
    /**
     * What the control loop would send for a row and reserve for it, nothing reserved: its model, request, input
     * estimate, price key and reservation ({@code reserve} null when the catalogue has no price for it).
     */
    record RowPlan(String model, ChatRequest request, TokenEstimate estimate, String priceProvider,
                   CostCalculator.Reserve reserve) {
    }

    /** The plan of one row (streamed or not); the dry run of a file and the run itself both come here. */
    static RowPlan plan(ChatService chat, ProviderProfile profile, BatchSettings settings, Router router, BatchRow row,
                        boolean stream) {
        String model = row.model() != null ? row.model()
                : settings.model() != null ? settings.model()
                : settings.route() ? router.route(row.prompt()).model()
                : profile.defaultModel() != null ? profile.defaultModel()
                : BatchSettings.DEFAULT_MODEL;
        int maxTokens = row.maxTokens() != null ? row.maxTokens() : settings.effectiveMaxTokens();
        ChatRequest request = ChatRequest.builder(model).messages(row.messages()).maxTokens(maxTokens)
                .temperature(row.temperature()).stream(stream).includeUsage(true).build();
        TokenEstimate estimate = chat.estimateInput(request);
        String pp = chat.priceProvider(profile.name(), model);
        boolean priced = chat.costs().entry(pp, model).isPresent();
        // everything the provider may bill: input, max_tokens and, when the row thinks, its thinking budget
        CostCalculator.Reserve res = priced ? chat.costs().reservation(pp, model, estimate.tokens(), maxTokens,
                request.enableThinking(), request.thinkingBudget()) : null;
        return new RowPlan(model, request, estimate, pp, res);
    }

    Prepared prepare(BatchItemRecord item, boolean clamp) {
        BatchRow row = BatchRow.fromJson(item.rowJson());
        RowPlan plan = plan(chat, target.profile(), settings, router, row, target.stream());
        String model = plan.model();
        ChatRequest request = plan.request();
        int maxTokens = request.maxTokens();
        TokenEstimate estimate = plan.estimate();
        int inputTokens = estimate.tokens();
        String pp = plan.priceProvider();
        CostCalculator.Reserve res = plan.reserve();
        String note = null;
        if (clamp && res != null && budget.cap() != null) {
            BigDecimal left = budget.cap().subtract(budget.spent()).subtract(budget.reserved());
            if (res.usd().amount().compareTo(left) > 0) {
                CostCalculator.Reserve fit = chat.costs().fitting(pp, model, inputTokens, maxTokens,
                        request.enableThinking(), request.thinkingBudget(), left).orElse(null);
                if (fit != null) {
                    List<String> cuts = new ArrayList<>();
                    ChatRequest.Builder b = request.toBuilder();
                    if (fit.answerTokens() < maxTokens) {
                        cuts.add("max_tokens cut from " + maxTokens + " to " + fit.answerTokens());
                        maxTokens = (int) fit.answerTokens();
                        b.maxTokens(maxTokens);
                    }
                    if (fit.thinkingTokens() < res.thinkingTokens()) {
                        cuts.add("thinking_budget cut from " + res.thinkingTokens() + " to " + fit.thinkingTokens());
                        b.thinkingBudget((int) fit.thinkingTokens());
                    }
                    note = String.join(", ", cuts) + ": what was left of the budget";
                    request = b.build();
                    res = fit;
                }
            }
        }
        BigDecimal worst = res == null ? BigDecimal.ZERO : res.usd().amount();
        Priority priority = row.priority() != null ? row.priority() : settings.priority();
        // a batch retries after a cut stream too: the partial text stays in the attempt's record
        ChatJob job = new ChatJob(target.profile(), target.key(), request, priority, target.timeouts(), false, true);
        applyTier(job.limiterKey());
        keys.add(job.limiterKey());
        if (!budget.tryReserve(worst)) {
            return null;
        }
        boolean capped = budget.cap() != null && res != null;
        ItemHold hold = new ItemHold(worst, capped ? res.answerTokens() : 0, capped ? res.thinkingTokens() : 0,
                (long) inputTokens + maxTokens);
        return new Prepared(item, row, job, hold, estimate, note);
    }


    /** The run's --rpm / --tpm as the tier of each limiter key it sends to (once per key). */
    private void applyTier(LimiterKey key) {
        if ((settings.rpm() == null && settings.tpm() == null) || !tiered.add(key)) {
            return;
        }
        RateLimitTier current = chat.limiter().tier(key);
        chat.limiter().setTier(key, new RateLimitTier("run",
                settings.rpm() != null ? settings.rpm() : current.requestsPerMinute(),
                settings.tpm() != null ? settings.tpm() : current.tokensPerMinute()));
    }
}
