package dev.llmworkbench.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback server that answers every chat request with a pre-rendered SSE stream, so that a
 * benchmark measures the clients, not the server: the bytes are built once and written as fast as
 * the socket takes them.
 */
final class LoopbackStreamServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private volatile byte[] body;

    LoopbackStreamServer(byte[] body) throws IOException {
        // the JDK server leaves Nagle on by default: ~40 ms per small response from delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.body = body;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] b = this.body;
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                int off = 0;
                while (off < b.length) {
                    int n = Math.min(64 * 1024, b.length - off);
                    out.write(b, off, n);
                    off += n;
                }
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void setBody(byte[] b) {
        this.body = b;
    }

    /** An OpenAI-style stream of {@code chunks} content chunks, then a usage chunk and [DONE]. */
    static byte[] stream(int chunks) {
        StringBuilder sb = new StringBuilder(chunks * 160);
        String head = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"qwen3-235b-a22b\",\"choices\":[{\"index\":0,\"delta\":{";
        sb.append(head).append("\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < chunks; i++) {
            sb.append(head).append("\"content\":\"tok").append(i % 1000).append(" \"},\"finish_reason\":")
                    .append(i == chunks - 1 ? "\"stop\"" : "null").append("}]}\n\n");
        }
        sb.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,")
                .append("\"model\":\"qwen3-235b-a22b\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,")
                .append("\"completion_tokens\":").append(chunks).append(",\"total_tokens\":")
                .append(chunks + 10).append("}}\n\n");
        sb.append("data: [DONE]\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
