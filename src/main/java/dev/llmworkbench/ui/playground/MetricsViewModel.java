package dev.llmworkbench.ui.playground;

import static dev.llmworkbench.ui.playground.RequestValues.ms;

import dev.llmworkbench.domain.Timing;
import dev.llmworkbench.domain.Usage;
import dev.llmworkbench.service.chat.ChatOutcome;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The metrics strip of one run: live while it streams (first tokens, chunks so far, elapsed time),
 * then the figures of the outcome (timings, usage, cost, attempts). The {@code seen*} methods are
 * called on the service's threads and hop to the UI thread themselves; the rest run on the UI thread.
 */
final class MetricsViewModel {
    private final Executor ui;

    private final ReadOnlyStringWrapper ttft = new ReadOnlyStringWrapper(this, "ttft", "");
    private final ReadOnlyStringWrapper ttfo = new ReadOnlyStringWrapper(this, "ttfo", "");
    private final ReadOnlyStringWrapper tokensPerSecond = new ReadOnlyStringWrapper(this, "tokensPerSecond", "");
    private final ReadOnlyStringWrapper e2e = new ReadOnlyStringWrapper(this, "e2e", "");
    private final ReadOnlyStringWrapper tokensIn = new ReadOnlyStringWrapper(this, "tokensIn", "");
    private final ReadOnlyStringWrapper tokensOut = new ReadOnlyStringWrapper(this, "tokensOut", "");
    private final ReadOnlyStringWrapper reasoningTokens = new ReadOnlyStringWrapper(this, "reasoningTokens", "");
    private final ReadOnlyStringWrapper costDetail = new ReadOnlyStringWrapper(this, "costDetail", "");
    private final ReadOnlyStringWrapper costUsd = new ReadOnlyStringWrapper(this, "costUsd", "");
    private final ReadOnlyStringWrapper costCny = new ReadOnlyStringWrapper(this, "costCny", "");
    private final ReadOnlyIntegerWrapper attempts = new ReadOnlyIntegerWrapper(this, "attempts", 0);
    private final ReadOnlyStringWrapper attemptsText = new ReadOnlyStringWrapper(this, "attemptsText", "");

    private volatile long startNanos;
    private final AtomicLong liveChunks = new AtomicLong();
    private final AtomicBoolean liveFirst = new AtomicBoolean();
    private final AtomicBoolean liveFirstAnswer = new AtomicBoolean();

    MetricsViewModel(Executor ui) {
        this.ui = ui;
        attempts.addListener((o, a, n) -> attemptsText.set(n.intValue() == 0 ? "" : Integer.toString(n.intValue())));
    }

    /** Empties the strip. */
    void clear() {
        for (ReadOnlyStringWrapper p : List.of(ttft, ttfo, tokensPerSecond, e2e, tokensIn, tokensOut, reasoningTokens,
                costDetail, costUsd, costCny)) {
            p.set("");
        }
        attempts.set(0);
    }

    /** A run starts now: the live figures count from here. */
    void start() {
        startNanos = System.nanoTime();
        liveChunks.set(0);
        liveFirst.set(false);
        liveFirstAnswer.set(false);
    }

    /** A chunk of text (reasoning or answer) arrived; the first one sets TTFT. Any thread. */
    void seenText() {
        liveChunks.incrementAndGet();
        if (liveFirst.compareAndSet(false, true)) {
            double ms = (System.nanoTime() - startNanos) / 1e6;
            ui.execute(() -> ttft.set(ms(ms)));
        }
    }

    /** A chunk of answer text arrived; the first one sets TTFO. Any thread. */
    void seenAnswer() {
        if (liveFirstAnswer.compareAndSet(false, true)) {
            double ms = (System.nanoTime() - startNanos) / 1e6;
            ui.execute(() -> ttfo.set(ms(ms)));
        }
    }

    /** An HTTP attempt started. */
    void attempt(int number) {
        attempts.set(number);
    }

    /** While running: live tokens out and elapsed time. */
    void tick() {
        tokensOut.set("≈ " + liveChunks.get());
        e2e.set(ms((System.nanoTime() - startNanos) / 1e6));
    }

    /** The run ended: its measured figures replace the live ones. */
    void finish(ChatOutcome o) {
        Timing t = o.completion().timing();
        ttft.set(t.ttftMs() == null ? ttft.get() : ms(t.ttftMs()));
        ttfo.set(t.ttfoMs() == null ? "" : ms(t.ttfoMs()));
        Double tps = t.tokensPerSecond();
        tokensPerSecond.set(tps == null ? "" : String.format(Locale.ROOT, "%.1f", tps));
        e2e.set(t.e2eMs() == null ? "" : ms(t.e2eMs()));
        Usage u = o.completion().usage();
        tokensIn.set(u == null || u.promptTokens() == null ? "" : (u.estimated() ? "≈ " : "") + u.promptTokens());
        tokensOut.set(u == null || u.completionTokens() == null ? "" : (u.estimated() ? "≈ " : "") + u.completionTokens());
        // the completion's reasoning part, billed at the thinking price; the answer is the rest
        reasoningTokens.set(u == null || u.completionTokens() == null ? ""
                : (u.estimated() ? "≈ " : "") + u.reasoningOrZero());
        costUsd.set(o.costUsd() == null ? "" : o.costUsd().format());
        costCny.set(o.costCny() == null ? "" : o.costCny().format());
        costDetail.set(o.priceNote() == null ? "" : "Cost: " + o.priceNote());
        attempts.set(Math.max(attempts.get(), o.attempts().size()));
    }

    ReadOnlyStringProperty ttftProperty() { return ttft.getReadOnlyProperty(); }
    ReadOnlyStringProperty ttfoProperty() { return ttfo.getReadOnlyProperty(); }
    ReadOnlyStringProperty tokensPerSecondProperty() { return tokensPerSecond.getReadOnlyProperty(); }
    ReadOnlyStringProperty e2eProperty() { return e2e.getReadOnlyProperty(); }
    ReadOnlyStringProperty tokensInProperty() { return tokensIn.getReadOnlyProperty(); }
    ReadOnlyStringProperty tokensOutProperty() { return tokensOut.getReadOnlyProperty(); }
    ReadOnlyStringProperty costUsdProperty() { return costUsd.getReadOnlyProperty(); }
    /** Of the tokens out, how many were reasoning (billed at the thinking price). */
    ReadOnlyStringProperty reasoningTokensProperty() { return reasoningTokens.getReadOnlyProperty(); }
    /** "Cost: 30 in × $0.70/M + 100 reasoning × $8.40/M + 33 answer × $2.80/M = $0.000…; dashscope-intl …". */
    ReadOnlyStringProperty costDetailProperty() { return costDetail.getReadOnlyProperty(); }
    ReadOnlyStringProperty costCnyProperty() { return costCny.getReadOnlyProperty(); }
    ReadOnlyIntegerProperty attemptsProperty() { return attempts.getReadOnlyProperty(); }
    ReadOnlyStringProperty attemptsTextProperty() { return attemptsText.getReadOnlyProperty(); }
}
