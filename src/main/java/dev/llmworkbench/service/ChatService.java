package dev.llmworkbench.service;

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
import dev.llmworkbench.domain.Money;
import dev.llmworkbench.domain.ModelPrice;
import dev.llmworkbench.domain.ToolCall;
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

    public RateLimiter limiter() {
        return limiter;
    }

    public BudgetLedger ledger() {
        return ledger;
    }

    public CostCalculator costs() {
        return costs;
    }

    public TokenEstimator estimator() {
        return estimator;
    }

    /** The catalogue provider whose price applies to a profile: its own name when priced, else the first entry. */
    public String priceProvider(String profileName, String model) {
        if (profileName != null && costs.catalogue().find(profileName, model).isPresent()) {
            return profileName;
        }
        return null;
    }

    /** The price entry that would be used for this job, if any. */
    public Optional<ModelPrice> priceOf(ChatJob job) {
        return costs.entry(priceProvider(job.profile().name(), job.request().model()), job.request().model());
    }

    /** The estimated input tokens of a request (marked as an estimate). */
    public TokenEstimate estimateInput(ChatRequest request) {
        return estimator.estimate(request);
    }

    private RetryPolicy policyFor(ChatJob job) {
        if (!job.retryAfterPartialOutput() || retryPolicy.retryAfterPartialOutput()) {
            return retryPolicy;
        }
        RetryPolicy p = retryPolicy;
        return new RetryPolicy(p.maxAttempts(), p.base(), p.cap(), p.maxRetryAfter(), true, p.random());
    }

    /** Starts a job; the outcome future never completes exceptionally. */
    public ChatRun start(ChatJob job, ChatObserver observer) {
        return start(job, observer, null);
    }

    /**
     * As {@link #start(ChatJob, ChatObserver)} with the input estimate the caller already made for
     * this very request (a batch estimates each item for its own budget first), or null.
     */
    public ChatRun start(ChatJob job, ChatObserver observer, TokenEstimate knownInputEstimate) {
        Run run = new Run(job, observer == null ? ChatObserver.NONE : observer);
        run.inputEstimate = knownInputEstimate;
        run.begin();
        return run;
    }

    /** Runs a job and waits for its outcome. */
    public ChatOutcome run(ChatJob job, ChatObserver observer) {
        return start(job, observer).await();
    }

    private final class Run implements ChatRun {
        private final ChatJob job;
        private final ChatObserver observer;
        private final CompletableFuture<ChatOutcome> result = new CompletableFuture<>();
        private final List<Attempt> attempts = new ArrayList<>();
        private final long startNanos = ticker.nanos();
        private final String priceProvider;
        private TokenEstimate inputEstimate;
        private long maxTokens;
        private BudgetLedger.Reservation reservation;
        private double queueMs;
        private int attemptNo;
        private boolean cancelled;
        private CompletableFuture<RateLimiter.Permit> waiting;
        private Cancellable retryTimer;
        private ChatCall call;

        Run(ChatJob job, ChatObserver observer) {
            this.job = job;
            this.observer = observer;
            this.priceProvider = priceProvider(job.profile().name(), job.request().model());
        }

        void begin() {
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
            ContextWindowCheck.Result window = windows.check(priceProvider, req.model(), inputEstimate.tokens(), req.maxTokens() == null ? 0 : maxTokens);
            if (!window.allowed()) {
                finish(failure(new ApiError(ApiError.Kind.BAD_REQUEST, null, "context_window", window.message(),
                        false, null, "shorten the prompt or lower max_tokens")));
                return;
            }
            BigDecimal worstUsd = BigDecimal.ZERO;
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
                send(permit);
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
                c = client.start(job.request(), observer);
                call = c;
            }
            c.result().whenComplete((completion, err) -> {
                Completion done = completion != null ? completion
                        : failure(ApiError.of(ApiError.Kind.NETWORK, null, String.valueOf(err))).completion();
                onAttemptDone(permit, done);
            });
        }

        private void onAttemptDone(RateLimiter.Permit permit, Completion completion) {
            ApiError error = completion.error();
            if (error == null) {
                Usage usage = usageOf(completion);
                permit.settle(usage.totalOrSum());
                if (usage.promptTokens() != null && !usage.estimated()) {
                    estimator.observe(job.request().model(), inputEstimate, usage.promptTokens());
                }
                synchronized (this) {
                    attempts.add(new Attempt(attemptNo, completion.httpStatus(), null, 0, "ok"));
                }
                finish(priced(completion.withUsage(usage), true));
                return;
            }
            if (error.kind() == ApiError.Kind.RATE_LIMITED) {
                limiter.onRateLimited(job.limiterKey(), error.retryAfter());
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
            Attempt a = new Attempt(attemptNo, completion.httpStatus() != null ? completion.httpStatus() : error.status(),
                    error.kind().wireName(), d.retry() ? d.delay().toMillis() : 0, d.reason());
            synchronized (this) {
                attempts.add(a);
                if (d.retry() && !cancelled) {
                    observer.onRetryScheduled(a, d.delay(), clock.instant().plus(d.delay()));
                    retryTimer = scheduler.schedule(this::nextAttempt, d.delay().toNanos());
                    return;
                }
            }
            // Not retried: a failure with output was probably billed (count what arrived); one without
            // output was not, and keeps whatever usage the server reported (usually none).
            finish(priced(outputShown ? completion.withUsage(usageOf(completion)) : completion, outputShown));
        }

        private void finishCancelledOrFailed(Throwable err) {
            ApiError e = cancelled ? ApiError.of(ApiError.Kind.CANCELLED, null, "cancelled while waiting in the limiter")
                    : ApiError.of(ApiError.Kind.NETWORK, null, "limiter failed: " + err);
            finish(failure(e));
        }

        /** Usage as reported, or estimated when the server gave none (marked estimated). */
        private Usage usageOf(Completion c) {
            Usage u = c.usage();
            if (u != null && u.completionTokens() != null && u.promptTokens() != null) {
                return u;
            }
            int prompt = u != null && u.promptTokens() != null ? u.promptTokens() : inputEstimate.tokens();
            int completion = u != null && u.completionTokens() != null ? u.completionTokens()
                    : estimator.countText(c.text()) + estimator.countText(c.reasoning()) + toolCallTokens(c.toolCalls());
            int reasoning = u != null && u.reasoningTokens() != null ? u.reasoningTokens()
                    : estimator.countText(c.reasoning());
            return new Usage(prompt, completion, prompt + completion, reasoning, u == null ? null : u.cachedTokens(), true);
        }

        private int toolCallTokens(List<ToolCall> calls) {
            int n = 0;
            for (ToolCall t : calls) {
                n += estimator.countText(t.name()) + estimator.countText(t.arguments());
            }
            return n;
        }

        /** The outcome with its cost; settles or releases the budget reservation. */
        private ChatOutcome priced(Completion completion, boolean billed) {
            Money usd = null;
            Money cny = null;
            String note;
            if (!billed) {
                if (reservation != null) {
                    reservation.release();
                }
                boolean priced = costs.entry(priceProvider, job.request().model()).isPresent();
                return outcome(completion, priced ? Money.zero(dev.llmworkbench.domain.Currency.USD) : null,
                        priced ? Money.zero(dev.llmworkbench.domain.Currency.CNY) : null, "not billed: no output arrived");
            }
            CostResult cost = costs.cost(priceProvider, job.request().model(), completion.usage(), job.batchPrice());
            if (cost.hasPrice()) {
                usd = cost.totalUsd();
                cny = cost.totalCny();
                note = cost.provider() + " " + cost.model() + ", prices of " + cost.priceDate()
                        + (cost.verified() ? "" : " (unverified)");
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
