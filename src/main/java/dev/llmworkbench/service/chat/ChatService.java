package dev.llmworkbench.service.chat;

import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.client.ChatCall;
import dev.llmworkbench.client.OpenAiClient;
import dev.llmworkbench.cost.ContextWindowCheck;
import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.CostResult;
import dev.llmworkbench.cost.TokenEstimate;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.QuotaHeaders;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.Cancellable;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import dev.llmworkbench.resilience.Scheduler;
import dev.llmworkbench.resilience.Ticker;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs chat requests through the whole service layer: context-window check, budget reservation
 * (worst case), the rate limiter (priority, tokens), the wire client, retries with backoff and
 * Retry-After, then settles the limiter and the budget from the reply's {@code usage}.
 *
 * <p>Threads: {@link #start} returns at once; the observer is called on the limiter's scheduler
 * threads and on the client's (OkHttp's) threads, never on a UI thread.
 */
public final class ChatService {
    /** The output bound assumed for budgets and limits when a request sets no {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS_FOR_LIMITS = 4096;
    /** The longest one request may take, retries and their waits included; no retry starts past it. */
    public static final Duration MAX_TIME_PER_REQUEST = Duration.ofMinutes(10);

    private final ClientPool clients;
    private final RateLimiter limiter;
    private final RetryPolicy retryPolicy;
    private final BudgetLedger ledger;
    private final CostCalculator costs;
    private final TokenEstimator estimator;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Clock clock;
    private final ContextWindowCheck windows;

    public ChatService(ClientPool clients, RateLimiter limiter, RetryPolicy retryPolicy, BudgetLedger ledger,
                       CostCalculator costs, TokenEstimator estimator, Scheduler scheduler, Ticker ticker,
                       Clock clock) {
        this.clients = clients;
        this.limiter = limiter;
        this.retryPolicy = retryPolicy;
        this.ledger = ledger;
        this.costs = costs;
        this.estimator = estimator;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.clock = clock;
        this.windows = new ContextWindowCheck(costs.catalogue());
    }

    /** The wire clients, which a run sizes from its concurrency ({@link ClientPool#ensureCapacity}). */
    public ClientPool clients() {
        return clients;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public BudgetLedger ledger() {
        return ledger;
    }

    public CostCalculator costs() {
        return costs;
    }

    /** The catalogue provider whose price applies to a profile: its own name when priced, else the first entry. */
    public String priceProvider(String profileName, String model) {
        return profileName != null && costs.catalogue().find(profileName, model).isPresent() ? profileName : null;
    }

    /** The price entry that would be used for this job, if any. */
    public Optional<ModelPrice> priceOf(ChatJob job) {
        return costs.entry(priceProvider(job.profile().name(), job.request().model()), job.request().model());
    }

    /** The estimated input tokens of a request (marked as an estimate). */
    public TokenEstimate estimateInput(ChatRequest request) {
        return estimator.estimate(request);
    }

    /**
     * The token count of {@code text} (an answer, or a synthetic prompt's text) for {@code model}, with the model's
     * own tokenizer when the estimator has it; marked as an estimate otherwise.
     */
    public TokenEstimate estimateText(String model, String text) {
        return estimator.estimateText(model, text);
    }

    private RetryPolicy policyFor(ChatJob job) {
        return job.retryAfterPartialOutput() ? retryPolicy.retryingAfterPartialOutput() : retryPolicy;
    }

    /** Starts a job; the outcome future never completes exceptionally. */
    public ChatRun start(ChatJob job, ChatObserver observer) {
        return start(job, observer, null, null);
    }

    /**
     * As {@link #start(ChatJob, ChatObserver)} with the input estimate the caller already made for this very request
     * (a batch estimates each item for its own budget first; null: none) under a caller's own spending cap (a batch
     * run's budget, see {@link SpendHold}; null: none).
     */
    public ChatRun start(ChatJob job, ChatObserver observer, TokenEstimate knownInputEstimate, SpendHold hold) {
        Run run = new Run(job, observer == null ? ChatObserver.NONE : observer, hold);
        run.inputEstimate = knownInputEstimate;
        run.begin();
        return run;
    }

    private final class Run implements ChatRun {
        private final ChatJob job;
        private final ChatObserver observer;
        private final SpendHold hold;
        private final CompletableFuture<ChatOutcome> result = new CompletableFuture<>();
        private final List<Attempt> attempts = new ArrayList<>();
        private final long startNanos = ticker.nanos();
        private final String priceProvider;
        private TokenEstimate inputEstimate;
        private long maxTokens;
        private BigDecimal worstUsd = BigDecimal.ZERO;
        private BudgetLedger.Reservation reservation;
        private double queueMs;
        private int attemptNo;
        private double backoffMs; // the pause before the attempt being made (0 for the first)
        private boolean cancelled;
        /** What the attempts before the current one cost (cut streams are billed for what arrived). */
        private BigDecimal earlierUsd = BigDecimal.ZERO;
        private boolean earlierPriced;
        private CompletableFuture<RateLimiter.Permit> waiting;
        private Cancellable retryTimer;
        private ChatCall call;
        private StreamCap cap;

        Run(ChatJob job, ChatObserver observer, SpendHold hold) {
            this.job = job;
            this.observer = observer;
            this.hold = hold;
            this.priceProvider = priceProvider(job.profile().name(), job.request().model());
        }

        void begin() {
            try {
                prepare();
            } catch (RuntimeException e) {
                // nothing on the request's path may leave it unfinished: the reservation is released in finish
                finish(failure(ApiError.of(ApiError.Kind.BAD_REQUEST, null, "could not prepare the request: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))));
            }
        }

        private void prepare() {
            ChatRequest req = job.request();
            try {
                if (inputEstimate == null) {
                    inputEstimate = estimator.estimate(req);
                }
            } catch (RuntimeException e) {
                finish(failure(ApiError.of(ApiError.Kind.BAD_REQUEST, null,
                        "could not estimate the request's tokens: " + e.getMessage())));
                return;
            }
            maxTokens = req.maxTokens() != null ? req.maxTokens() : DEFAULT_MAX_TOKENS_FOR_LIMITS;
            long windowMax = req.maxTokens() == null ? 0 : maxTokens;
            if (!windows.fits(priceProvider, req.model(), inputEstimate.tokens(), windowMax)) {
                ContextWindowCheck.Result window = windows.check(priceProvider, req.model(), inputEstimate.tokens(),
                        windowMax);
                finish(failure(new ApiError(ApiError.Kind.BAD_REQUEST, null, "context_window", window.message(),
                        false, null, "shorten the prompt or lower max_tokens")));
                return;
            }
            if (costs.entry(priceProvider, req.model()).isPresent()) {
                worstUsd = costs.worstCase(priceProvider, req.model(), inputEstimate.tokens(), maxTokens).amount();
            }
            BudgetLedger.ReserveResult r = ledger.reserve(job.priority(), worstUsd, inputEstimate.tokens() + maxTokens);
            if (r instanceof BudgetLedger.Refused refused) {
                finish(failure(new ApiError(ApiError.Kind.BAD_REQUEST, null, "budget_exceeded",
                        "budget: " + refused.message(), false, null, "raise the budget or wait for the next window")));
                return;
            }
            reservation = ((BudgetLedger.Granted) r).reservation();
            nextAttempt();
        }

        private void nextAttempt() {
            CompletableFuture<RateLimiter.Permit> f;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                retryTimer = null;
                attemptNo++;
                observer.onQueued(inputEstimate.tokens() + maxTokens);
                f = limiter.acquire(job.limiterKey(), job.priority(), inputEstimate.tokens() + maxTokens);
                waiting = f;
            }
            f.whenComplete((permit, err) -> {
                if (err != null) {
                    finishCancelledOrFailed(err);
                    return;
                }
                try {
                    send(permit);
                } catch (RuntimeException e) {
                    // a client that cannot be built (bad CA file, bad proxy): the same request would fail again
                    permit.release();
                    onAttemptDone(permit, failure(new ApiError(ApiError.Kind.NETWORK, null, "client_setup",
                            "could not send: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                            false, null, "check the profile's proxy and CA certificate")).completion());
                }
            });
        }

        private void send(RateLimiter.Permit permit) {
            OpenAiClient client = clients.client(job.profile(), job.key(), job.timeouts());
            ChatCall c;
            synchronized (this) {
                waiting = null;
                queueMs += permit.queueTime().toNanos() / 1e6;
                if (cancelled) {
                    permit.release();
                    return;
                }
                observer.onAttemptStarted(attemptNo);
                long capTokens = hold == null ? 0 : hold.answerTokenCap();
                cap = capTokens > 0 ? new StreamCap(observer, capTokens, hold.thinkingTokenCap(), estimator,
                        job.request().model()) : null;
                c = client.start(job.request(), cap != null ? cap : observer);
                call = c;
                if (cap != null) {
                    cap.attach(c);
                }
            }
            c.result().whenComplete((completion, err) -> {
                Completion done = completion != null ? completion
                        : failure(ApiError.of(ApiError.Kind.NETWORK, null, String.valueOf(err))).completion();
                try {
                    onAttemptDone(permit, done);
                } catch (RuntimeException e) {
                    finish(failure(ApiError.of(ApiError.Kind.NETWORK, null, "the reply could not be handled: "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))));
                }
            });
        }

        private void onAttemptDone(RateLimiter.Permit permit, Completion completion) {
            ApiError error = completion.error();
            if (completion.httpStatus() != null || error == null) {
                limiter.onResponse(job.limiterKey(), error != null && error.kind() == ApiError.Kind.RATE_LIMITED,
                        QuotaHeaders.from(completion.responseHeaders()));
            } else if (error.kind() == ApiError.Kind.RATE_LIMITED) {
                limiter.onResponse(job.limiterKey(), true, QuotaHeaders.NONE);
            }
            StreamCap capped;
            synchronized (this) {
                capped = cap;
            }
            if (error != null && error.kind() == ApiError.Kind.CANCELLED && capped != null && capped.reached()
                    && !isCancelled()) {
                // we stopped the stream at the tokens the reservation covers: what arrived is the answer
                error = null;
                completion = new Completion(completion.id(), completion.model(), completion.text(),
                        completion.reasoning(), completion.toolCalls(), "length", completion.usage(),
                        completion.timing(), null, completion.httpStatus(), completion.responseHeaders());
                completion = completion.withUsage(usageOf(completion));
                synchronized (this) {
                    attempts.add(new Attempt(attemptNo, completion.httpStatus(), null,
                            "stopped at the " + capped.covered() + " output tokens the budget reserved for it", null,
                            backoffMs, null, null));
                }
                permit.settle(completion.usage().totalOrSum());
                finish(priced(completion, true));
                return;
            }
            if (error == null) {
                Usage usage = usageOf(completion);
                permit.settle(usage.totalOrSum());
                if (usage.promptTokens() != null && !usage.estimated()) {
                    estimator.observe(job.request().model(), inputEstimate, usage.promptTokens());
                }
                synchronized (this) {
                    attempts.add(new Attempt(attemptNo, completion.httpStatus(), null, null, null, backoffMs, null, null));
                }
                finish(priced(completion.withUsage(usage), true));
                return;
            }
            boolean outputShown = completion.hasOutput();
            if (outputShown || error.kind() == ApiError.Kind.CANCELLED) {
                permit.settle(usageOf(completion).totalOrSum());
            } else {
                permit.release();
            }
            RetryPolicy.Decision d = error.kind() == ApiError.Kind.CANCELLED
                    ? new RetryPolicy.Decision(false, Duration.ZERO, "cancelled")
                    : policyFor(job).decide(attemptNo, error, outputShown);
            if (d.retry() && ticker.nanos() - startNanos + d.delay().toNanos() > MAX_TIME_PER_REQUEST.toNanos()) {
                d = new RetryPolicy.Decision(false, Duration.ZERO, "not retried: " + attemptNo + " attempts took "
                        + (ticker.nanos() - startNanos) / 1_000_000_000L + " s, the most one request may take is "
                        + MAX_TIME_PER_REQUEST.toMinutes() + " min");
            }
            BigDecimal attemptUsd = null;
            if (d.retry() && outputShown) {
                // the cut attempt was billed for what arrived: count it, and cover the next attempt first
                CostResult cost = costs.cost(priceProvider, job.request().model(), usageOf(completion), job.batchPrice());
                attemptUsd = cost.hasPrice() ? cost.totalUsd().amount() : null;
                if (hold != null && !hold.reserveAnother(worstUsd)) {
                    d = new RetryPolicy.Decision(false, Duration.ZERO,
                            "not retried: the budget cannot cover another attempt");
                    attemptUsd = null;
                }
            }
            Attempt a = new Attempt(attemptNo, completion.httpStatus() != null ? completion.httpStatus() : error.status(),
                    error.kind().wireName(), AttemptWords.happened(error, completion) + "; " + d.reason(), null,
                    backoffMs,
                    outputShown ? completion.text() + (completion.reasoning().isEmpty() ? ""
                            : " [reasoning: " + completion.reasoning() + "]") : null, attemptUsd);
            synchronized (this) {
                attempts.add(a);
                if (d.retry() && !cancelled) {
                    backoffMs = (double) d.delay().toMillis();
                    if (attemptUsd != null) {
                        earlierUsd = earlierUsd.add(attemptUsd);
                        earlierPriced = true;
                    }
                    observer.onRetryScheduled(a, d.delay(), clock.instant().plus(d.delay()));
                    retryTimer = scheduler.schedule(this::nextAttempt, d.delay().toNanos());
                    return;
                }
            }
            // Not retried: a failure with output was probably billed (count what arrived); one without
            // output was not, and keeps whatever usage the server reported (usually none).
            Completion last = completion.withError(explain(error, completion));
            finish(priced(outputShown ? last.withUsage(usageOf(last)) : last, outputShown));
        }

        /** The error a person reads: what happened, how much had arrived, after how many attempts. */
        private ApiError explain(ApiError e, Completion c) {
            String m = AttemptWords.happened(e, c);
            int n;
            synchronized (this) {
                n = attempts.size();
            }
            if (n > 1) {
                m = m + ", " + n + " attempts";
            }
            return e.withMessage(m);
        }

        private synchronized boolean isCancelled() {
            return cancelled;
        }

        private void finishCancelledOrFailed(Throwable err) {
            ApiError e = cancelled ? ApiError.of(ApiError.Kind.CANCELLED, null, "cancelled while waiting in the limiter")
                    : ApiError.of(ApiError.Kind.NETWORK, null, "limiter failed: " + err);
            finish(failure(e));
        }

        private Usage usageOf(Completion c) { // as reported, else estimated (and marked so)
            return AttemptWords.usage(c, inputEstimate, estimator, job.request().model());
        }

        /**
         * The outcome with its cost (earlier billed attempts included); settles or releases the budget
         * reservation.
         */
        private ChatOutcome priced(Completion completion, boolean billed) {
            Money usd = null;
            Money cny = null;
            String note;
            BigDecimal earlier;
            boolean earlierKnown;
            synchronized (this) {
                earlier = earlierUsd;
                earlierKnown = earlierPriced;
            }
            boolean priced = costs.entry(priceProvider, job.request().model()).isPresent();
            if (!billed) {
                if (reservation != null) {
                    if (earlier.signum() > 0) {
                        reservation.settle(earlier, 0, true);
                    } else {
                        reservation.release();
                    }
                }
                Money e = priced || earlierKnown ? new Money(earlier, dev.llmworkbench.domain.Currency.USD) : null;
                return outcome(completion, e, e == null ? null : costs.convert(e, dev.llmworkbench.domain.Currency.CNY),
                        earlier.signum() > 0 ? "the earlier cut attempts were billed for what arrived"
                                : "not billed: no output arrived");
            }
            CostResult cost = costs.cost(priceProvider, job.request().model(), completion.usage(), job.batchPrice());
            if (cost.hasPrice()) {
                usd = cost.totalUsd();
                cny = cost.totalCny();
                if (earlier.signum() > 0) {
                    Money more = new Money(earlier, dev.llmworkbench.domain.Currency.USD);
                    usd = new Money(usd.amount().add(earlier), usd.currency());
                    cny = new Money(cny.amount().add(costs.convert(more, dev.llmworkbench.domain.Currency.CNY).amount()),
                            cny.currency());
                }
                note = costs.breakdown(priceProvider, job.request().model(), completion.usage(), job.batchPrice())
                        .map(b -> b + " = " + cost.totalInPriceCurrency().format() + "; ").orElse("")
                        + cost.provider() + " " + cost.model() + ", prices of " + cost.priceDate()
                        + (cost.verified() ? "" : " (unverified)")
                        + (earlier.signum() > 0 ? "; earlier cut attempts included" : "");
            } else {
                note = "no price for " + job.request().model();
            }
            if (reservation != null) {
                // insist: record the true spend even if a server went past the bound it was given
                reservation.settle(usd == null ? BigDecimal.ZERO : usd.amount(), completion.usage().totalOrSum(), true);
            }
            return outcome(completion, usd, cny, note);
        }

        private ChatOutcome failure(ApiError e) {
            Completion c = new Completion(null, job.request().model(), "", "", List.of(), null, null, null, e, null,
                    Map.of());
            return outcome(c, null, null, null);
        }

        private ChatOutcome outcome(Completion c, Money usd, Money cny, String note) {
            double totalMs = (ticker.nanos() - startNanos) / 1e6;
            List<Attempt> as;
            synchronized (this) {
                as = List.copyOf(attempts);
            }
            return new ChatOutcome(c.withTiming(c.timing().withQueueAndTotal(queueMs, totalMs)), usd, cny, as,
                    queueMs, totalMs, note);
        }

        private void finish(ChatOutcome o) {
            if (reservation != null && reservation.isOpen()) {
                reservation.release();
            }
            result.complete(o);
        }

        @Override
        public void cancel() {
            CompletableFuture<RateLimiter.Permit> w;
            Cancellable t;
            ChatCall c;
            synchronized (this) {
                if (cancelled || result.isDone()) {
                    return;
                }
                cancelled = true;
                w = waiting;
                t = retryTimer;
                c = call;
            }
            if (c != null && !c.result().isDone()) {
                c.cancel(); // the attempt completes as CANCELLED with its partial text
                return;
            }
            if (t != null) {
                t.cancel();
            }
            if (w != null) {
                w.cancel(false);
            }
            if (c != null && c.result().isDone() && !result.isDone()) {
                // between attempts: report the last attempt's text as cancelled
                Completion last = c.result().join().withError(ApiError.of(ApiError.Kind.CANCELLED, null, "cancelled"));
                finish(priced(last.hasOutput() ? last.withUsage(usageOf(last)) : last, last.hasOutput()));
            } else {
                finish(failure(ApiError.of(ApiError.Kind.CANCELLED, null, "cancelled before the request was sent")));
            }
        }

        @Override
        public CompletableFuture<ChatOutcome> result() {
            return result;
        }
    }
}
