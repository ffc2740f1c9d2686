package dev.llmworkbench.service.chat;

import dev.llmworkbench.client.ChatCall;
import dev.llmworkbench.cost.TokenEstimator;
import dev.llmworkbench.domain.ToolCall;
import java.util.Map;

/**
 * Passes the stream on and counts its output tokens; when the answer (or, counted apart, the
 * reasoning) reaches what the reservation covers it cancels the call (the attempt then ends as an
 * answer cut at the cap, billed for what arrived).
 */
final class StreamCap implements ChatObserver {
    private final ChatObserver next;
    private final TokenEstimator estimator;
    private final String model;
    private final long cap;
    private final long thinkingCap;
    private long answer;
    private long thinking;
    private volatile boolean reached;
    private volatile ChatCall call;

    /** Counts with {@code model}'s own tokenizer. */
    StreamCap(ChatObserver next, long cap, long thinkingCap, TokenEstimator estimator, String model) {
        this.estimator = estimator;
        this.model = model;
        this.next = next;
        this.cap = cap;
        this.thinkingCap = thinkingCap;
    }

    void attach(ChatCall c) {
        call = c;
        if (reached) {
            c.cancel();
        }
    }

    boolean reached() {
        return reached;
    }

    long covered() {
        return cap + thinkingCap;
    }

    private void count(String delta, boolean reasoning) {
        if (reached || delta == null || delta.isEmpty()) {
            return;
        }
        long n = Math.max(1, estimator.countText(model, delta));
        if (reasoning && thinkingCap > 0) {
            thinking += n;
        } else {
            answer += n;
        }
        if (answer >= cap || (thinkingCap > 0 && thinking >= thinkingCap)) {
            reached = true;
            ChatCall c = call;
            if (c != null) {
                c.cancel();
            }
        }
    }

    @Override
    public void onReasoning(String delta) {
        next.onReasoning(delta);
        count(delta, true);
    }

    @Override
    public void onContent(String delta) {
        next.onContent(delta);
        count(delta, false);
    }

    @Override
    public void onToolCall(ToolCall c) {
        next.onToolCall(c);
    }

    @Override
    public void onRawEvent(long nanosSinceStart, String data) {
        next.onRawEvent(nanosSinceStart, data);
    }

    @Override
    public void onResponseHeaders(int status, Map<String, String> headers) {
        next.onResponseHeaders(status, headers);
    }
}
