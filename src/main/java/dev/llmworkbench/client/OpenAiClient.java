package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Completion;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.StreamListener;
import dev.llmworkbench.domain.Timeouts;
import dev.llmworkbench.domain.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import okio.BufferedSource;
import okio.Okio;

/**
 * The OpenAI-compatible wire client: {@code POST {baseUrl}/chat/completions} (streamed as SSE or
 * not) and {@code GET {baseUrl}/models}.
 *
 * <p>Threading: {@link StreamListener} callbacks and the completion of {@link ChatCall#result()}
 * happen on OkHttp's threads (a user's {@link ChatCall#cancel()} completes the result on the
 * cancelling thread).
 *
 * <p>Outcomes: a stream that ends after a {@code finish_reason} counts as complete even without
 * {@code [DONE]}; {@code [DONE]} always ends it successfully; a stream that ends with neither is an
 * error of kind {@code NETWORK}, code {@code incomplete_stream} (retryable), keeping the partial text.
 * An {@code {"error": ...}} event is mapped to its kind (SERVER when nothing says otherwise).
 * A reply that is not {@code text/event-stream} although streaming was asked for is read as one JSON
 * completion when it is one, else it is {@code MALFORMED} with a short excerpt.
 *
 * <p>Reasoning inside the content as {@code <think>…</think>} is split off. When the opening tag is
 * missing, the text before a lone {@code </think>} was already handed to the listener as content;
 * the final {@link Completion} moves it into the reasoning.
 *
 * <p>Timings: request start is OkHttp's {@code requestHeadersStart} (the request being written to
 * the connection). For a non-streamed reply end-to-end is the moment the whole body was read; TTFT,
 * TTFO and TPOT are null (no first token can be timed, none is invented).
 *
 * <p>The key is sent only in {@code Authorization: Bearer}; every error message is redacted with it.
 * This client installs its own OkHttp {@link EventListener} factory (a base client's one is replaced).
 */
public final class OpenAiClient {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final MediaType SSE = MediaType.get("text/event-stream");
    private static final long ERROR_BODY_LIMIT = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(OpenAiClient.class.getName());

    private final ProviderProfile profile;
    private final ApiKey key;
    private final Timeouts timeouts;
    private final OkHttpClient http;
    private final LongSupplier ticker;
    private final HttpUrl chatUrl;
    private final HttpUrl modelsUrl;
    private final RequestBodyCache bodies;

    public OpenAiClient(ProviderProfile profile, ApiKey key, Timeouts timeouts, OkHttpClient http,
                        LongSupplier nanoTicker) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.key = key;
        this.timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
        OkHttpClient base = http != null ? http : HttpClients.create(profile, this.timeouts);
        this.http = base.newBuilder().eventListenerFactory(OpenAiClient::eventsFor).build();
        this.ticker = nanoTicker != null ? nanoTicker : System::nanoTime;
        this.chatUrl = HttpUrl.get(profile.baseUrl() + "/chat/completions");
        this.modelsUrl = HttpUrl.get(profile.baseUrl() + "/models");
        this.bodies = new RequestBodyCache(this.profile);
    }

    private static EventListener eventsFor(Call call) {
        CallState s = call.request().tag(CallState.class);
        return s != null ? s.events : EventListener.NONE;
    }

    /**
     * The exact JSON body that {@link #start} would send (it never contains the key); the text around the
     * messages is kept for the last request shape ({@link RequestBodyCache}).
     */
    public String requestJson(ChatRequest req) {
        return bodies.json(req);
    }

    /** Sends the request; never throws for HTTP or network problems (they end up in the result). */
    public ChatCall start(ChatRequest req, StreamListener listener) {
        Objects.requireNonNull(req, "request");
        StreamListener l = listener == null ? StreamListener.NONE : listener;
        CallState st = new CallState(ticker, timeouts);
        Exchange ex = new Exchange(req, l, st);
        String json;
        try {
            json = requestJson(req);
        } catch (IllegalArgumentException e) {
            ex.finish(new ApiError(ApiError.Kind.BAD_REQUEST, null, "invalid_request", e.getMessage(), false, null,
                    null));
            return ex;
        }
        Request.Builder rb = new Request.Builder().url(chatUrl).post(RequestBody.create(json, JSON));
        addHeaders(rb, req.stream() ? "text/event-stream" : "application/json");
        Call call = http.newCall(st.tag(rb));
        st.call = call;
        st.startTotal();
        call.enqueue(ex);
        return ex;
    }

    /** Blocking convenience: {@code start(req, listener).await()}. */
    public Completion complete(ChatRequest req, StreamListener listener) {
        return start(req, listener).await();
    }

    public Completion complete(ChatRequest req) {
        return complete(req, StreamListener.NONE);
    }

    /** {@code GET {baseUrl}/models}: the model ids the server lists. */
    public List<String> listModels() throws ApiException {
        CallState st = new CallState(ticker, timeouts);
        Request.Builder rb = new Request.Builder().url(modelsUrl).get();
        addHeaders(rb, "application/json");
        Call call = http.newCall(st.tag(rb));
        st.call = call;
        st.startTotal();
        try (Response resp = call.execute()) {
            if (!resp.isSuccessful()) {
                throw new ApiException(redact(Errors.fromHttp(resp.code(), resp.headers(), errorBody(resp),
                        String.valueOf(resp.body().contentType()))));
            }
            String body = Okio.buffer(st.idleSource(resp.body().source())).readUtf8();
            return parseModels(body);
        } catch (IOException e) {
            throw new ApiException(redact(st.classify(e)));
        } finally {
            st.stopAll();
        }
    }

    private List<String> parseModels(String body) throws ApiException {
        try {
            JsonElement el = JsonParser.parseString(body);
            JsonArray data = null;
            if (el.isJsonArray()) {
                data = el.getAsJsonArray();
            } else if (el.isJsonObject()) {
                data = Json.arr(el.getAsJsonObject(), "data");
                if (data == null) {
                    data = Json.arr(el.getAsJsonObject(), "models");
                }
            }
            if (data == null) {
                throw new ApiException(redact(malformed("no model list in the reply: " + Errors.excerpt(body))));
            }
            List<String> ids = new ArrayList<>();
            for (JsonElement m : data) {
                if (m.isJsonObject()) {
                    String id = Json.str(m.getAsJsonObject(), "id");
                    if (id != null) {
                        ids.add(id);
                    }
                } else if (m.isJsonPrimitive()) {
                    ids.add(m.getAsString());
                }
            }
            return List.copyOf(ids);
        } catch (JsonParseException | IllegalStateException e) {
            throw new ApiException(redact(malformed("the model list is not JSON: " + Errors.excerpt(body))));
        }
    }

    private void addHeaders(Request.Builder rb, String accept) {
        for (Map.Entry<String, String> h : profile.extraHeaders().entrySet()) {
            rb.header(h.getKey(), h.getValue());
        }
        if (key != null) {
            rb.header("Authorization", "Bearer " + key.reveal());
        }
        rb.header("Accept", accept);
    }

    private static String errorBody(Response resp) {
        try {
            return resp.peekBody(ERROR_BODY_LIMIT).string();
        } catch (IOException e) {
            return "";
        }
    }

    private static ApiError malformed(String message) {
        return new ApiError(ApiError.Kind.MALFORMED, null, "malformed", message, false, null, null);
    }

    private ApiError redact(ApiError e) {
        if (e == null || key == null) {
            return e;
        }
        return new ApiError(e.kind(), e.status(), key.redact(e.code()), key.redact(e.message()), e.retryable(),
                e.retryAfter(), key.redact(e.hint()));
    }

    static Map<String, String> lowerCaseHeaders(Headers headers) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : headers.names()) {
            m.put(name.toLowerCase(Locale.ROOT), String.join(", ", headers.values(name)));
        }
        return m;
    }

    @Override
    public String toString() {
        return "OpenAiClient[" + profile.name() + " " + profile.baseUrl() + (key == null ? ", no key" : ", key=***")
                + "]";
    }

    /** One chat call: OkHttp callback, SSE listener and the result. */
    private final class Exchange extends EventSourceListener implements ChatCall, Callback {
        private final CompletableFuture<Completion> future = new CompletableFuture<>();
        private final StreamAccumulator acc = new StreamAccumulator();
        /** Every chunk of this exchange goes through one parser and its {@link Chunk} (one thread: OkHttp's reader). */
        private final ChunkParser chunks = new ChunkParser();
        private final ChatRequest req;
        private final StreamListener listener;
        private final CallState st;
        private volatile Integer status;
        private volatile Map<String, String> headers = Map.of();
        private volatile ApiError streamOutcome;
        private volatile boolean sawDone;
        private volatile Throwable streamFailure;
        private volatile boolean streamed;

        Exchange(ChatRequest req, StreamListener listener, CallState st) {
            this.req = req;
            this.listener = listener;
            this.st = st;
        }

        @Override
        public CompletableFuture<Completion> result() {
            return future;
        }

        @Override
        public void cancel() {
            if (future.isDone()) {
                return;
            }
            st.cancelled = true;
            Call c = st.call;
            if (c != null) {
                c.cancel();
            }
            finish(CallState.cancelledError());
        }

        @Override
        public String toString() {
            return "ChatCall[" + req.model() + (future.isDone() ? ", done" : ", running") + "]";
        }

        /** Completes the result once; emits the held-back tail first unless cancelled. */
        void finish(ApiError error) {
            StreamAccumulator.Emission tail;
            Completion c;
            synchronized (acc) {
                if (future.isDone()) {
                    return;
                }
                tail = acc.finish();
                c = acc.snapshot(req.model(), redact(error), status, headers, st.startNanos, st.now(), streamed);
            }
            st.stopAll();
            emit(tail); // no-op once cancelled
            future.complete(c);
        }

        // ---- OkHttp callback ----

        @Override
        public void onFailure(Call call, IOException e) {
            finish(st.classify(e));
        }

        @Override
        public void onResponse(Call call, Response response) {
            try (response) {
                status = response.code();
                headers = lowerCaseHeaders(response.headers());
                safely(() -> listener.onResponseHeaders(response.code(), headers));
                ResponseBody body = response.body();
                MediaType ct = body.contentType();
                if (!response.isSuccessful()) {
                    finish(Errors.fromHttp(response.code(), response.headers(), errorBody(response),
                            String.valueOf(ct)));
                    return;
                }
                BufferedSource src = Okio.buffer(st.idleSource(body.source()));
                if (req.stream() && looksLikeEventStream(ct, src)) {
                    streamed = true;
                    Response wrapped = response.newBuilder().body(ResponseBody.create(src, SSE, -1)).build();
                    EventSources.processResponse(wrapped, this);
                    finish(outcomeOfStream());
                } else {
                    String text = src.readUtf8();
                    long now = st.now();
                    safely(() -> listener.onRawEvent(now - st.startNanos, text));
                    finish(wholeBody(text, ct, now));
                }
            } catch (IOException e) {
                finish(st.classify(e));
            } catch (RuntimeException e) {
                finish(st.cancelled ? CallState.cancelledError()
                        : malformed("cannot read the reply: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }

        private boolean looksLikeEventStream(MediaType ct, BufferedSource src) throws IOException {
            if (ct != null && "text".equals(ct.type()) && "event-stream".equals(ct.subtype())) {
                return true;
            }
            if (ct != null && (ct.subtype().equals("json") || ct.subtype().endsWith("+json")
                    || ct.subtype().equals("html"))) {
                return false;
            }
            src.request(6);
            long n = Math.min(6, src.getBuffer().size());
            String head = src.peek().readUtf8(n);
            return head.startsWith("data:") || head.startsWith(":") || head.startsWith("event:")
                    || head.startsWith("id:") || head.startsWith("retry:");
        }

        private ApiError wholeBody(String text, MediaType ct, long now) {
            JsonElement el;
            try {
                el = JsonParser.parseString(text);
            } catch (JsonParseException e) {
                el = null;
            }
            if (el == null || !el.isJsonObject()) {
                String expected = req.stream() ? "expected an event stream" : "expected a JSON completion";
                return new ApiError(ApiError.Kind.MALFORMED, status, "unexpected_body", expected + ", got "
                        + (ct == null ? "no content type" : ct.toString()) + ": "
                        + Errors.readable(text, String.valueOf(ct), "an empty body"), false, null, null);
            }
            JsonObject o = el.getAsJsonObject();
            if (Json.get(o, "error") != null) {
                return Errors.fromErrorEvent(o);
            }
            if (Json.arr(o, "choices") == null) {
                return malformed("no choices in the reply: " + Errors.excerpt(text));
            }
            StreamAccumulator.Emission em;
            synchronized (acc) {
                em = acc.onWhole(o, now);
            }
            emit(em);
            return null;
        }

        private ApiError outcomeOfStream() {
            if (streamOutcome != null) {
                return streamOutcome;
            }
            if (st.cancelled) {
                return CallState.cancelledError();
            }
            if (sawDone) {
                return null;
            }
            String finish;
            synchronized (acc) {
                finish = acc.finishReason();
            }
            if (finish != null) {
                return null; // the answer is complete even if [DONE] or the usage chunk never came
            }
            Throwable t = streamFailure;
            if (t instanceof IOException io) {
                return st.classify(io);
            }
            if (t != null) {
                return malformed("cannot read the stream: " + t.getMessage());
            }
            return new ApiError(ApiError.Kind.NETWORK, null, "incomplete_stream",
                    "the stream ended before the model finished (no finish_reason, no [DONE])", true, null, null);
        }

        // ---- SSE listener ----

        @Override
        public void onEvent(EventSource es, String id, String type, String data) {
            if (st.cancelled || future.isDone()) {
                es.cancel();
                return;
            }
            long now = st.now();
            if (listener != StreamListener.NONE) {
                safely(() -> listener.onRawEvent(now - st.startNanos, data));
            }
            String d = data.trim();
            if (d.isEmpty()) {
                return;
            }
            if ("[DONE]".equals(d)) {
                sawDone = true;
                es.cancel();
                return;
            }
            Chunk c = null;
            JsonObject error = null;
            try {
                if ("error".equals(type)) {
                    error = chunks.parse(d);
                } else {
                    c = chunks.read(d);
                    if (c.error) {
                        error = chunks.parse(d); // rare: the error is read from the tree
                    }
                }
            } catch (JsonParseException e) {
                stopWith(es, malformed("an event is not JSON: " + Errors.excerpt(d)));
                return;
            }
            if (error != null) {
                stopWith(es, Errors.fromErrorEvent(error));
                return;
            }
            StreamAccumulator.Emission em;
            try {
                synchronized (acc) {
                    em = acc.onChunk(c, now);
                }
            } catch (RuntimeException e) {
                stopWith(es, malformed("an event has an unexpected shape: " + Errors.excerpt(d)));
                return;
            }
            emit(em);
        }

        private void stopWith(EventSource es, ApiError e) {
            streamOutcome = e;
            es.cancel();
            Call c = st.call;
            if (c != null) {
                c.cancel(); // drop the connection rather than drain a broken stream
            }
        }

        @Override
        public void onClosed(EventSource es) {
            // the body ended; outcomeOfStream() decides
        }

        @Override
        public void onFailure(EventSource es, Throwable t, Response response) {
            if (!sawDone && streamOutcome == null) {
                streamFailure = t;
            }
        }

        private void emit(StreamAccumulator.Emission em) {
            if (em.isEmpty() || st.cancelled || listener == StreamListener.NONE) {
                return;
            }
            if (!em.reasoning().isEmpty()) {
                safely(() -> listener.onReasoning(em.reasoning()));
            }
            if (!em.answer().isEmpty()) {
                safely(() -> listener.onContent(em.answer()));
            }
            for (ToolCall c : em.toolCalls()) {
                safely(() -> listener.onToolCall(c));
            }
        }

        private void safely(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a stream listener failed: " + e);
            }
        }
    }
}
