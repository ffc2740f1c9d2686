package dev.llmworkbench.client;

import static dev.llmworkbench.client.Sse.content;
import static dev.llmworkbench.client.Sse.events;
import static dev.llmworkbench.client.Sse.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmworkbench.domain.ApiError.Kind;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.StreamListener;
import dev.llmworkbench.domain.Timeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Real, short timeouts against a loopback server that delays or stalls; cancelling a stream. */
class TimeoutsAndCancelTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    /** Lets stalled server bodies go at the end of each test. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseServer() {
        release.countDown();
    }

    /** A body that writes {@code first}, then waits until the test ends. */
    private MockResponseBody stallingAfter(String first) {
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(first);
                sink.flush();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static Timeouts timeouts(long firstByteMs, long idleMs, long totalMs) {
        return new Timeouts(Duration.ofMillis(300), Duration.ofMillis(firstByteMs), Duration.ofMillis(idleMs),
                Duration.ofMillis(totalMs));
    }

    @Test
    void firstByteTimeout() {
        server.enqueue(Sse.sseResponse(events(content("late"))).headersDelay(3, TimeUnit.SECONDS).build());
        long t0 = System.nanoTime();
        Completion c = Sse.client(server, timeouts(300, 5000, 10_000)).complete(request());
        assertThat(c.error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(c.error().code()).isEqualTo("first_byte_timeout");
        assertThat(c.error().retryable()).isTrue();
        assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2500);
    }

    @Test
    void idleTimeoutBetweenChunksKeepsThePartialText() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(stallingAfter(events(content("so far")))).build());
        Completion c = Sse.client(server, timeouts(5000, 300, 10_000)).complete(request());
        assertThat(c.error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(c.error().code()).isEqualTo("idle_timeout");
        assertThat(c.text()).isEqualTo("so far");
        assertThat(c.httpStatus()).isEqualTo(200);
    }

    @Test
    void totalTimeoutBoundsATrickleThatNeverIdles() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            body.append(events(content("w" + i + " ")));
        }
        server.enqueue(Sse.sseResponse(body.toString()).throttleBody(64, 20, TimeUnit.MILLISECONDS).build());
        long t0 = System.nanoTime();
        Completion c = Sse.client(server, timeouts(5000, 300, 400)).complete(request());
        assertThat(c.error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(c.error().code()).isEqualTo("total_timeout");
        assertThat(c.text()).startsWith("w0 ");
        assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2500);
    }

    @Test
    void connectTimeout() throws IOException {
        // a listening socket whose accept queue is full drops further SYNs: connecting hangs
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            boolean hangs = false;
            try {
                for (int i = 0; i < 16 && !hangs; i++) {
                    Socket s = new Socket();
                    fillers.add(s);
                    try {
                        s.connect(new InetSocketAddress(full.getInetAddress(), full.getLocalPort()), 200);
                    } catch (SocketTimeoutException e) {
                        hangs = true;
                    }
                }
                Assumptions.assumeTrue(hangs, "this system does not let a connect hang");
                OpenAiClient client = new OpenAiClient(
                        ProviderProfile.of("full", "http://127.0.0.1:" + full.getLocalPort() + "/v1"), null,
                        timeouts(5000, 5000, 10_000), null, null);
                Completion c = client.complete(request());
                assertThat(c.error().kind()).isEqualTo(Kind.TIMEOUT);
                assertThat(c.error().code()).isEqualTo("connect_timeout");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void cancelClosesAtOnceAndKeepsWhatArrived() throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(stallingAfter(events(content("partial ")))).build());
        CountDownLatch gotText = new CountDownLatch(1);
        ChatCall call = Sse.client(server).start(request(), new StreamListener() {
            @Override
            public void onContent(String delta) {
                gotText.countDown();
            }
        });
        assertThat(gotText.await(5, TimeUnit.SECONDS)).isTrue();
        call.cancel();
        assertThat(call.result()).isDone();
        Completion c = call.await();
        assertThat(c.error().kind()).isEqualTo(Kind.CANCELLED);
        assertThat(c.error().retryable()).isFalse();
        assertThat(c.text()).isEqualTo("partial ");
        call.cancel(); // idempotent
        assertThat(call.await()).isSameAs(c);
    }

    @Test
    void cancelBeforeTheResponseArrives() {
        server.enqueue(Sse.sseResponse(events(content("late"))).headersDelay(3, TimeUnit.SECONDS).build());
        ChatCall call = Sse.client(server).start(request(), null);
        call.cancel();
        Completion c = call.result().orTimeout(1, TimeUnit.SECONDS).join();
        assertThat(c.error().kind()).isEqualTo(Kind.CANCELLED);
        assertThat(c.text()).isEmpty();
    }

    @Test
    void noKeyMeansNoAuthorizationHeader() throws Exception {
        server.enqueue(Sse.sseResponse(events(content("a"), Sse.finish("stop"))).build());
        OpenAiClient client = new OpenAiClient(ProviderProfile.of("mock", server.url("/v1").toString()),
                ApiKey.ofNullable(""), Timeouts.defaults(), null, null);
        assertThat(client.complete(request()).ok()).isTrue();
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isNull();
    }
}
