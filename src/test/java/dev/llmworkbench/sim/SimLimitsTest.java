package dev.llmworkbench.sim;

import dev.llmworkbench.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The simulator as a server other clients are pointed at (issue 14): routing and the key before the body, the body
 * limit, the header and body timeouts, the bounded handlers. Raw sockets on loopback, timeouts of 200 ms; a socket
 * read timeout of 5 s only bounds a test that fails.
 */
class SimLimitsTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final String CHAT = "/v1/chat/completions";
    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Simulator start(ServerLimits limits, String faults) throws IOException {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)).withLimits(limits));
        return sim;
    }

    private static ServerLimits limits() {
        return ServerLimits.defaults().withTimeouts(SHORT).withMaxBodyBytes(1024);
    }

    /** A status line, headers (lower-cased names) and the body of one response, and whether the server hung up. */
    private record Response(int status, java.util.Map<String, String> headers, String body, boolean closed) {
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", sim.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String head(String method, String path, String... headers) {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Reads one response; {@code closed} tells whether the server closed the connection right after it. */
    private static Response read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String status = line(in);
        if (status == null) {
            fail("the connection was closed without an answer");
        }
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        boolean closed = "close".equalsIgnoreCase(headers.get("connection")) && endOfStream(s);
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8),
                closed);
    }

    /** True when the server closed the connection (end of stream or a reset), false when it stays open. */
    private static boolean endOfStream(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static String chatBody() {
        return SimClient.body("hi", "\"max_tokens\":3");
    }

    private static String post(String body, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type: application/json";
        all[headers.length + 1] = "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length;
        return head("POST", CHAT, all) + body;
    }

    private Response normalRequest() throws IOException {
        try (Socket s = connect()) {
            send(s, post(chatBody()));
            return read(s);
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWith413WithoutReadingIt() throws Exception {
        start(limits(), "ttft-ms=0,tps=0");
        try (Socket s = connect()) {
            // 100 MB declared, nothing sent: reading it would end in a 408 after 200 ms (or never)
            send(s, head("POST", CHAT, "Content-Type: application/json", "Content-Length: 100000000"));
            Response r = read(s);
            assertThat(r.status()).isEqualTo(413);
            assertThat(SimClient.json(r.body()).getAsJsonObject("error").get("code").getAsString())
                    .isEqualTo("request_too_large");
            assertThat(r.closed()).as("closed after the 413").isTrue();
        }
        assertThat(normalRequest().status()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413AfterTheLimit() throws Exception {
        start(limits(), "ttft-ms=0,tps=0");
        try (Socket s = connect()) {
            send(s, head("POST", CHAT, "Content-Type: application/json", "Transfer-Encoding: chunked"));
            // 2 KiB in two chunks, and the body never ends: the answer must come from the count, not the end
            String chunk = "x".repeat(1024);
            send(s, "400\r\n" + chunk + "\r\n400\r\n" + chunk + "\r\n");
            Response r = read(s);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void bodiesWithinTheLimitAreAnsweredChunkedOrNot() throws Exception {
        start(limits(), "ttft-ms=0,tps=0");
        assertThat(normalRequest().status()).isEqualTo(200);
        try (Socket s = connect()) {
            byte[] body = chatBody().getBytes(StandardCharsets.UTF_8);
            send(s, head("POST", CHAT, "Content-Type: application/json", "Transfer-Encoding: chunked")
                    + Integer.toHexString(body.length) + "\r\n" + chatBody() + "\r\n0\r\n\r\n");
            Response r = read(s);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.closed()).as("kept alive").isFalse();
        }
    }

    @Test
    void aContentLengthLargerThanTheBodyGets408AtTheBodyTimeoutAndTheConnectionCloses() throws Exception {
        start(limits(), "ttft-ms=0,tps=0");
        try (Socket s = connect()) {
            send(s, head("POST", CHAT, "Content-Type: application/json", "Content-Length: 500") + "{\"model\":");
            long t0 = System.nanoTime();
            Response r = read(s);
            assertThat(r.status()).isEqualTo(408);
            assertThat(SimClient.json(r.body()).getAsJsonObject("error").get("code").getAsString())
                    .isEqualTo("request_timeout");
            assertThat(r.closed()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(SHORT.minusMillis(20));
        }
        assertThat(normalRequest().status()).isEqualTo(200);
    }

    @Test
    void headersNotCompleteInTimeCloseTheConnection() throws Exception {
        start(limits(), "ttft-ms=0,tps=0");
        try (Socket s = connect()) {
            send(s, "POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl");
            long t0 = System.nanoTime();
            assertThat(endOfStream(s)).as("closed by the server").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(SHORT.minusMillis(20));
        }
        assertThat(normalRequest().status()).isEqualTo(200);
    }

    @Test
    void routingMethodAndKeyAreAnsweredBeforeTheBody() throws Exception {
        start(limits().withMaxBodyBytes(10_000_000), "ttft-ms=0,tps=0,key=s3cret");
        // each declares a body it never sends: an answer before the body timeout proves it was not read
        String declared = "Content-Length: 5000000";
        String[][] cases = {
                {head("POST", "/v1/nothing", declared), "404"},
                {head("POST", "/elsewhere", declared), "404"},
                {head("PUT", CHAT, declared), "405"},
                {head("POST", "/v1/models", declared), "405"},
                {head("POST", CHAT, declared), "401"},
                {head("POST", CHAT, declared, "Authorization: Bearer wrong"), "401"},
                {head("POST", CHAT, declared, "Authorization: Bearer s3cret", "X-Sim-Faults: nonsense=1"), "400"},
        };
        for (String[] c : cases) {
            try (Socket s = connect()) {
                send(s, c[0]);
                Response r = read(s);
                assertThat(r.status()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
                assertThat(r.body()).doesNotContain("s3cret");
                assertThat(r.closed()).as("closed: the body is left unread").isTrue();
            }
        }
        // with the key, the same request waits for its body: 408
        try (Socket s = connect()) {
            send(s, head("POST", CHAT, declared, "Authorization: Bearer s3cret"));
            assertThat(read(s).status()).isEqualTo(408);
        }
    }

    @Test
    void errorsWithoutABodyKeepTheConnection() throws Exception {
        start(limits(), "ttft-ms=0,tps=0,key=k");
        try (Socket s = connect()) {
            send(s, head("GET", "/v1/nothing"));
            Response notFound = read(s);
            assertThat(notFound.status()).isEqualTo(404);
            send(s, head("GET", "/v1/models", "Authorization: Bearer k"));
            assertThat(read(s).status()).isEqualTo(200);
        }
    }

    @Test
    void aFullServerAnswers503WithRetryAfterAndSlowHeadersHoldNoHandler() throws Exception {
        start(limits().withMaxHandlers(1).withHeaderTimeout(Duration.ofSeconds(30)), "ttft-ms=0,tps=0");
        try (Socket slowHeaders = connect(); Socket stalled = connect()) {
            // a connection still sending its headers: it must not take the one handler
            send(slowHeaders, "POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            Response ok = normalRequest();
            assertThat(ok.status()).isEqualTo(200);
            // the handler is given back just after the answer is written: wait for it, or the next request is a 503
            Poll.until("the handler given back", Duration.ofSeconds(5), () -> sim.busyHandlers() == 0);
            // a stalled stream holds the one handler
            send(stalled, post(SimClient.body("stall", "\"stream\":true"), "X-Sim-Faults: stall=1"));
            Poll.until("the stalled stream holds the handler", Duration.ofSeconds(5), () -> sim.busyHandlers() == 1);
            Response full = normalRequest();
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.headers()).containsEntry("retry-after", "1");
            assertThat(SimClient.json(full.body()).getAsJsonObject("error").get("type").getAsString())
                    .isEqualTo("server_error");
        }
        // the stall ends with the simulator: the handler is given back when its stream is cut
        sim.close();
        assertThat(sim.busyHandlers()).isZero();
    }

    @Test
    void bodiesBeingReadAreBoundedInAllBy503() throws Exception {
        // limit 1024: at most 2048 body bytes held at once
        start(limits().withBodyTimeout(Duration.ofSeconds(30)), "ttft-ms=0,tps=0");
        try (Socket first = connect(); Socket second = connect()) {
            String declared = head("POST", CHAT, "Content-Type: application/json", "Content-Length: 900");
            send(first, declared);
            send(second, declared);
            Poll.until("two bodies reserved", Duration.ofSeconds(5), () -> sim.bufferedBodyBytes() == 1800);
            try (Socket third = connect()) {
                send(third, declared);
                Response r = read(third);
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.headers()).containsEntry("retry-after", "1");
                assertThat(r.closed()).isTrue();
            }
            // small bodies still fit
            try (Socket small = connect()) {
                send(small, post("{\"model\":\"qwen-plus\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
                assertThat(read(small).status()).isEqualTo(200);
            }
        }
        Poll.until("the reservations are given back", Duration.ofSeconds(5), () -> sim.bufferedBodyBytes() == 0);
    }
}
