package dev.llmworkbench.ui.common;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/**
 * Streamed text on its way to the screen. Any thread may {@link #append(CharSequence)} (lock-free);
 * one {@link AnimationTimer} takes everything that arrived since the last frame and hands it to the
 * sink in a single call, on the FX thread, once per frame. So a stream of thousands of tokens per
 * second costs one {@code appendText} per frame, never one {@code Platform.runLater} per token.
 *
 * <p>The drained text is exactly the appended text, in order. At the end of a stream (or when it is
 * stopped or fails) call {@link #flushNow()} on the FX thread so the last pieces show at once, then
 * {@link #stop()} so the timer no longer asks for frames.
 */
public final class StreamingTextBuffer {
    /** Upper bound of characters handed to the sink in one frame, so a frame never runs unbounded. */
    public static final int DEFAULT_MAX_CHARS_PER_FRAME = 1 << 20;

    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong appendedChars = new AtomicLong();
    private final AtomicLong drainedChars = new AtomicLong();
    private final AtomicLong sinkCalls = new AtomicLong();
    private final Consumer<String> sink;
    private final int maxCharsPerFrame;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            drain(maxCharsPerFrame);
        }
    };
    private volatile boolean running;

    /** A buffer whose frames go to {@code sink} (for example a text area's {@code appendText}). */
    public StreamingTextBuffer(Consumer<String> sink) {
        this(sink, DEFAULT_MAX_CHARS_PER_FRAME);
    }

    /** As {@link #StreamingTextBuffer(Consumer)}, with a bound of characters per frame (at least 1). */
    public StreamingTextBuffer(Consumer<String> sink, int maxCharsPerFrame) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (maxCharsPerFrame < 1) {
            throw new IllegalArgumentException("maxCharsPerFrame must be at least 1: " + maxCharsPerFrame);
        }
        this.maxCharsPerFrame = maxCharsPerFrame;
    }

    /** Adds text from any thread; empty text is ignored. Never blocks. */
    public void append(CharSequence text) {
        if (text == null || text.length() == 0) {
            return;
        }
        String piece = text.toString();
        // count before publishing, so appendedChars() >= drainedChars() at every moment
        appendedChars.addAndGet(piece.length());
        pending.add(piece);
    }

    /** Starts draining once per frame. Callable from any thread; starting twice is harmless. */
    public void start() {
        running = true;
        FxExecutor.platform().execute(() -> {
            if (running) {
                timer.start();
            }
        });
    }

    /**
     * Stops the per-frame drain (text still pending stays pending; call {@link #flushNow()} first
     * to show it). Callable from any thread.
     */
    public void stop() {
        running = false;
        FxExecutor.platform().execute(() -> {
            if (!running) {
                timer.stop();
            }
        });
    }

    /** Whether the per-frame drain is on. */
    public boolean isRunning() {
        return running;
    }

    /**
     * Hands everything pending to the sink now, on the FX thread (for the end of a stream).
     *
     * @throws IllegalStateException off the FX thread
     */
    public void flushNow() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("flushNow() must run on the FX application thread");
        }
        drain(Integer.MAX_VALUE);
    }

    /**
     * Drops the text not yet drained (for example when a new run starts) and returns how many
     * characters were dropped; they count as drained, so the counters stay comparable.
     */
    public long discardPending() {
        long dropped = 0;
        for (String piece; (piece = pending.poll()) != null; ) {
            dropped += piece.length();
        }
        drainedChars.addAndGet(dropped);
        return dropped;
    }

    /** Characters appended so far, from all threads. */
    public long appendedChars() {
        return appendedChars.get();
    }

    /** Characters handed to the sink so far (plus any discarded). */
    public long drainedChars() {
        return drainedChars.get();
    }

    /** How many times the sink was called: at most once per frame, plus one per {@link #flushNow()}. */
    public long sinkCalls() {
        return sinkCalls.get();
    }

    private void drain(int limit) {
        String first = pending.poll();
        if (first == null) {
            return;
        }
        String chunk;
        String next = first.length() < limit ? pending.peek() : null;
        if (next == null) {
            chunk = first;
        } else {
            StringBuilder frame = new StringBuilder(Math.max(64, first.length() * 4)).append(first);
            while (frame.length() < limit && (next = pending.poll()) != null) {
                frame.append(next);
            }
            chunk = frame.toString();
        }
        drainedChars.addAndGet(chunk.length());
        sinkCalls.incrementAndGet();
        sink.accept(chunk);
    }
}
