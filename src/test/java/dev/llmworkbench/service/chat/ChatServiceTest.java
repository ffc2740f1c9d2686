package dev.llmworkbench.service.chat;

import dev.llmworkbench.cost.CostCalculator;
import dev.llmworkbench.cost.ExchangeRate;
import dev.llmworkbench.cost.PriceCatalogue;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.cost.Tokenizer;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.Attempt;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.resilience.BudgetLedger;
import dev.llmworkbench.resilience.FakeTime;
import dev.llmworkbench.resilience.RateLimitTier;
import dev.llmworkbench.resilience.RateLimiter;
import dev.llmworkbench.resilience.RetryPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;



/**
 * The service layer end to end over real HTTP (mockwebserver3), with the limiter, retries and the
 * budget on fake time: retry waits are fake, network timeouts real and short.
 */
class ChatServiceTest {
    private static final String MODEL = "qwen3-235b-a22b";

    @StartStop
    final MockWebServer server = new MockWebServer();

    private FakeTime time;
    private RateLimiter limiter;
    private BudgetLedger ledger;
    private CostCalculator costs;
    private ClientPool clients;
    private ChatService service;

    @BeforeEach
    void setUp() {
        time = new FakeTime(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        limiter = new RateLimiter(time, time, time.clock(), RateLimiter.Config.defaults());
        ledger = new BudgetLedger(time.clock(), ZoneOffset.UTC);
        costs = new CostCalculator(PriceCatalogue.loadBundled(), ExchangeRate.MARKET_DEFAULT);
        clients = ClientPool.create();
        RetryPolicy retry = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60),
                false, () -> 0.5);
        service = new ChatService(clients, limiter, retry, ledger, costs, new TokenEstimator(), time, time,
                time.clock());
    }

    @AfterEach
    void tearDown() {
        clients.close();
    }

    private ChatJob job(String prompt) {
        ProviderProfile profile = ProviderProfile.of("test", server.url("/v1").toString());
        ChatRequest req = ChatRequest.builder(MODEL).user(prompt).maxTokens(100).build();
        Timeouts t = new Timeouts(Duration.ofMillis(500), Duration.ofMillis(2000), Duration.ofMillis(2000),
                Duration.ofSeconds(5));
        return ChatJob.of(profile, null, req).withTimeouts(t);
    }

    private static String chunk(String content, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
    }

    private static MockResponse stream(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            sb.append(chunk(parts[i], i == parts.length - 1 ? "stop" : null));
        }
        sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL + "\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":2000,\"total_tokens\":3000}}\n\n");
        sb.append("data: [DONE]\n\n");
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(sb.toString()).build();
    }

    /** Runs fake time forward whenever the job waits on it, until the outcome is known. */
    private ChatOutcome pump(ChatRun run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                return run.result().get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (time.pendingTasks() > 0) {
                    time.runNext();
                }
            }
        }
        throw new AssertionError("the run did not finish");
    }

    @Test
    void aStreamWithoutUsageIsCountedWithTheModelsOwnTokenizer() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String part : new String[] {"我喜欢用人工智能", "来帮助我写代码和翻译文章。"}) {
            sb.append(chunk(part, null));
        }
        sb.append("data: [DONE]\n\n");
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(sb.toString())
                .build());
        ChatOutcome o = pump(service.start(job("hi"), new ChatObserver() {
        }));
        assertThat(o.ok()).isTrue();
        String text = "我喜欢用人工智能来帮助我写代码和翻译文章。";
        assertThat(o.completion().text()).isEqualTo(text);
        Usage u = o.completion().usage();
        assertThat(u.estimated()).isTrue();
        // MODEL is a Qwen model: its output is counted with Qwen3's tokenizer, which differs from o200k here
        assertThat(u.completionTokens()).isEqualTo(Tokenizer.QWEN3.count(text))
                .isNotEqualTo(Tokenizer.O200K.count(text));
    }

    @Test
    void aStreamedAnswerIsPricedFromItsUsageAndSettlesTheBudget() throws Exception {
        server.enqueue(stream("Hello", " world"));
        List<String> seen = new CopyOnWriteArrayList<>();
        ChatOutcome o = pump(service.start(job("hi"), new ChatObserver() {
            @Override
            public void onContent(String delta) {
                seen.add(delta);
            }
        }));
        assertThat(o.ok()).isTrue();
        assertThat(o.completion().text()).isEqualTo("Hello world");
        assertThat(seen).containsExactly("Hello", " world");
        assertThat(o.completion().usage()).isEqualTo(new Usage(1000, 2000, 3000, null, null, false));
        assertThat(o.attempts()).hasSize(1);
        // qwen3-235b-a22b's first entry in the bundled prices.json, dashscope-intl: input $0.70, output $2.80 per
        // 1M tokens; usage 1000 prompt + 2000 completion tokens (no reasoning, none cached), not batch:
        // 1000 × 0.70 + 2000 × 2.80 = 700 + 5600 = 6300 per 1M = $0.0063
        BigDecimal expected = new BigDecimal("0.0063");
        assertThat(o.costUsd().amount()).isEqualByComparingTo(expected);
        assertThat(o.costUsd().amount()).isPositive();
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo(expected);
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(o.totalMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void a429IsRetriedAfterRetryAfterAndPausesTheProvider() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After-Ms", "1500")
                .setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}").build());
        server.enqueue(stream("ok"));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        Instant before = time.instant();
        ChatOutcome o = pump(service.start(job("hi"), new ChatObserver() {
            @Override
            public void onRetryScheduled(Attempt failed, Duration wait, Instant at) {
                waits.add(wait);
            }
        }));
        assertThat(o.ok()).isTrue();
        assertThat(o.attempts()).hasSize(2);
        assertThat(o.attempts().get(0).httpStatus()).isEqualTo(429);
        assertThat(o.attempts().get(0).errorKind()).isEqualTo("rate_limited");
        assertThat(o.attempts().get(1).backoffMs()).isGreaterThanOrEqualTo(1500);
        assertThat(waits).singleElement().satisfies(w -> assertThat(w).isGreaterThanOrEqualTo(Duration.ofMillis(1500)));
        assertThat(Duration.between(before, time.instant())).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aBadRequestIsNotRetried() throws Exception {
        server.enqueue(new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\"}}").build());
        ChatOutcome o = pump(service.start(job("hi"), ChatObserver.NONE));
        assertThat(o.ok()).isFalse();
        assertThat(o.completion().error().kind()).isEqualTo(ApiError.Kind.BAD_REQUEST);
        assertThat(o.completion().error().message()).isEqualTo("bad model");
        assertThat(o.attempts()).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(ledger.spentToday(Priority.NORMAL)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void aServerErrorAfterPartOfTheAnswerIsNotRetriedAndKeepsTheText() throws Exception {
        String body = chunk("partial", null) + "data: {\"error\":{\"message\":\"upstream died\",\"type\":\"server_error\"}}\n\n";
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build());
        ChatOutcome o = pump(service.start(job("hi"), ChatObserver.NONE));
        assertThat(o.ok()).isFalse();
        assertThat(o.completion().text()).isEqualTo("partial");
        assertThat(o.attempts()).hasSize(1);
        assertThat(o.attempts().get(0).errorMessage()).contains("already shown");
        // what arrived was probably billed: the spend is the estimate, not zero, and the reservation is closed
        assertThat(ledger.spentToday(Priority.NORMAL)).isPositive();
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void aBudgetThatCannotAffordTheWorstCaseRefusesBeforeSending() throws Exception {
        ledger.setDailyBudget(Priority.NORMAL, new BigDecimal("0.0000001"));
        ChatOutcome o = pump(service.start(job("hi"), ChatObserver.NONE));
        assertThat(o.ok()).isFalse();
        assertThat(o.completion().error().code()).isEqualTo("budget_exceeded");
        assertThat(o.completion().error().message()).startsWith("budget: ");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aRequestLargerThanTheContextWindowIsRefusedWithTheFigures() throws Exception {
        ProviderProfile profile = ProviderProfile.of("test", server.url("/v1").toString());
        ChatRequest req = ChatRequest.builder(MODEL).user("hi").maxTokens(200_000).build();
        ChatOutcome o = pump(service.start(ChatJob.of(profile, null, req), ChatObserver.NONE));
        assertThat(o.completion().error().kind()).isEqualTo(ApiError.Kind.BAD_REQUEST);
        assertThat(o.completion().error().message()).contains("200,000 max_tokens").contains("context window");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void cancellingAJobThatWaitsInTheLimiterLeavesTheQueue() throws Exception {
        limiter.setTier(dev.llmworkbench.domain.LimiterKey.of("test", MODEL), new RateLimitTier("tiny", 1, 1_000_000));
        limiter.setDefaultTier(new RateLimitTier("tiny", 1, 1_000_000));
        server.enqueue(stream("first"));
        ChatOutcome first = pump(service.start(job("one"), ChatObserver.NONE));
        assertThat(first.ok()).isTrue();
        ChatRun second = service.start(job("two"), ChatObserver.NONE);
        assertThat(second.result()).isNotDone();
        second.cancel();
        ChatOutcome o = second.result().get(5, TimeUnit.SECONDS);
        assertThat(o.completion().error().kind()).isEqualTo(ApiError.Kind.CANCELLED);
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(ledger.reservedToday(Priority.NORMAL)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void cancellingAStreamKeepsThePartialText() throws Exception {
        // a stream that sends one chunk and then stays open
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(chunk("half", null)).build());
        List<String> seen = new ArrayList<>();
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        ChatRun run = service.start(job("hi"), new ChatObserver() {
            @Override
            public synchronized void onContent(String delta) {
                seen.add(delta);
                first.countDown();
            }
        });
        while (!first.await(20, TimeUnit.MILLISECONDS)) {
            time.runDue();
        }
        run.cancel();
        ChatOutcome o = run.result().get(5, TimeUnit.SECONDS);
        assertThat(o.completion().text()).isEqualTo("half");
        assertThat(o.completion().error()).isNotNull();
    }

    /** Issue 14: a client that cannot be built (a missing CA file, a bad proxy) ends the run as failed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"'', /no/such/ca.pem", "'not a proxy ::', ''"})
    void aProfileWhoseClientCannotBeBuiltEndsTheRunAndReleasesWhatItHeld(String proxy, String caCert)
            throws Exception {
        ProviderProfile bad = new ProviderProfile("bad", server.url("/v1").toString(), null, null, null, null,
                proxy.isEmpty() ? null : proxy, caCert.isEmpty() ? null : caCert);
        ChatRequest req = ChatRequest.builder(MODEL).user("hi").maxTokens(10).build();
        ChatOutcome o = pump(service.start(ChatJob.of(bad, null, req), ChatObserver.NONE));
        assertThat(o.ok()).isFalse();
        assertThat(o.completion().error().message()).startsWith("could not send: ");
        assertThat(o.attempts()).as("the same request would fail again: not retried").hasSize(1);
        // the budget reservation and the limiter permit are given back: the next request goes at once
        assertThat(ledger.status(dev.llmworkbench.domain.Priority.NORMAL).reserved()).isEqualByComparingTo("0");
        assertThat(limiter.state(ChatJob.of(bad, null, req).limiterKey()).waiting()).isZero();
        assertThat(server.getRequestCount()).isZero();
    }
}
