package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
 * <p>Benchmark knob: a top-level body field {@code sim_chunks: N} forces exactly N answer chunks of
 * prose (still capped by {@code max_tokens} when that is given).
 *
 * <p>Latency per model name ({@link LatencyModel}), overridden and faults injected by the server's
 * {@link FaultSpec} merged with a request's {@code X-Sim-Faults} header. The spec's {@code rpm}/{@code tpm}
 * quota is one pair of token buckets for the whole server ({@link Quota}), announced in OpenAI's
 * {@code x-ratelimit-*} headers; {@code cut-once} remembers, for the whole server, which prompts have had
 * their first stream cut. Handler threads are named
 * daemon threads owned by the simulator; {@link #close()} stops promptly, stalled streams included.
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
    }

    private final SimConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final ChatCompletions chat;
    private final BatchApi batches;
    private volatile Thread shutdownHook;

    private Simulator(SimConfig config, HttpServer server, ExecutorService executor, LongSupplier quotaClock) {
        this.config = config;
        this.server = server;
        this.executor = executor;
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
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "sim-" + id + "-http-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            // an embedded simulator is background work: below the UI's threads (see DaemonThreads)
            t.setPriority(Thread.MIN_PRIORITY);
            t.setUncaughtExceptionHandler((th, e) ->
                    LOG.log(System.Logger.Level.WARNING, "simulator thread " + th.getName() + " failed", e));
            return t;
        };
        ExecutorService executor = Executors.newCachedThreadPool(factory);
        Simulator sim = new Simulator(config, server, executor, quotaClock);
        server.setExecutor(executor);
        server.createContext("/", sim::handle);
        // started from one of its own threads, so that the server's dispatcher thread (made by start()) has
        // their priority too
        try {
            executor.submit(server::start).get();
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
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        try {
            route(ex, n);
        } catch (ChatCompletions.DropConnection drop) {
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

    private void route(HttpExchange ex, long requestNumber) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        FaultSpec faults = config.faults();
        String header = ex.getRequestHeaders().getFirst(FAULTS_HEADER);
        if (header != null) {
            try {
                faults = faults.merge(FaultSpec.parse(header));
            } catch (IllegalArgumentException e) {
                Http.error(ex, 400, FAULTS_HEADER + ": " + e.getMessage(), "invalid_request_error", FAULTS_HEADER,
                        "invalid_sim_faults");
                return;
            }
        }
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            notFound(ex, method, path);
            return;
        }
        if (!faults.acceptsKey(bearer(ex))) {
            Http.error(ex, 401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
            return;
        }
        SplittableRandom dice = new SplittableRandom(config.randomSeed() * 0x9E3779B97F4A7C15L + requestNumber);
        if (path.equals("/v1/models")) {
            if (!method.equals("GET")) {
                methodNotAllowed(ex, method, path);
                return;
            }
            models(ex);
        } else if (path.startsWith("/v1/models/")) {
            if (!method.equals("GET")) {
                methodNotAllowed(ex, method, path);
                return;
            }
            model(ex, path.substring("/v1/models/".length()));
        } else if (path.equals("/v1/chat/completions")) {
            if (!method.equals("POST")) {
                methodNotAllowed(ex, method, path);
                return;
            }
            chat.handle(ex, body, faults, dice);
        } else if (BatchApi.handles(path)) {
            batches.handle(ex, method, path, body, faults);
        } else {
            notFound(ex, method, path);
        }
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

    private static void notFound(HttpExchange ex, String method, String path) throws IOException {
        Http.error(ex, 404, "Unknown request URL: " + method + " " + path + ".", "invalid_request_error", null,
                "unknown_url");
    }

    private static void methodNotAllowed(HttpExchange ex, String method, String path) throws IOException {
        ex.getResponseHeaders().set("Allow", path.equals("/v1/chat/completions") ? "POST" : "GET");
        Http.error(ex, 405, "Method " + method + " is not allowed on " + path + ".", "invalid_request_error", null,
                "method_not_allowed");
    }
}
