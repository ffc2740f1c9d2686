package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The embedded OpenAI-compatible simulator: {@code GET /v1/models}, {@code GET /v1/models/{id}} and
 * {@code POST /v1/chat/completions} (streamed as server-sent events or not) on loopback HTTP/1.1
 * with keep-alive, built on the JDK's {@link HttpServer} and Gson only.
 *
 * <p>Answers are deterministic for the messages and the request's {@code seed}: English, or Chinese
 * when the last user message contains CJK; 30 to 150 tokens, capped by {@code max_tokens}
 * ({@code finish_reason} {@code length}). A token is one word or one CJK character with its
 * punctuation, one chunk each, and {@code usage} counts exactly the tokens sent. With
 * {@code enable_thinking: true} the stream carries {@code delta.reasoning_content} first (at most
 * {@code thinking_budget} tokens); a non-streaming request with thinking on gets DashScope's 400.
 * With {@code tools} (and {@code tool_choice} not {@code "none"}) it calls the first tool (or the one
 * {@code tool_choice} names); with {@code response_format} {@code json_object}/{@code json_schema} the
 * answer is valid JSON.
 *
 * <p>Strict as a real server ({@link ChatParams}): a model it does not serve gets 404 {@code model_not_found}
 * ({@link SimConfig#models()}: the command line and the desktop serve every model and alias of the price catalogue
 * and {@link SimConfig#BUILT_IN_MODELS}; {@code /v1/models} lists them); a missing model, {@code temperature} outside
 * 0–2, {@code top_p} outside 0–1, {@code n} outside 1–128, more than 4 {@code stop} sequences and a role OpenAI does
 * not know get 400 worded as OpenAI words them. {@code n} gives that many choices (choice 0 the same as alone), a
 * {@code stop} sequence cuts the answer before it ({@code finish_reason} {@code stop}), {@code logprobs} /
 * {@code top_logprobs} are returned for the answer tokens.
 *
 * <p>Benchmark knob: a top-level body field {@code sim_chunks: N} forces exactly N answer chunks of
 * prose (still capped by {@code max_tokens} when that is given). vLLM's {@code min_tokens: N} makes the answer at
 * least N tokens, and {@code ignore_eos: true} makes it run to {@code max_tokens}, as they do on vLLM and SGLang.
 *
 * <p>Latency per model name ({@link LatencyModel}), overridden and faults injected by the server's
 * {@link FaultSpec} merged with a request's {@code X-Sim-Faults} header. The spec's {@code rpm}/{@code tpm}
 * quota is one pair of token buckets for the whole server ({@link Quota}), announced in OpenAI's
 * {@code x-ratelimit-*} headers; {@code cut-once} remembers, for the whole server, which prompts have had
 * their first stream cut. Handler threads are named
 * daemon threads owned by the simulator; {@link #close()} stops promptly, stalled streams included.
 *
 * <h2>A server other clients can be pointed at</h2>
 * The simulator stays up and answers within its {@link ServerLimits} whatever a client sends:
 * <ul>
 *   <li>Routing (404, 405), the {@code X-Sim-Faults} header (400) and the key (401) are checked on the headers alone,
 *       before the body is read and before a handler is taken. An error answered with a body unread says
 *       {@code Connection: close} and the connection is closed, the rest of the body never read.</li>
 *   <li>A body over {@link ServerLimits#maxBodyBytes()} (16 MiB by default) gets 413: at once when its
 *       {@code Content-Length} says so, after limit + 1 bytes when it is chunked; nothing past the limit is
 *       buffered, and a body is buffered as it arrives, never at its declared length up front.</li>
 *   <li>Header and body timeouts (10 s each by default): headers not complete in time close the connection (the JDK
 *       owns a half-read request line, no answer can be written); a body not complete in time, a
 *       {@code Content-Length} larger than the body sent included, gets 408 and the connection is closed.</li>
 *   <li>At most {@link ServerLimits#maxHandlers()} requests (256 by default) are handled at once (their body read,
 *       their latency waited out, their answer streamed), and the bodies they hold are at most
 *       {@link ServerLimits#maxBufferedBodyBytes()} (twice the body limit) in all; one more gets 503 with
 *       {@code Retry-After: 1}.</li>
 * </ul>
 * Why the JDK's {@link HttpServer} and not another server: it is the only one on the runtime classpath (a server
 * library would be the app's heaviest dependency, for the simulator alone), and with the design of
 * {@link ConnectionGuard} its one weakness, that it reads the headers on its executor's threads, costs a thread
 * for at most the header timeout and never a handler. Its idle and newly accepted connections wait in its selector,
 * holding no thread at all (closed after {@code sun.net.httpserver.idleInterval}, 30 s). Two of its JVM-wide
 * settings are set here when the JVM has not set them: {@code sun.net.httpserver.nodelay} (see below) and
 * {@code sun.net.httpserver.maxReqHeaderSize}, 64 KiB instead of 380 KiB, which bounds the memory of a
 * connection still sending its headers. Its own {@code maxReqTime} is not used: it is JVM-wide, in whole seconds,
 * and closes without an answer; the guard's timeouts are per simulator.
 */
public final class Simulator implements AutoCloseable {
    static final String FAULTS_HEADER = "X-Sim-Faults";
    private static final System.Logger LOG = System.getLogger(Simulator.class.getName());
    private static final AtomicInteger SERVER_IDS = new AtomicInteger();

    static {
        // The JDK server leaves Nagle's algorithm on by default: every response written in two parts
        // (headers, then body) would then wait ~40 ms for a delayed ACK. Read once, when the JDK's
        // server configuration loads, so it is set before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // real clients send a few KiB of headers; this bounds what a connection still sending them can hold
        if (System.getProperty("sun.net.httpserver.maxReqHeaderSize") == null) {
            System.setProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024));
        }
    }

    private final SimConfig config;
    private final HttpServer server;
    private final ConnectionGuard guard;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final ChatCompletions chat;
    private final BatchApi batches;
    private volatile Thread shutdownHook;

    private Simulator(SimConfig config, HttpServer server, ConnectionGuard guard, LongSupplier quotaClock) {
        this.config = config;
        this.server = server;
        this.guard = guard;
        this.chat = new ChatCompletions(config, new Quota(quotaClock), closed);
        this.batches = new BatchApi(config, chat, quotaClock); // its batches age on the same clock
    }

    /** Binds {@code config.host():config.port()} (0 = a free port) and starts serving. */
    public static Simulator start(SimConfig config) throws IOException {
        return start(config, System::nanoTime);
    }

    /**
     * As {@link #start(SimConfig)}, the {@code rpm}/{@code tpm} quota's buckets refilled by {@code quotaClock}
     * (nanoseconds, as {@link System#nanoTime()}) so that tests can drive them with fake time. Latency stays real.
     */
    static Simulator start(SimConfig config, LongSupplier quotaClock) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 256);
        int id = SERVER_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ConnectionGuard guard = new ConnectionGuard(config.limits(),
                daemonThreads(() -> "sim-" + id + "-http-" + threadIds.incrementAndGet()),
                daemonThreads(() -> "sim-" + id + "-watchdog"), Simulator::requestTimeout);
        Simulator sim = new Simulator(config, server, guard, quotaClock);
        server.setExecutor(guard);
        server.createContext("/", sim::handle);
        // started from one of its own threads, so that the server's dispatcher thread (made by start()) has
        // their priority too
        try {
            guard.submit(server::start).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sim.close();
            throw new IOException("interrupted while starting the simulator", e);
        } catch (java.util.concurrent.ExecutionException e) {
            sim.close();
            throw new IOException("the simulator did not start: " + e.getCause(), e.getCause());
        }
        return sim;
    }

    private static ThreadFactory daemonThreads(java.util.function.Supplier<String> names) {
        return r -> {
            Thread t = new Thread(r, names.get());
            t.setDaemon(true);
            // an embedded simulator is background work: below the UI's threads (see DaemonThreads)
            t.setPriority(Thread.MIN_PRIORITY);
            t.setUncaughtExceptionHandler((th, e) ->
                    LOG.log(System.Logger.Level.WARNING, "simulator thread " + th.getName() + " failed", e));
            return t;
        };
    }

    /** The body timeout's 408, sent while the handler is still blocked reading the body. */
    private static void requestTimeout(HttpExchange ex) throws IOException {
        Http.errorBeforeHangup(ex, 408, "The request body did not arrive in time.", "invalid_request_error", null,
                "request_timeout");
    }

    /** {@code http://HOST:PORT/v1}. */
    public String baseUrl() {
        return "http://" + config.host() + ":" + port() + "/v1";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The HTTP requests received so far (every path, faults included). */
    public long requestCount() {
        return requests.get();
    }

    /** Body bytes reserved by the requests being handled (at most {@link ServerLimits#maxBufferedBodyBytes()}). */
    long bufferedBodyBytes() {
        return guard.bufferedBodyBytes();
    }

    /** Requests being handled now (at most {@link ServerLimits#maxHandlers()}). */
    int busyHandlers() {
        return guard.busyHandlers();
    }

    public SimConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} has been called (by another thread or a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Registers a JVM shutdown hook that closes this simulator (for the command line's foreground mode). */
    public void closeOnShutdown() {
        Thread hook = new Thread(this::close, "sim-shutdown");
        shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Stops at once: open streams (stalled ones too) are cut, handler threads interrupted. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed.countDown();
        server.stop(0);
        guard.close();
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long n = requests.incrementAndGet();
        ConnectionGuard.Watch watch = guard.current();
        long declared = declaredLength(ex);
        watch.headersDone(ex, declared != 0);
        try {
            route(ex, n, watch, declared);
        } catch (ChatCompletions.DropConnection | ConnectionGuard.Hangup drop) {
            // rethrown without closing the exchange: the server then closes the connection abruptly
            throw drop;
        } catch (IOException e) {
            ex.close();
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "simulator request failed", e);
            try {
                Http.error(ex, 500, "The simulator failed: " + e, "server_error", null, "internal_error");
            } catch (IOException | RuntimeException ignored) {
                // response already started
            }
            ex.close();
        }
    }

    /** The body's length from the headers: 0 for none, -1 for a chunked one. */
    private static long declaredLength(HttpExchange ex) {
        String te = ex.getRequestHeaders().getFirst("Transfer-Encoding");
        if (te != null) {
            return -1; // the JDK refuses every other transfer coding, and Content-Length with it, before this
        }
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        return cl == null ? 0 : Long.parseLong(cl.strip()); // the JDK has parsed it already (a bad one is its 400)
    }

    private enum Endpoint { MODELS, MODEL, CHAT, BATCH }

    /**
     * Routing, the key and the declared length are checked before the body is read and before a handler is taken;
     * then the body is read (at most the limit, within the body timeout) and the request answered.
     */
    private void route(HttpExchange ex, long requestNumber, ConnectionGuard.Watch watch, long declared)
            throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean unread = declared != 0;
        Endpoint endpoint;
        if (path.equals("/v1/models")) {
            endpoint = Endpoint.MODELS;
        } else if (path.startsWith("/v1/models/")) {
            endpoint = Endpoint.MODEL;
        } else if (path.equals("/v1/chat/completions")) {
            endpoint = Endpoint.CHAT;
        } else if (BatchApi.handles(path)) {
            endpoint = Endpoint.BATCH; // files and batches: BatchApi checks their methods
        } else {
            early(ex, watch, unread, 404, "Unknown request URL: " + method + " " + path + ".", "unknown_url", null);
            return;
        }
        String allowed = endpoint == Endpoint.CHAT ? "POST" : "GET";
        if (endpoint != Endpoint.BATCH && !method.equals(allowed)) {
            ex.getResponseHeaders().set("Allow", allowed);
            early(ex, watch, unread, 405, "Method " + method + " is not allowed on " + path + ".",
                    "method_not_allowed", null);
            return;
        }
        FaultSpec faults = config.faults();
        String header = ex.getRequestHeaders().getFirst(FAULTS_HEADER);
        if (header != null) {
            try {
                faults = faults.merge(FaultSpec.parse(header));
            } catch (IllegalArgumentException e) {
                early(ex, watch, unread, 400, FAULTS_HEADER + ": " + e.getMessage(), "invalid_sim_faults",
                        FAULTS_HEADER);
                return;
            }
        }
        if (!faults.acceptsKey(bearer(ex))) {
            early(ex, watch, unread, 401, "Incorrect API key provided.", "invalid_api_key", null);
            return;
        }
        long limit = config.limits().maxBodyBytes();
        if (declared > limit) {
            tooLarge(ex, watch, limit);
            return;
        }
        if (!guard.tryAcquireHandler()) {
            overloaded(ex, watch, unread, config.limits().maxHandlers() + " requests are being handled");
            return;
        }
        long[] reserved = {0};
        try {
            byte[] body = readBody(ex, watch, declared, limit, reserved);
            if (body == null) {
                return;
            }
            SplittableRandom dice = new SplittableRandom(config.randomSeed() * 0x9E3779B97F4A7C15L + requestNumber);
            switch (endpoint) {
                case MODELS -> models(ex);
                case MODEL -> model(ex, path.substring("/v1/models/".length()));
                case CHAT -> chat.handle(ex, body, faults, dice);
                case BATCH -> batches.handle(ex, method, path, body, faults);
                default -> throw new IllegalStateException("unrouted " + endpoint);
            }
        } finally {
            guard.releaseBody(reserved[0]);
            guard.releaseHandler();
        }
    }

    private static void overloaded(HttpExchange ex, ConnectionGuard.Watch watch, boolean unread, String why)
            throws IOException {
        ex.getResponseHeaders().set("Retry-After", "1");
        earlyError(ex, watch, unread, 503, "The server is overloaded: " + why + ". Please retry after a short wait.",
                "server_error", "server_overloaded", null);
    }

    /**
     * The body, at most {@code limit} bytes, its buffer reserved from the server's budget (added to
     * {@code reserved[0]}, which the caller releases); null when a 413 or a 503 has been sent instead.
     *
     * @throws ConnectionGuard.Hangup when it did not arrive in time (the 408 has been sent) or the client left
     */
    private byte[] readBody(HttpExchange ex, ConnectionGuard.Watch watch, long declared, long limit,
                            long[] reserved) throws IOException {
        if (declared == 0) {
            return new byte[0];
        }
        String budgetFull = "the bodies being read fill the buffer of " + config.limits().maxBufferedBodyBytes()
                + " bytes";
        if (declared > 0 && !guard.tryReserveBody(declared)) {
            overloaded(ex, watch, true, budgetFull);
            return null;
        }
        reserved[0] = Math.max(declared, 0);
        byte[] body;
        try {
            if (declared > 0) {
                body = new byte[(int) declared]; // reserved: the declared length is within the budget
                if (ex.getRequestBody().readNBytes(body, 0, body.length) < declared) {
                    throw new ConnectionGuard.Hangup("the client closed before sending the whole body", null);
                }
            } else {
                body = readChunked(ex, limit, reserved);
                if (body == null) {
                    if (reserved[0] > limit) {
                        tooLarge(ex, watch, limit);
                    } else {
                        overloaded(ex, watch, true, budgetFull);
                    }
                    return null;
                }
            }
        } catch (IOException e) {
            if (!watch.claim()) {
                watch.awaitTimeoutAnswer();
            }
            throw e instanceof ConnectionGuard.Hangup h ? h
                    : new ConnectionGuard.Hangup("the request body did not arrive", e);
        }
        if (!watch.claim()) {
            watch.awaitTimeoutAnswer();
            throw new ConnectionGuard.Hangup("the request body took too long", null);
        }
        return body;
    }

    /**
     * A chunked body, reserved piece by piece as it arrives; null when it passed {@code limit} (then
     * {@code reserved[0] > limit}) or the budget ran out.
     */
    private byte[] readChunked(HttpExchange ex, long limit, long[] reserved) throws IOException {
        java.io.InputStream in = ex.getRequestBody();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        byte[] piece = new byte[64 * 1024];
        for (int n = in.read(piece); n >= 0; n = in.read(piece)) {
            if (!guard.tryReserveBody(n)) {
                return null;
            }
            reserved[0] += n;
            if (reserved[0] > limit) {
                return null;
            }
            buf.write(piece, 0, n);
        }
        return buf.toByteArray();
    }

    private static void tooLarge(HttpExchange ex, ConnectionGuard.Watch watch, long limit) throws IOException {
        earlyError(ex, watch, true, 413, "The request body is too large: the limit is " + limit + " bytes.",
                "invalid_request_error", "request_too_large", null);
    }

    private static void early(HttpExchange ex, ConnectionGuard.Watch watch, boolean unread, int status,
                              String message, String code, String param) throws IOException {
        earlyError(ex, watch, unread, status, message, "invalid_request_error", code, param);
    }

    /**
     * An error answered before the body is read. Without a body the connection is kept alive; with one, the answer
     * says {@code Connection: close} and the connection is closed after it, the body left unread.
     */
    private static void earlyError(HttpExchange ex, ConnectionGuard.Watch watch, boolean unread, int status,
                                   String message, String type, String code, String param) throws IOException {
        if (!unread) {
            Http.error(ex, status, message, type, param, code);
            return;
        }
        if (!watch.claim()) {
            watch.awaitTimeoutAnswer();
            throw new ConnectionGuard.Hangup("the request body took too long", null);
        }
        Http.errorBeforeHangup(ex, status, message, type, param, code);
        throw new ConnectionGuard.Hangup("answered " + status + " without reading the body", null);
    }

    private static String bearer(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return auth.substring(7).strip();
    }

    private void models(HttpExchange ex) throws IOException {
        JsonObject list = new JsonObject();
        list.addProperty("object", "list");
        JsonArray data = new JsonArray();
        for (String m : config.models()) {
            data.add(modelObject(m));
        }
        list.add("data", data);
        Http.json(ex, 200, list);
    }

    private void model(HttpExchange ex, String id) throws IOException {
        if (!config.models().contains(id)) {
            Http.error(ex, 404, "The model `" + id + "` does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found");
            return;
        }
        Http.json(ex, 200, modelObject(id));
    }

    private static JsonObject modelObject(String id) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", "model");
        o.addProperty("created", 1_735_689_600L);
        o.addProperty("owned_by", id.startsWith("qwen") ? "qwen" : "sim");
        return o;
    }
}
