package dev.llmworkbench.service.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.metrics.LatencySummary;
import dev.llmworkbench.metrics.RequestSample;
import dev.llmworkbench.metrics.RunSummary;
import dev.llmworkbench.metrics.Slo;
import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatService;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark runs: {@code requests} copies of one request at each concurrency of a sweep (1 = one after
 * another), through the {@link ChatService} it is given (build it without retries unless asked), with
 * TTFT, TTFO, TPOT and end-to-end percentiles, throughput, errors and goodput per level.
 */
public final class BenchService {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(BenchService.class.getName());
    /** One level of the sweep. */
    public record Level(int concurrency, RunSummary summary) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("concurrency", concurrency);
            o.addProperty("requests", summary.count());
            o.addProperty("errors", summary.errors());
            o.add("ttft_ms", stats(summary.ttft()));
            o.add("ttfo_ms", stats(summary.ttfo()));
            o.add("tpot_ms", stats(summary.tpot()));
            o.add("e2e_ms", stats(summary.e2e()));
            o.add("output_tokens_per_s", num(summary.outputTokensPerSecond()));
            o.add("goodput", num(summary.goodput()));
            return o;
        }
    }

    /** The benchmark's JSON: {@code levels}, one object per concurrency. */
    public static JsonObject toJson(List<Level> levels) {
        JsonObject o = new JsonObject();
        JsonArray a = new JsonArray();
        levels.forEach(l -> a.add(l.toJson()));
        o.add("levels", a);
        return o;
    }

    private static JsonObject stats(LatencySummary s) {
        JsonObject o = new JsonObject();
        o.add("p50", num(s.p50()));
        o.add("p95", num(s.p95()));
        o.add("p99", num(s.p99()));
        o.add("mean", num(s.mean()));
        return o;
    }

    private static JsonElement num(Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            return JsonNull.INSTANCE;
        }
        return new JsonPrimitive(BigDecimal.valueOf(Math.round(d * 1000.0) / 1000.0));
    }

    private final ChatService chat;
    private final Clock clock;

    public BenchService(ChatService chat, Clock clock) {
        this.chat = chat;
        this.clock = clock;
    }

    /** Runs every level in turn; blocks until done. */
    public List<Level> run(ChatJob job, int requests, List<Integer> concurrencies, Slo slo) throws InterruptedException {
        return run(job, requests, concurrencies, slo, null);
    }

    /** What to do with each request's outcome as it ends (e.g. store it); called on the client's threads. */
    @FunctionalInterface
    public interface ResultSink {
        void accept(ChatOutcome outcome, java.time.Instant startedAt);
    }

    /**
     * As {@link #run(ChatJob, int, List, Slo)}, handing every request's outcome to {@code sink} (may be null)
     * as it ends; a sink that throws does not stop the benchmark.
     */
    public List<Level> run(ChatJob job, int requests, List<Integer> concurrencies, Slo slo, ResultSink sink)
            throws InterruptedException {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1");
        }
        // the dispatcher runs the largest level at once, on as many threads, never more
        chat.clients().ensureCapacity(concurrencies.stream().mapToInt(Integer::intValue).max().orElse(1));
        List<Level> out = new ArrayList<>();
        for (int c : concurrencies) {
            if (c < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, was " + c);
            }
            out.add(new Level(c, RunSummary.of(level(job, requests, c, sink), slo)));
        }
        return out;
    }

    private List<RequestSample> level(ChatJob job, int requests, int concurrency, ResultSink sink)
            throws InterruptedException {
        List<RequestSample> samples = Collections.synchronizedList(new ArrayList<>(requests));
        CountDownLatch done = new CountDownLatch(requests);
        AtomicInteger next = new AtomicInteger();
        for (int i = 0; i < Math.min(concurrency, requests); i++) {
            launch(job, requests, next, samples, done, sink);
        }
        done.await();
        return new ArrayList<>(samples);
    }

    private void launch(ChatJob job, int requests, AtomicInteger next, List<RequestSample> samples,
                        CountDownLatch done, ResultSink sink) {
        if (next.getAndIncrement() >= requests) {
            return;
        }
        long start = clock.millis();
        chat.start(job, null).result().whenComplete((o, err) -> {
            samples.add(sample(job, o, start));
            // the next request first: storing this one's result must not widen the gap the server sees
            launch(job, requests, next, samples, done, sink);
            if (sink != null && o != null) {
                try {
                    sink.accept(o, java.time.Instant.ofEpochMilli(start));
                } catch (RuntimeException e) {
                    LOG.log(java.util.logging.Level.WARNING, "a benchmark result was not stored: " + e.getMessage());
                }
            }
            done.countDown();
        });
    }

    private static RequestSample sample(ChatJob job, ChatOutcome o, long start) {
        if (o == null) {
            return RequestSample.failed(job.request().model(), start);
        }
        Completion c = o.completion();
        Integer out = c.usage() != null && c.usage().completionTokens() != null ? c.usage().completionTokens()
                : c.timing().outputTokens();
        return new RequestSample(c.model() == null ? job.request().model() : c.model(), c.timing().ttftMs(),
                c.timing().ttfoMs(), c.timing().tpotMs(), c.timing().e2eMs(), out, !c.ok(),
                start + (long) o.queueMs());
    }
}
