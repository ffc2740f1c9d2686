package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonNull;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code POST /v1/chat/completions}: validation, the deterministic answer, latency, faults, the wire format. */
final class ChatCompletions {
    /** Thrown to cut the connection abruptly: the exchange is left unclosed and the server drops the socket. */
    static final class DropConnection extends IOException {
        private static final long serialVersionUID = 1L;

        DropConnection(String why) {
            super(why, null);
        }
    }

    private static final long STALL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final byte[] CONTENT_KEY = ascii("\"content\":");
    private static final byte[] TOKEN_SUFFIX = ascii("},\"finish_reason\":null}]}\n\n");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    static final String THINKING_NON_STREAM_MESSAGE =
            "parameter.enable_thinking must be set to false for non-streaming calls";

    private final SimConfig config;
    private final Quota quota;
    private final CountDownLatch closed;
    /** The prompts (hashes of their messages) whose first stream {@code cut-once} has cut already. */
    private final Set<String> cutPrompts = ConcurrentHashMap.newKeySet();
    /** {@code max-concurrency}'s queue: one fair semaphore per limit given (normally just one). */
    private final ConcurrentHashMap<Long, java.util.concurrent.Semaphore> inFlight = new ConcurrentHashMap<>();

    ChatCompletions(SimConfig config, Quota quota, CountDownLatch closed) {
        this.config = config;
        this.quota = quota;
        this.closed = closed;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private enum MidFault { NONE, DROP, STALL, ERROR_EVENT }

    void handle(HttpExchange ex, byte[] body, FaultSpec faults, SplittableRandom dice) throws IOException {
        long t0 = System.nanoTime();
        long created = System.currentTimeMillis() / 1000;
        String id = "chatcmpl-" + Long.toHexString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        double d429 = dice.nextDouble();
        double d5xx = dice.nextDouble();
        double dDrop = dice.nextDouble();
        double dStall = dice.nextDouble();
        double dError = dice.nextDouble();
        double dWhere = dice.nextDouble();

        ChatParams r;
        try {
            r = ChatParams.parse(body, config);
        } catch (ChatParams.Refusal e) {
            Http.error(ex, e.status, e.getMessage(), "invalid_request_error", e.param, e.code);
            return;
        }
        if (r.thinking() && !r.stream() && SimDialects.thinkingNeedsStreaming(config.dialect())) {
            Http.error(ex, 400, THINKING_NON_STREAM_MESSAGE, "invalid_request_error", null, "invalid_parameter_error");
            return;
        }
        Answer plan = Answer.plan(r, faults.ignoreMaxTokens());
        // a random hiccup, before the quota: not counted, and no x-ratelimit-* headers
        if (d429 < faults.rate429()) {
            tooManyRequests(ex, faults.retryAfterMs(), "requests",
                    "Requests rate limit exceeded, please try again later. (simulated)");
            return;
        }
        long requestTokens = (long) plan.promptTokens() + plan.completionTokens();
        Quota.Decision quotaSays = quota.tryAcquire(faults.rpm(), faults.burst(), faults.tpm(), faults.burstTokens(),
                requestTokens);
        if (quotaSays != null) {
            if (faults.rateLimitHeaders()) {
                rateLimitHeaders(ex, quotaSays);
            }
            if (!quotaSays.admitted()) {
                quotaExceeded(ex, r.model(), quotaSays, requestTokens);
                return;
            }
        }
        if (d5xx < faults.rate5xx()) {
            Http.error(ex, 500, "The server had an error while processing your request. (simulated)", "server_error",
                    null, "internal_error");
            return;
        }
        long limit = faults.maxConcurrency();
        if (limit <= 0) {
            respond(ex, r, plan, faults, id, created, t0, dDrop, dStall, dError, dWhere, dice);
            return;
        }
        java.util.concurrent.Semaphore slots = inFlight.computeIfAbsent(limit,
                n -> new java.util.concurrent.Semaphore((int) Math.min(Integer.MAX_VALUE, n), true));
        awaitSlot(slots);
        try {
            // the time to first token starts when the server takes the request up, as a serving engine's does
            respond(ex, r, plan, faults, id, created, System.nanoTime(), dDrop, dStall, dError, dWhere, dice);
        } finally {
            slots.release();
        }
    }

    /** Waits in {@code max-concurrency}'s queue; the connection is cut when the simulator closes meanwhile. */
    private void awaitSlot(java.util.concurrent.Semaphore slots) throws IOException {
        try {
            while (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                if (closed.getCount() == 0) {
                    throw new DropConnection("simulator closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropConnection("simulator closed");
        }
    }

    private void respond(HttpExchange ex, ChatParams r, Answer plan, FaultSpec faults, String id, long created, long t0,
                         double dDrop, double dStall, double dError, double dWhere, SplittableRandom dice)
            throws IOException {
        MidFault fault = dDrop < faults.drop() ? MidFault.DROP
                : dStall < faults.stall() ? MidFault.STALL
                : dError < faults.errorEvent() ? MidFault.ERROR_EVENT : MidFault.NONE;
        int total = plan.steps();
        int faultAt = total <= 1 ? 0 : 1 + (int) (dWhere * (total - 1));
        if (r.stream() && faults.cutOnce() && cutPrompts.add(promptKey(r.messages()))) {
            fault = MidFault.DROP;
            faultAt = plan.cutPoint();
        }
        LatencyModel.Profile lat = LatencyModel.resolve(r.model(), faults);
        SplittableRandom jitter = dice.split();
        long deadline = t0 + LatencyModel.jittered(TimeUnit.MILLISECONDS.toNanos(lat.ttftMs()), lat.jitter(), jitter);
        long interval = lat.tps() > 0 ? (long) (1e9 / lat.tps()) : 0;
        if (r.stream()) {
            stream(ex, r, plan, id, created, fault, faultAt, deadline, interval, lat.jitter(), jitter);
        } else {
            whole(ex, r, plan, id, created, fault, deadline, interval, lat.jitter(), jitter);
        }
    }

    /** A key for "the same messages": the first 128 bits of the SHA-256 of their JSON. */
    private static String promptKey(JsonArray messages) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(messages.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    // ---- responses ----

    private static void tooManyRequests(HttpExchange ex, long retryAfterMs, String type, String message)
            throws IOException {
        ex.getResponseHeaders().set("Retry-After", Long.toString((retryAfterMs + 999) / 1000));
        ex.getResponseHeaders().set("retry-after-ms", Long.toString(retryAfterMs));
        Http.error(ex, 429, message, type, null, "rate_limit_exceeded");
    }

    /** OpenAI's {@code x-ratelimit-*} headers: {@code -requests} with rpm, {@code -tokens} with tpm. */
    private static void rateLimitHeaders(HttpExchange ex, Quota.Decision d) {
        if (d.requests() != null) {
            rateLimitHeaders(ex, "requests", d.requests());
        }
        if (d.tokens() != null) {
            rateLimitHeaders(ex, "tokens", d.tokens());
        }
    }

    private static void rateLimitHeaders(HttpExchange ex, String what, Quota.State s) {
        ex.getResponseHeaders().set("x-ratelimit-limit-" + what, Long.toString(s.limit()));
        ex.getResponseHeaders().set("x-ratelimit-remaining-" + what, Long.toString(s.remaining()));
        ex.getResponseHeaders().set("x-ratelimit-reset-" + what, Quota.duration(s.resetMs()));
    }

    /** The quota's 429, worded as OpenAI's: the type says which limit ({@code requests} or {@code tokens}). */
    private static void quotaExceeded(HttpExchange ex, String model, Quota.Decision d, long requestTokens)
            throws IOException {
        boolean tokens = d.byTokens();
        Quota.State s = tokens ? d.tokens() : d.requests();
        String message = "Rate limit reached for " + (tokens ? "tokens per min (TPM)" : "requests per min (RPM)")
                + " on " + model + " (simulated): Limit " + s.limit() + ", Remaining " + s.remaining()
                + ", Requested " + (tokens ? requestTokens : 1) + ". Please try again in "
                + Quota.duration(d.retryAfterMs()) + ".";
        tooManyRequests(ex, d.retryAfterMs(), tokens ? "tokens" : "requests", message);
    }

    private static JsonObject usage(Answer p) {
        JsonObject u = new JsonObject();
        u.addProperty("prompt_tokens", p.promptTokens());
        u.addProperty("completion_tokens", p.completionTokens());
        u.addProperty("total_tokens", p.promptTokens() + p.completionTokens());
        JsonObject cd = new JsonObject();
        cd.addProperty("reasoning_tokens", p.reasoningTokens());
        u.add("completion_tokens_details", cd);
        JsonObject pd = new JsonObject();
        pd.addProperty("cached_tokens", 0);
        u.add("prompt_tokens_details", pd);
        return u;
    }

    private void whole(HttpExchange ex, ChatParams r, Answer p, String id, long created, MidFault fault,
                       long deadline, long interval, double jit, SplittableRandom jitter) throws IOException {
        if (interval > 0) {
            for (int i = 1; i < p.steps(); i++) {
                deadline += LatencyModel.jittered(interval, jit, jitter);
            }
        }
        sleepUntil(deadline);
        switch (fault) {
            case DROP -> throw new DropConnection("simulated drop");
            case STALL -> stall();
            case ERROR_EVENT -> {
                Http.error(ex, 500, "The server had an error while processing your request. (simulated)",
                        "server_error", null, "internal_error");
                return;
            }
            default -> {
            }
        }
        Http.json(ex, 200, completionObject(r, p, id, created, SimDialects.reasoningField(config.dialect(), r.body())));
    }

    /** A whole (non-streamed) chat completion object. */
    private static JsonObject completionObject(ChatParams r, Answer p, String id, long created, String reasoningField) {
        JsonArray choices = new JsonArray();
        for (int i = 0; i < p.choices().size(); i++) {
            Answer.Choice c = p.choices().get(i);
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            String thought = c.reasoningEmit() > 0 ? c.reasoning().join(c.reasoningEmit()) : null;
            if (thought != null && !reasoningField.equals(SimDialects.IN_CONTENT)
                    && !reasoningField.equals(SimDialects.HIDDEN)) {
                message.addProperty(reasoningField, thought);
            }
            String before = thought != null && reasoningField.equals(SimDialects.IN_CONTENT)
                    ? "<think>\n" + thought + "\n</think>\n\n" : "";
            if (c.toolName() != null) {
                message.add("content", JsonNull.INSTANCE);
                JsonArray calls = new JsonArray();
                JsonObject call = new JsonObject();
                call.addProperty("id", c.toolCallId());
                call.addProperty("type", "function");
                JsonObject fn = new JsonObject();
                fn.addProperty("name", c.toolName());
                fn.addProperty("arguments", c.answer().join(c.answerEmit()));
                call.add("function", fn);
                calls.add(call);
                message.add("tool_calls", calls);
            } else {
                message.addProperty("content", before + c.answer().join(c.answerEmit()));
            }
            JsonObject choice = new JsonObject();
            choice.addProperty("index", i);
            choice.add("message", message);
            choice.add("logprobs", c.logprobs() == null ? JsonNull.INSTANCE
                    : Answer.logprobsJson(c, 0, c.answerEmit()));
            choice.addProperty("finish_reason", c.finishReason());
            choices.add(choice);
        }
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", "chat.completion");
        o.addProperty("created", created);
        o.addProperty("model", r.model());
        o.add("choices", choices);
        o.add("usage", usage(p));
        return o;
    }

    /**
     * Streams the choices step by step: at each step every choice still going sends its next token (reasoning, then
     * answer), one chunk each, with its {@code index}; then one finish chunk per choice, the usage when asked, and
     * {@code [DONE]}. With one choice and no logprobs the chunks are written from ready-made bytes.
     */
    private void stream(HttpExchange ex, ChatParams r, Answer p, String id, long created, MidFault fault, int faultAt,
                        long deadline, long interval, double jit, SplittableRandom jitter) throws IOException {
        String head = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + Tokens.GSON.toJson(r.model()) + ",";
        int n = p.choices().size();
        byte[][] prefix = new byte[n][];
        for (int i = 0; i < n; i++) {
            prefix[i] = ascii(head + "\"choices\":[{\"index\":" + i + ",\"delta\":{");
        }
        sleepUntil(deadline);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Request-Id", id);
        ex.sendResponseHeaders(200, 0);
        SseWriter w = new SseWriter(ex.getResponseBody(), interval > 0);
        for (int i = 0; i < n; i++) {
            w.put(prefix[i]);
            w.put(ascii("\"role\":\"assistant\",\"content\":\"\""));
            w.put(TOKEN_SUFFIX);
        }
        boolean[] toolHeaderSent = new boolean[n];
        // where this dialect sends the reasoning: a field, inside the content between <think> tags, or not at all
        String field = SimDialects.reasoningField(config.dialect(), r.body());
        boolean inContent = field.equals(SimDialects.IN_CONTENT);
        boolean hidden = field.equals(SimDialects.HIDDEN);
        byte[] reasoningKey = inContent ? CONTENT_KEY : ascii("\"" + field + "\":");
        boolean[] thinkOpen = new boolean[n];
        byte[] argsKey = ascii("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":");
        byte[] argsEnd = ascii("}}]");
        int steps = p.steps();
        int k = 0;
        for (; k < steps; k++) {
            deadline = pace(k, deadline, interval, jit, jitter);
            if (k == faultAt && fault != MidFault.NONE && midFault(ex, w, fault)) {
                return;
            }
            for (int i = 0; i < n; i++) {
                Answer.Choice c = p.choices().get(i);
                if (k < c.reasoningEmit()) {
                    if (hidden) {
                        continue;
                    }
                    if (inContent && k == 0) {
                        thinkTag(w, prefix[i], "<think>\n");
                        thinkOpen[i] = true;
                    }
                    w.put(prefix[i]);
                    w.put(reasoningKey);
                    w.put(c.reasoning().json(k));
                    w.put(TOKEN_SUFFIX);
                    w.endEvent();
                    continue;
                }
                if (thinkOpen[i]) {
                    thinkTag(w, prefix[i], "\n</think>\n\n");
                    thinkOpen[i] = false;
                }
                if (k == c.reasoningEmit() && c.toolName() != null) {
                    toolHeader(w, prefix[i], c);
                    toolHeaderSent[i] = true;
                }
                int j = k - c.reasoningEmit();
                if (j >= c.answerEmit()) {
                    continue;
                }
                w.put(prefix[i]);
                if (c.toolName() != null) {
                    w.put(argsKey);
                    w.put(c.answer().json(j));
                    w.put(argsEnd);
                } else {
                    w.put(CONTENT_KEY);
                    w.put(c.answer().json(j));
                }
                if (c.logprobs() != null) {
                    w.put(ascii("},\"logprobs\":" + Tokens.GSON.toJson(Answer.logprobsJson(c, j, j + 1))
                            + ",\"finish_reason\":null}]}\n\n"));
                } else {
                    w.put(TOKEN_SUFFIX);
                }
                w.endEvent();
            }
        }
        if (k <= faultAt && fault != MidFault.NONE && midFault(ex, w, fault)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            if (thinkOpen[i]) {
                thinkTag(w, prefix[i], "\n</think>\n\n");
            }
            Answer.Choice c = p.choices().get(i);
            if (c.toolName() != null && !toolHeaderSent[i]) {
                toolHeader(w, prefix[i], c);
            }
        }
        for (int i = 0; i < n; i++) {
            w.put(ascii(head + "\"choices\":[{\"index\":" + i + ",\"delta\":{},\"finish_reason\":\""
                    + p.choices().get(i).finishReason() + "\"}]}\n\n"));
        }
        if (r.includeUsage() && SimDialects.sendsStreamUsage(config.dialect())) {
            w.put(ascii(head + "\"choices\":[],\"usage\":" + Tokens.GSON.toJson(usage(p)) + "}\n\n"));
        }
        w.put(DONE);
        w.flush();
        ex.close();
    }

    /** A chunk of content that is one of the {@code <think>} tags around reasoning sent inside the content. */
    private static void thinkTag(SseWriter w, byte[] prefix, String tag) throws IOException {
        w.put(prefix);
        w.put(CONTENT_KEY);
        w.put(ascii(Tokens.GSON.toJson(tag)));
        w.put(TOKEN_SUFFIX);
        w.endEvent();
    }

    private static void toolHeader(SseWriter w, byte[] prefix, Answer.Choice c) {
        w.put(prefix);
        w.put(ascii("\"tool_calls\":[{\"index\":0,\"id\":\"" + c.toolCallId()
                + "\",\"type\":\"function\",\"function\":{\"name\":" + Tokens.GSON.toJson(c.toolName())
                + ",\"arguments\":\"\"}}]"));
        w.put(TOKEN_SUFFIX);
    }

    /** Applies a mid-stream fault; true when the response is over. */
    private boolean midFault(HttpExchange ex, SseWriter w, MidFault fault) throws IOException {
        w.flush();
        switch (fault) {
            case DROP -> throw new DropConnection("simulated drop");
            case STALL -> {
                stall();
                return false;
            }
            case ERROR_EVENT -> {
                w.put(ascii("data: " + Tokens.GSON.toJson(Http.errorBody(
                        "The server had an error while processing your request. (simulated)", "server_error", null,
                        "internal_error")) + "\n\n"));
                w.flush();
                ex.close();
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private long pace(int k, long deadline, long interval, double jit, SplittableRandom jitter) throws IOException {
        if (k == 0 || interval <= 0) {
            return deadline;
        }
        long next = deadline + LatencyModel.jittered(interval, jit, jitter);
        sleepUntil(next);
        return next;
    }

    /** Silent for five minutes or until the simulator closes (then the connection is cut). */
    private void stall() throws IOException {
        try {
            if (closed.await(STALL_NANOS, TimeUnit.NANOSECONDS)) {
                throw new DropConnection("simulator closed during a stall");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropConnection("simulator closed during a stall");
        }
    }

    /** Waits until an absolute {@link System#nanoTime()} deadline (no drift from cumulative sleeps). */
    private void sleepUntil(long deadline) throws IOException {
        long rem;
        while ((rem = deadline - System.nanoTime()) > 0) {
            if (closed.getCount() == 0) {
                throw new DropConnection("simulator closed");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(rem);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DropConnection("simulator closed");
            }
        }
    }

    /** What a provider batch line gets: the HTTP status and body a non-streamed request would have got. */
    record Offline(int status, JsonObject body) {
    }

    /**
     * The answer to one provider batch line's {@code body}, without any latency or fault: a whole completion
     * (thinking allowed, as batch engines do), or the refusal a request with that body would get.
     */
    Offline offline(JsonObject requestBody, String id, long created) {
        ChatParams r;
        try {
            r = ChatParams.parse(Tokens.GSON.toJson(requestBody).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    config);
        } catch (ChatParams.Refusal e) {
            return new Offline(e.status, Http.errorBody(e.getMessage(), "invalid_request_error", e.param, e.code));
        }
        return new Offline(200, completionObject(r, Answer.plan(r, false), id, created,
                SimDialects.reasoningField(config.dialect(), r.body())));
    }
}
