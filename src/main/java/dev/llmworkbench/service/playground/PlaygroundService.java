package dev.llmworkbench.service.playground;

import dev.llmworkbench.service.chat.ChatJob;
import dev.llmworkbench.service.chat.ChatObserver;
import dev.llmworkbench.service.chat.ChatOutcome;
import dev.llmworkbench.service.chat.ChatRun;
import dev.llmworkbench.service.chat.ChatService;
import dev.llmworkbench.service.chat.ClientPool;
import dev.llmworkbench.service.history.RunRecorder;
import dev.llmworkbench.service.providers.ProviderService;
import dev.llmworkbench.domain.LimiterKey;
import dev.llmworkbench.domain.RunKind;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.resilience.RateLimiter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The desktop's way to run chats (playground and compare): every run goes through the
 * {@link ChatService} and is recorded; plus the exact request JSON for the inspector and the
 * status line (spend today, limiter state). Observers are called on the service's threads.
 */
public final class PlaygroundService {
    /** The limiter's state in words, and whether it is paused after a 429. */
    public record LimiterStatus(String text, boolean paused) { }


    private final Supplier<ChatService> chat;
    private final ClientPool clients;
    private final ProviderService providers;
    private final RunRecorder recorder;
    private final ZoneId zone;
    private final java.util.concurrent.Executor recording;
    private Supplier<BigDecimal> dailyBudget = () -> null;

    /** Records each outcome on the thread that completes it (tests, the command line). */
    public PlaygroundService(Supplier<ChatService> chat, ClientPool clients, ProviderService providers,
                             RunRecorder recorder, ZoneId zone) {
        this(chat, clients, providers, recorder, zone, Runnable::run);
    }

    /**
     * @param recording where outcomes are recorded (the store is written there): a Stop on the window's
     *                  thread completes the run on that thread, which must not write the database
     */
    public PlaygroundService(Supplier<ChatService> chat, ClientPool clients, ProviderService providers,
                             RunRecorder recorder, ZoneId zone, java.util.concurrent.Executor recording) {
        this.recording = Objects.requireNonNull(recording, "recording");
        this.chat = Objects.requireNonNull(chat, "chat");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.recorder = recorder == null ? RunRecorder.NONE : recorder;
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
    }

    /** Where {@link #spendText()} reads the daily budget from (the limits service). */
    public void setDailyBudgetSource(Supplier<BigDecimal> source) {
        this.dailyBudget = Objects.requireNonNull(source);
    }

    public ProviderService providers() {
        return providers;
    }

    /** A job for a profile with its stored key. */
    public ChatJob job(ProviderProfile profile, ChatRequest request, Priority priority) {
        ApiKey key = providers.key(profile).orElse(null);
        return new ChatJob(profile, key, request, priority, Timeouts.defaults(), false, false);
    }

    /**
     * Starts a run; the outcome is recorded (as {@code kind}: single or compare) before the returned run's
     * result completes.
     */
    public ChatRun start(ChatJob job, ChatObserver observer, RunKind kind) {
        return start(job, observer, kind, null);
    }

    /**
     * As {@link #start(ChatJob, ChatObserver, RunKind)}, recording with the run the exact body sent and what the
     * Playground held ({@code draft}, or null), so that the History can reopen it as it was.
     */
    public ChatRun start(ChatJob job, ChatObserver observer, RunKind kind, PlaygroundDraft draft) {
        String body;
        try {
            body = requestJson(job.profile(), job.request());
        } catch (RuntimeException e) {
            body = null; // the run fails with the reason itself
        }
        String sent = body;
        ChatRun run = chat.get().start(job, observer);
        java.util.concurrent.CompletableFuture<ChatOutcome> recorded = run.result().thenApplyAsync(o -> {
            try {
                recorder.recordChat(job, o, kind, sent, draft);
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(PlaygroundService.class.getName())
                        .log(java.util.logging.Level.WARNING, "could not record a run", e);
            }
            return o;
        }, recording);
        return new ChatRun() {
            @Override
            public void cancel() {
                run.cancel();
            }

            @Override
            public java.util.concurrent.CompletableFuture<ChatOutcome> result() {
                return recorded;
            }
        };
    }

    /** The exact JSON body the request would be sent with (never the key). */
    public String requestJson(ProviderProfile profile, ChatRequest request) {
        return clients.client(profile, null, Timeouts.defaults()).requestJson(request);
    }

    /** "today $0.0123 of $5.00" or "today $0.00 of no budget". */
    public String spendText() {
        var ledger = chat.get().ledger();
        BigDecimal spent = ledger.spentTodayTotal();
        BigDecimal total = dailyBudget.get();
        String budget = total == null ? "no budget" : money(total);
        return "today " + money(spent) + " of " + budget;
    }

    /** The limiter's state for a provider and model. */
    public LimiterStatus limiterStatus(String profileName, String model) {
        RateLimiter.State s = chat.get().limiter().state(LimiterKey.of(profileName, model));
        RateLimiter.State other = chat.get().limiter().mostLimited();
        if (other != null && other.severity() > s.severity()) {
            // a batch or a comparison on another provider or model is the one being held back
            return new LimiterStatus("limiter (" + other.key() + "): " + other.describe(),
                    other.limited());
        }
        return new LimiterStatus("limiter: " + s.describe(), s.limited());
    }

    static String money(BigDecimal usd) {
        BigDecimal v = usd.setScale(usd.compareTo(new BigDecimal("0.01")) < 0 && usd.signum() != 0 ? 4 : 2,
                RoundingMode.HALF_UP);
        return "$" + v.toPlainString();
    }
}
