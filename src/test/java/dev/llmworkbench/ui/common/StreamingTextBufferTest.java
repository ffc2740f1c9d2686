package dev.llmworkbench.ui.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

class StreamingTextBufferTest {
    private final StringBuilder shown = new StringBuilder();
    private final List<String> chunks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean offFxThread = new AtomicBoolean();
    private final ExecutorService producer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-producer");
        t.setDaemon(true);
        return t;
    });
    private StreamingTextBuffer buffer;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (buffer != null) {
            buffer.stop();
        }
        producer.shutdownNow();
        WaitForAsyncUtils.waitForFxEvents();
    }

    private StreamingTextBuffer newBuffer(int maxCharsPerFrame) {
        buffer = new StreamingTextBuffer(text -> {
            if (!Platform.isFxApplicationThread()) {
                offFxThread.set(true);
            }
            chunks.add(text);
            shown.append(text);
        }, maxCharsPerFrame);
        return buffer;
    }

    private static String piece(int i) {
        return "t" + i + (i % 7 == 0 ? "\n" : " ");
    }

    private String onFx(java.util.concurrent.Callable<String> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aProducerThreadsHundredThousandPiecesArriveExactlyAndInOrderOncePerFrame() throws Exception {
        int pieces = 100_000;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            expected.append(piece(i));
        }
        StreamingTextBuffer buf = newBuffer(StreamingTextBuffer.DEFAULT_MAX_CHARS_PER_FRAME);
        buf.start();

        Future<?> produced = producer.submit(() -> {
            for (int i = 0; i < pieces; i++) {
                buf.append(piece(i));
            }
        });
        produced.get(10, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> buf.drainedChars() == expected.length());

        assertThat(buf.appendedChars()).isEqualTo(expected.length());
        assertThat(onFx(shown::toString)).isEqualTo(expected.toString());
        assertThat(offFxThread).as("sink called off the FX thread").isFalse();
        // once per frame, never once per piece
        assertThat(buf.sinkCalls()).isLessThan(pieces / 20);
    }

    @Test
    void theFrameBoundSplitsLargeBacklogsWithoutLosingText() throws Exception {
        StreamingTextBuffer buf = newBuffer(100);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            buf.append(piece(i));
            expected.append(piece(i));
        }
        buf.start();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> buf.drainedChars() == expected.length());

        assertThat(onFx(shown::toString)).isEqualTo(expected.toString());
        assertThat(chunks).hasSizeGreaterThan(expected.length() / 110);
        assertThat(chunks).allSatisfy(c -> assertThat(c.length()).isLessThan(100 + 8));
    }

    @Test
    void flushNowShowsWhatIsPendingWhenTheTimerIsStopped() throws Exception {
        StreamingTextBuffer buf = newBuffer(StreamingTextBuffer.DEFAULT_MAX_CHARS_PER_FRAME);
        buf.append("partial ");
        buf.append("answer");
        awaitFrames(3);
        assertThat(onFx(shown::toString)).as("nothing drains before start()").isEmpty();
        assertThat(buf.drainedChars()).isZero();

        WaitForAsyncUtils.asyncFx(buf::flushNow).get(5, TimeUnit.SECONDS);

        assertThat(onFx(shown::toString)).isEqualTo("partial answer");
        assertThat(buf.sinkCalls()).isEqualTo(1);
        assertThat(buf.appendedChars()).isEqualTo(14).isEqualTo(buf.drainedChars());
    }

    /** Waits until the FX thread has run {@code n} more animation frames. */
    private static void awaitFrames(int n) throws Exception {
        AtomicInteger frames = new AtomicInteger();
        AnimationTimer counter = new AnimationTimer() {
            @Override
            public void handle(long now) {
                frames.incrementAndGet();
            }
        };
        WaitForAsyncUtils.asyncFx(counter::start).get(5, TimeUnit.SECONDS);
        try {
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> frames.get() >= n);
        } finally {
            WaitForAsyncUtils.asyncFx(counter::stop).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void flushNowOffTheFxThreadFails() {
        StreamingTextBuffer buf = newBuffer(10);
        assertThatThrownBy(buf::flushNow).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startAndStopSwitchTheDrain() throws Exception {
        StreamingTextBuffer buf = newBuffer(StreamingTextBuffer.DEFAULT_MAX_CHARS_PER_FRAME);
        buf.start();
        assertThat(buf.isRunning()).isTrue();
        buf.append("abc");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> buf.drainedChars() == 3);
        buf.stop();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(buf.isRunning()).isFalse();

        buf.append("def");
        awaitFrames(5); // a stopped buffer keeps its text pending
        assertThat(buf.drainedChars()).isEqualTo(3);
        WaitForAsyncUtils.asyncFx(buf::flushNow).get(5, TimeUnit.SECONDS);
        assertThat(onFx(shown::toString)).isEqualTo("abcdef");
    }

    @Test
    void discardPendingDropsUnshownTextAndKeepsTheCountersComparable() throws Exception {
        StreamingTextBuffer buf = newBuffer(StreamingTextBuffer.DEFAULT_MAX_CHARS_PER_FRAME);
        buf.append("old run");
        buf.append("");
        buf.append(null);
        assertThat(buf.discardPending()).isEqualTo(7);
        buf.append("new");
        WaitForAsyncUtils.asyncFx(buf::flushNow).get(5, TimeUnit.SECONDS);
        assertThat(onFx(shown::toString)).isEqualTo("new");
        assertThat(buf.drainedChars()).isEqualTo(buf.appendedChars()).isEqualTo(10);
    }

    @Test
    void rejectsAFrameBoundBelowOne() {
        assertThatThrownBy(() -> new StreamingTextBuffer(s -> { }, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
