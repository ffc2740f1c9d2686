package dev.llmworkbench.service.bench;

import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.metrics.Slo;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Latency benchmarks through the {@link ChatService} it is given (build it without retries: a benchmark measures
 * the server, and our limiter is opened wide for the run). A level is either closed-loop (a fixed number of
 * requests in flight, each new one sent as one ends) or open-loop (sends at scheduled times: constant, Poisson or
 * gamma arrivals at a rate, optionally capped at {@code maxConcurrency} in flight, so that a slow server shows as
 * a growing lag between the schedule and the sends instead of as a lower load). Before each level,
 * {@link BenchPlan#warmup} requests are sent and not counted. A capacity search ({@link BenchPlan#findMax})
 * doubles the load until the SLOs' goodput is missed, then bisects, in at most {@link #MAX_SEARCH_STEPS} levels.
 *
 * <p>Runs on the calling thread, which it blocks until done (open-loop sends are paced on it); requests end on
 * the client's threads, where {@link BenchListener#onRequest} is called. Interrupting the calling thread stops
 * the run: no further request is sent (those in flight end on their own) and {@code run} throws
 * {@link InterruptedException}.
 */
public final class BenchService {
    private static final Logger LOG = Logger.getLogger(BenchService.class.getName());
    /** The most levels a capacity search runs. */
    public static final int MAX_SEARCH_STEPS = 12;
    /** The highest concurrency (and rate) a capacity search tries. */
    static final int SEARCH_CAP = 1024;
    /** Calls in flight the client allows in an open loop without {@code maxConcurrency}. */
    static final int OPEN_LOOP_CAPACITY = 512;
    /** Common words of one token each (with their leading space) in the usual BPE vocabularies. */
    static final String[] WORDS = ("the of and to in is it that for on with as was at by be this from or "
            + "are an but not have all one had they you were her his she there can we which their been has more if "
            + "will who when what out so up said about into than them only other some time could new these two may "
            + "first then do any like my now over such our man me even most made after also did many before must "
            + "through back years where much your way well down should because each just those people how too little "
            + "state good very make world still own see men work long get here between both life being under never day "
            + "same another know while last might us great old year off come since against go came right used take "
            + "three").split(" ");

    /** Time and waits for the open loop's schedule; {@link #SYSTEM} in use, a fake in tests of the pacing. */
    public interface Pacer {
        Pacer SYSTEM = new Pacer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadline) throws InterruptedException {
                long rem;
                while ((rem = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(rem);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        };

        long nanoTime();

        void sleepUntil(long deadlineNanos) throws InterruptedException;
    }

    private final ChatService chat;
    private final Clock clock;
    private final Pacer pacer;

    public BenchService(ChatService chat, Clock clock) {
        this(chat, clock, Pacer.SYSTEM);
    }

    public BenchService(ChatService chat, Clock clock, Pacer pacer) {
        this.chat = chat;
        this.clock = clock;
        this.pacer = pacer;
    }

    /** The timeouts of a benchmark's requests: long enough for a loaded server, never retried. */
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(600),
            Duration.ofSeconds(60), Duration.ofSeconds(600));

    /** One benchmark: where to send, whether to stream, and what to do. */
    private final class Run {
        final ProviderProfile profile;
        final ApiKey key;
        final boolean stream;
        final BenchPlan plan;
        final BenchListener listener;
        final Slo slo;
        final List<LevelResult> levels = new ArrayList<>();
        final List<List<RequestResult>> requests = new ArrayList<>();
        /** Made once a run asks for prompts of a given length; each word's tokens counted once. */
        private volatile SyntheticPrompts prompts;

        Run(ProviderProfile profile, ApiKey key, boolean stream, BenchPlan plan, BenchListener listener) {
            this.profile = profile;
            this.key = key;
            this.stream = stream;
            this.plan = plan;
            this.listener = listener == null ? BenchListener.NONE : listener;
            this.slo = new Slo(plan.sloTtftMs(), plan.sloTpotMs(), plan.sloE2eMs());
        }

        LevelResult level(BenchResult.Load load) throws InterruptedException {
            int index = levels.size();
            int warmup;
            int warmupConcurrency;
            if (load.rate()) {
                warmup = plan.warmupForRate(load.value());
                warmupConcurrency = plan.warmupConcurrency(load.value());
            } else {
                warmup = plan.warmupFor((int) load.value());
                warmupConcurrency = (int) load.value();
            }
            safely(() -> listener.onLevelStarted(index, load, warmup));
            if (warmup > 0) {
                closed(index, warmupConcurrency, warmup, null, false);
            }
            List<RequestResult> measured = load.rate() ? open(index, load.value())
                    : closed(index, (int) load.value(), plan.requests(), plan.durationS(), true);
            LevelResult l = LevelResult.of(load, warmup, measured, slo);
            levels.add(l);
            requests.add(measured);
            safely(() -> listener.onLevelDone(index, l));
            return l;
        }

        /** A closed loop: {@code concurrency} in flight until {@code count} are sent or {@code durationS} is over. */
        List<RequestResult> closed(int level, int concurrency, Integer count, Double durationS, boolean measured)
                throws InterruptedException {
            List<RequestResult> out = Collections.synchronizedList(new ArrayList<>());
            ClosedLoop loop = new ClosedLoop(level, count, durationS, measured, out);
            for (int i = 0; i < concurrency; i++) {
                loop.next();
            }
            try {
                await(loop.done);
            } catch (InterruptedException e) {
                // stopped: the requests in flight end on their own, no new one is sent
                synchronized (loop) {
                    loop.stopped = true;
                }
                throw e;
            }
            return new ArrayList<>(out);
        }

        private final class ClosedLoop {
            final int level;
            final Integer count;
            final long t0;
            final long end;
            final boolean measured;
            final List<RequestResult> out;
            final CompletableFuture<Void> done = new CompletableFuture<>();
            int launched;
            int inFlight;
            boolean stopped;

            ClosedLoop(int level, Integer count, Double durationS, boolean measured, List<RequestResult> out) {
                this.level = level;
                this.count = count;
                this.t0 = pacer.nanoTime();
                this.end = durationS == null ? Long.MAX_VALUE : t0 + (long) (durationS * 1e9);
                this.measured = measured;
                this.out = out;
            }

            void next() {
                int index;
                synchronized (this) {
                    boolean more = !stopped && (count != null ? launched < count : pacer.nanoTime() - end < 0);
                    if (!more) {
                        if (inFlight == 0) {
                            done.complete(null);
                        }
                        return;
                    }
                    index = launched++;
                    inFlight++;
                }
                double at = (pacer.nanoTime() - t0) / 1e6;
                send(level, index, at, t0, measured, r -> {
                    if (measured) {
                        out.add(r);
                    }
                    synchronized (this) {
                        inFlight--;
                    }
                    next();
                });
            }
        }

        /** An open loop: sends at the arrival schedule's times, at most {@code maxConcurrency} in flight. */
        List<RequestResult> open(int level, double rate) throws InterruptedException {
            double[] schedule = plan.arrival().schedule(rate, plan.requests(), plan.durationS(),
                    plan.seed() + 1_000_003L * level);
            List<RequestResult> out = Collections.synchronizedList(new ArrayList<>(schedule.length));
            Semaphore slots = plan.maxConcurrency() == null ? null : new Semaphore(plan.maxConcurrency());
            CountDownLatch done = new CountDownLatch(schedule.length);
            long t0 = pacer.nanoTime();
            for (int i = 0; i < schedule.length; i++) {
                pacer.sleepUntil(t0 + (long) (schedule[i] * 1e9));
                if (slots != null) {
                    slots.acquire();
                }
                send(level, i, schedule[i] * 1000.0, t0, true, r -> {
                    if (slots != null) {
                        slots.release();
                    }
                    out.add(r);
                    done.countDown();
                });
            }
            done.await();
            return new ArrayList<>(out);
        }

        void send(int level, int index, double scheduledMs, long t0, boolean measured, Consumer<RequestResult> then) {
            SplittableRandom rnd = new SplittableRandom(plan.seed() * 0x9E3779B97F4A7C15L + level * 1_000_003L
                    + index + (measured ? 0 : 0x5DEECE66DL));
            int maxTokens = plan.outputTokens() != null ? plan.outputTokens().sample(rnd) : plan.maxTokens();
            Integer inputTokens = plan.inputTokens() == null ? null : plan.inputTokens().sample(rnd);
            ChatRequest request = request(inputTokens == null ? plan.prompt() : prompt(inputTokens, rnd), maxTokens);
            ChatJob job = new ChatJob(profile, key, request, Priority.CRITICAL, TIMEOUTS, false, false);
            long call = pacer.nanoTime();
            Instant at = clock.instant();
            chat.start(job, null).result().whenComplete((o, err) -> {
                long doneNs = pacer.nanoTime();
                RequestResult r = measure(level, index, scheduledMs, (call - t0) / 1e6, (doneNs - t0) / 1e6, at, o,
                        inputTokens, maxTokens);
                then.accept(r);
                if (measured) {
                    safely(() -> listener.onRequest(r));
                    if (o != null) {
                        safely(() -> listener.onOutcome(job, o, at.plusNanos((long) (o.queueMs() * 1e6))));
                    }
                }
            });
        }

        ChatRequest request(String text, int maxTokens) {
            ChatRequest.Builder b = ChatRequest.builder(plan.model()).user(text).maxTokens(maxTokens).stream(stream)
                    .includeUsage(true).enableThinking(plan.thinking());
            if (plan.outputTokens() != null) {
                Dialect d = profile.dialect();
                if (d.takesMinTokens()) {
                    b.extra("min_tokens", maxTokens);
                }
                if (d.takesIgnoreEos()) {
                    b.extra("ignore_eos", true);
                }
            }
            return b.build();
        }

        /** A prompt of {@code tokens} tokens by the model's tokenizer: common words, different for every request. */
        String prompt(int tokens, SplittableRandom rnd) {
            SyntheticPrompts p = prompts;
            if (p == null) {
                p = new SyntheticPrompts(text -> chat.estimateText(plan.model(), text).rawTokens(), WORDS);
                prompts = p;
            }
            String made = p.prompt(tokens, rnd);
            if (made == null) { // every tokenizer the catalogue can name has words of one token ("the")
                throw new IllegalStateException("no word of one token for " + plan.model() + "'s tokenizer");
            }
            return made;
        }

        RequestResult measure(int level, int index, double scheduledMs, double calledMs, double doneMs, Instant at,
                              ChatOutcome o, Integer inputTokens, int maxTokens) {
            if (o == null) {
                return new RequestResult(level, index, scheduledMs, calledMs, doneMs, at, null, null, null, null,
                        List.of(), null, false, 0, inputTokens, maxTokens, null, ApiError.Kind.NETWORK.wireName(),
                        "the request ended without an outcome");
            }
            Completion c = o.completion();
            Timing t = c.timing();
            Integer tokens = null;
            boolean fromUsage = false;
            if (c.usage() != null && c.usage().completionTokens() != null) {
                // the chat service fills in an estimate (marked so) when the server sent no usage
                tokens = c.usage().completionTokens();
                fromUsage = !c.usage().estimated();
            } else if (c.hasOutput()) {
                String text = c.reasoning() + c.text();
                for (var call : c.toolCalls()) {
                    text += call.arguments() == null ? "" : call.arguments();
                }
                tokens = chat.estimateText(plan.model(), text).rawTokens();
            }
            int chunks = t.ttftMs() == null ? 0 : t.chunkGapsMs().size() + 1;
            ApiError e = c.error();
            return new RequestResult(level, index, scheduledMs, calledMs + o.queueMs(), doneMs, at, t.ttftMs(),
                    t.ttfoMs(), Timing.tpot(t.ttftMs(), t.e2eMs(), tokens), t.e2eMs(), t.chunkGapsMs(), tokens,
                    fromUsage, chunks, inputTokens, maxTokens, c.httpStatus(), e == null ? null : e.kind().wireName(),
                    e == null ? null : e.describe());
        }

        BenchResult sweep() throws InterruptedException {
            if (plan.openLoop()) {
                for (double r : plan.rates()) {
                    level(BenchResult.Load.rate(r));
                }
            } else {
                for (int c : plan.concurrencies()) {
                    level(BenchResult.Load.concurrency(c));
                }
            }
            return new BenchResult(levels, null, requests);
        }

        BenchResult search() throws InterruptedException {
            boolean byRate = plan.findMax() == BenchPlan.FindMax.RATE;
            double start = byRate ? (plan.rates().isEmpty() ? 1.0 : plan.rates().get(0))
                    : (plan.concurrencies().isEmpty() ? 1 : plan.concurrencies().get(0));
            SearchOutcome o = BenchService.search(plan.findMax(), start, load -> level(byRate
                    ? BenchResult.Load.rate(load) : BenchResult.Load.concurrency((int) load)).meets(plan.goodputMin()));
            BenchResult.Search s = new BenchResult.Search(plan.findMax(), plan.sloTtftMs(), plan.sloTpotMs(),
                    plan.sloE2eMs(), plan.goodputMin(), o.max(), o.firstMiss(), o.steps(), o.bounded());
            return new BenchResult(levels, s, requests);
        }
    }

    /** One step of a capacity search: runs a level at {@code load} and says whether it met the SLOs. */
    @FunctionalInterface
    interface Step {
        boolean meets(double load) throws InterruptedException;
    }

    /** Where a search ended: the highest load that met (null: none), the lowest that missed (null: none). */
    record SearchOutcome(Double max, Double firstMiss, int steps, boolean bounded) {
    }

    /**
     * The capacity search: doubles from {@code start} until a load misses (or {@link #SEARCH_CAP}), then bisects
     * between the highest load that met and the lowest that missed until they are one step apart (concurrency)
     * or within 5% (rate), in at most {@link #MAX_SEARCH_STEPS} steps.
     */
    static SearchOutcome search(BenchPlan.FindMax by, double start, Step step) throws InterruptedException {
        boolean byRate = by == BenchPlan.FindMax.RATE;
        double load = start;
        Double lo = null;
        Double hi = null;
        int steps = 0;
        boolean capped = false;
        // exponential: double until a load misses
        while (steps < MAX_SEARCH_STEPS) {
            boolean meets = step.meets(load);
            steps++;
            if (!meets) {
                hi = load;
                break;
            }
            lo = load;
            if (load >= SEARCH_CAP) {
                capped = true;
                break;
            }
            load = Math.min(SEARCH_CAP, load * 2);
        }
        // bisection between the highest that met and the lowest that missed
        while (hi != null && steps < MAX_SEARCH_STEPS && !narrow(byRate, lo, hi)) {
            double base = lo == null ? 0 : lo;
            double mid = byRate ? (base + hi) / 2 : Math.floor((base + hi) / 2);
            boolean meets = step.meets(mid);
            steps++;
            if (meets) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        boolean bounded = !capped && (hi == null || !narrow(byRate, lo, hi));
        return new SearchOutcome(lo, hi, steps, bounded);
    }

    /** Whether a search has narrowed to one step: concurrencies next to each other, rates within 5%. */
    private static boolean narrow(boolean byRate, Double lo, double hi) {
        if (byRate) {
            return lo != null && hi - lo <= 0.05 * hi;
        }
        return lo == null ? hi <= 1 : hi - lo <= 1;
    }

    /**
     * Runs the plan against {@code profile} and blocks until done: the levels in order, or a capacity search.
     *
     * @param stream whether to stream (without it only end-to-end is measured)
     */
    public BenchResult run(ProviderProfile profile, ApiKey key, boolean stream, BenchPlan plan, BenchListener listener)
            throws InterruptedException {
        // measure the server, not our limiter
        chat.limiter().setTier(dev.llmworkbench.domain.LimiterKey.of(profile.name(), plan.model()),
                new RateLimitTier("bench", 1_000_000, 1_000_000_000_000L));
        int capacity;
        if (plan.openLoop()) {
            capacity = plan.maxConcurrency() != null ? plan.maxConcurrency() : OPEN_LOOP_CAPACITY;
        } else if (plan.findMax() != null) {
            capacity = SEARCH_CAP;
        } else {
            capacity = plan.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(1);
        }
        // the dispatcher runs the largest level at once, on as many threads: a call never waits in OkHttp's queue
        chat.clients().ensureCapacity(capacity);
        Run run = new Run(profile, key, stream, plan, listener);
        return plan.findMax() != null ? run.search() : run.sweep();
    }

    private static void await(CompletableFuture<Void> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmark level failed", e.getCause());
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a benchmark listener failed: " + e.getMessage());
        }
    }
}
