package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
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
    private static final long DEFAULT_SEED = 1234L;
    private static final byte[] CONTENT_KEY = ascii("\"content\":");
    private static final byte[] REASONING_KEY = ascii("\"reasoning_content\":");
    private static final byte[] TOKEN_SUFFIX = ascii("},\"finish_reason\":null}]}\n\n");
    private static final byte[] DONE = ascii("data: [DONE]\n\n");
    static final String THINKING_NON_STREAM_MESSAGE =
            "parameter.enable_thinking must be set to false for non-streaming calls";

    private final SimConfig config;
    private final Quota quota;
    private final CountDownLatch closed;
    /** The prompts (hashes of their messages) whose first stream {@code cut-once} has cut already. */
    private final Set<String> cutPrompts = ConcurrentHashMap.newKeySet();

    ChatCompletions(SimConfig config, Quota quota, CountDownLatch closed) {
        this.config = config;
        this.quota = quota;
        this.closed = closed;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A 400 with an OpenAI-shaped body. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final String param;
        final String code;

        BadRequest(String message, String param, String code) {
            super(message, null, false, false);
            this.param = param;
            this.code = code;
        }
    }

    /** The fields of a request the simulator acts on. */
    private record Req(JsonObject body, String model, JsonArray messages, boolean stream, boolean includeUsage,
                       Integer maxTokens, long seed, boolean thinking, Integer thinkingBudget, JsonArray tools,
                       JsonElement toolChoice, JsonObject responseFormat, Integer simChunks) {
    }

    /** What will be sent: reasoning tokens, then answer tokens (text or tool-call arguments). */
    private record Plan(Tokens reasoning, int reasoningEmit, Tokens answer, int answerEmit, String toolName,
                        String toolCallId, String finishReason, int promptTokens) {
        int completionTokens() {
            return reasoningEmit + answerEmit;
        }

        int total() {
            return reasoningEmit + answerEmit;
        }
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

        Req r;
        try {
            r = parse(body);
        } catch (BadRequest e) {
            Http.error(ex, 400, e.getMessage(), "invalid_request_error", e.param, e.code);
            return;
        }
        if (r.thinking() && !r.stream()) {
            Http.error(ex, 400, THINKING_NON_STREAM_MESSAGE, "invalid_request_error", null, "invalid_parameter_error");
            return;
        }
        Plan plan = plan(r, faults.ignoreMaxTokens());
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
        MidFault fault = dDrop < faults.drop() ? MidFault.DROP
                : dStall < faults.stall() ? MidFault.STALL
                : dError < faults.errorEvent() ? MidFault.ERROR_EVENT : MidFault.NONE;
        int total = plan.total();
        int faultAt = total <= 1 ? 0 : 1 + (int) (dWhere * (total - 1));
        if (r.stream() && faults.cutOnce() && cutPrompts.add(promptKey(r.messages()))) {
            fault = MidFault.DROP;
            faultAt = cutPoint(plan);
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

    // ---- parsing ----

    private Req parse(byte[] bytes) throws BadRequest {
        JsonObject b;
        try {
            JsonElement el = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!el.isJsonObject()) {
                throw new BadRequest("The request body must be a JSON object.", null, "invalid_json");
            }
            b = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new BadRequest("We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly.)", null, "invalid_json");
        }
        String model = config.defaultModel();
        if (present(b, "model")) {
            model = string(b, "model");
            if (model.isBlank()) {
                throw new BadRequest("'model' must not be empty.", "model", "invalid_value");
            }
        }
        JsonElement msgs = b.get("messages");
        if (msgs == null || msgs.isJsonNull()) {
            throw new BadRequest("'messages' is a required property.", "messages", "missing_required_parameter");
        }
        if (!msgs.isJsonArray() || msgs.getAsJsonArray().isEmpty()) {
            throw new BadRequest("'messages' must be a non-empty array.", "messages", "invalid_value");
        }
        for (JsonElement m : msgs.getAsJsonArray()) {
            if (!m.isJsonObject() || !m.getAsJsonObject().has("role")
                    || !m.getAsJsonObject().get("role").isJsonPrimitive()) {
                throw new BadRequest("Each message must be an object with a 'role'.", "messages", "invalid_value");
            }
        }
        boolean stream = bool(b, "stream");
        boolean includeUsage = false;
        if (present(b, "stream_options")) {
            if (!b.get("stream_options").isJsonObject()) {
                throw new BadRequest("'stream_options' must be an object.", "stream_options", "invalid_type");
            }
            includeUsage = bool(b.getAsJsonObject("stream_options"), "include_usage");
        }
        Integer maxTokens = positiveInt(b, "max_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(b, "max_completion_tokens");
        }
        long seed = DEFAULT_SEED;
        if (present(b, "seed")) {
            try {
                seed = b.get("seed").getAsLong();
            } catch (RuntimeException e) {
                throw new BadRequest("'seed' must be an integer.", "seed", "invalid_type");
            }
        }
        JsonArray tools = null;
        if (present(b, "tools")) {
            if (!b.get("tools").isJsonArray()) {
                throw new BadRequest("'tools' must be an array.", "tools", "invalid_type");
            }
            tools = b.getAsJsonArray("tools");
        }
        JsonObject responseFormat = null;
        if (present(b, "response_format")) {
            if (!b.get("response_format").isJsonObject()) {
                throw new BadRequest("'response_format' must be an object.", "response_format", "invalid_type");
            }
            responseFormat = b.getAsJsonObject("response_format");
        }
        return new Req(b, model, msgs.getAsJsonArray(), stream, includeUsage, maxTokens, seed,
                bool(b, "enable_thinking"), positiveInt(b, "thinking_budget"), tools, b.get("tool_choice"),
                responseFormat, positiveInt(b, "sim_chunks"));
    }

    private static boolean present(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull();
    }

    private static String string(JsonObject o, String name) throws BadRequest {
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new BadRequest("'" + name + "' must be a string.", name, "invalid_type");
        }
        return e.getAsString();
    }

    private static boolean bool(JsonObject o, String name) throws BadRequest {
        if (!present(o, name)) {
            return false;
        }
        JsonElement e = o.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new BadRequest("'" + name + "' must be a boolean.", name, "invalid_type");
        }
        return e.getAsBoolean();
    }

    private static Integer positiveInt(JsonObject o, String name) throws BadRequest {
        if (!present(o, name)) {
            return null;
        }
        JsonElement e = o.get(name);
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                double d = e.getAsDouble();
                if (d >= 1 && d <= Integer.MAX_VALUE && d == Math.rint(d)) {
                    return (int) d;
                }
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new BadRequest("'" + name + "' must be a positive integer.", name, "invalid_value");
    }

    // ---- the answer ----

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

    /**
     * Where {@code cut-once} cuts (the index of the first token not sent): after the reasoning and half
     * the answer, at least one answer token; without answer tokens, after half the reasoning (at least one).
     */
    private static int cutPoint(Plan p) {
        if (p.answerEmit() > 0) {
            return p.reasoningEmit() + Math.max(1, p.answerEmit() / 2);
        }
        return Math.max(1, p.reasoningEmit() / 2);
    }

    private Plan plan(Req r, boolean ignoreMaxTokens) {
        String conversation = r.messages().toString();
        // the model takes part, so that two models compared on one prompt answer differently
        long hash = fnv64(r.model() + "\n" + conversation) ^ (r.seed() * 0xC2B2AE3D27D4EB4FL);
        SplittableRandom textRnd = new SplittableRandom(hash);
        SplittableRandom reasonRnd = new SplittableRandom(hash ^ 0x5DEECE66DL);
        boolean chinese = lastUserIsChinese(r.messages());
        int promptTokens = 3;
        for (JsonElement m : r.messages()) {
            promptTokens += 4 + Tokens.count(contentText(m.getAsJsonObject()));
        }

        Tokens reasoning = null;
        int reasoningLen = 0;
        if (r.thinking()) {
            reasoningLen = 20 + reasonRnd.nextInt(81);
            if (r.thinkingBudget() != null) {
                reasoningLen = Math.min(reasoningLen, r.thinkingBudget());
            }
            reasoning = Tokens.prose(reasonRnd, reasoningLen, chinese);
        }

        int proseLen = r.simChunks() != null ? r.simChunks() : 30 + textRnd.nextInt(121);
        Tokens answer;
        String toolName = null;
        String toolCallId = null;
        JsonObject tool = chosenTool(r);
        if (tool != null) {
            JsonObject fn = tool.has("function") && tool.get("function").isJsonObject()
                    ? tool.getAsJsonObject("function") : new JsonObject();
            toolName = fn.has("name") && fn.get("name").isJsonPrimitive() ? fn.get("name").getAsString() : "tool";
            toolCallId = "call_" + Long.toHexString(hash & 0xFFFFFFFFFFFFL);
            JsonElement args = JsonFromSchema.generate(fn.get("parameters"), textRnd, chinese);
            if (!args.isJsonObject()) {
                JsonObject wrap = new JsonObject();
                wrap.add("value", args);
                args = wrap;
            }
            answer = Tokens.pieces(Tokens.GSON.toJson(args));
        } else if (r.responseFormat() != null && isJsonFormat(r.responseFormat())) {
            answer = Tokens.pieces(Tokens.GSON.toJson(jsonAnswer(r.responseFormat(), textRnd, proseLen, chinese)));
        } else {
            answer = Tokens.prose(textRnd, proseLen, chinese);
        }

        int reasoningEmit = reasoningLen;
        int answerEmit = answer.size();
        boolean cut = false;
        if (r.maxTokens() != null && !ignoreMaxTokens) {
            int max = r.maxTokens();
            if (reasoningEmit > max) {
                reasoningEmit = max;
                cut = true;
            }
            int room = max - reasoningEmit;
            if (answerEmit > room) {
                answerEmit = room;
                cut = true;
            }
        }
        String finish = cut ? "length" : toolName != null ? "tool_calls" : "stop";
        return new Plan(reasoning, reasoningEmit, answer, answerEmit, toolName, toolCallId, finish, promptTokens);
    }

    private static JsonObject chosenTool(Req r) {
        if (r.tools() == null || r.tools().isEmpty()) {
            return null;
        }
        JsonElement choice = r.toolChoice();
        if (choice != null && choice.isJsonPrimitive() && "none".equals(choice.getAsString())) {
            return null;
        }
        if (choice != null && choice.isJsonObject() && choice.getAsJsonObject().has("function")
                && choice.getAsJsonObject().get("function").isJsonObject()) {
            JsonElement wanted = choice.getAsJsonObject().getAsJsonObject("function").get("name");
            for (JsonElement t : r.tools()) {
                if (t.isJsonObject() && t.getAsJsonObject().has("function")
                        && t.getAsJsonObject().get("function").isJsonObject()
                        && t.getAsJsonObject().getAsJsonObject("function").get("name").equals(wanted)) {
                    return t.getAsJsonObject();
                }
            }
        }
        JsonElement first = r.tools().get(0);
        return first.isJsonObject() ? first.getAsJsonObject() : new JsonObject();
    }

    private static boolean isJsonFormat(JsonObject rf) {
        JsonElement t = rf.get("type");
        if (t == null || !t.isJsonPrimitive()) {
            return false;
        }
        String type = t.getAsString().toLowerCase(Locale.ROOT);
        return type.equals("json_object") || type.equals("json_schema");
    }

    private static JsonElement jsonAnswer(JsonObject rf, SplittableRandom rnd, int proseLen, boolean chinese) {
        if ("json_schema".equalsIgnoreCase(rf.get("type").getAsString()) && rf.has("json_schema")
                && rf.get("json_schema").isJsonObject() && rf.getAsJsonObject("json_schema").has("schema")) {
            return JsonFromSchema.generate(rf.getAsJsonObject("json_schema").get("schema"), rnd, chinese);
        }
        JsonObject o = new JsonObject();
        o.addProperty("answer", Tokens.prose(rnd, Math.max(1, proseLen / 2), chinese).join(Math.max(1, proseLen / 2)));
        o.addProperty("language", chinese ? "zh" : "en");
        return o;
    }

    private static boolean lastUserIsChinese(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.get(i).getAsJsonObject();
            if ("user".equals(m.get("role").getAsString())) {
                return Tokens.containsHan(contentText(m));
            }
        }
        return false;
    }

    private static String contentText(JsonObject m) {
        JsonElement c = m.get("content");
        StringBuilder sb = new StringBuilder();
        if (c != null && c.isJsonPrimitive()) {
            sb.append(c.getAsString());
        } else if (c != null && c.isJsonArray()) {
            for (JsonElement part : c.getAsJsonArray()) {
                if (part.isJsonObject() && part.getAsJsonObject().has("text")
                        && part.getAsJsonObject().get("text").isJsonPrimitive()) {
                    sb.append(part.getAsJsonObject().get("text").getAsString()).append(' ');
                }
            }
        }
        JsonElement calls = m.get("tool_calls");
        if (calls != null && calls.isJsonArray()) {
            sb.append(' ').append(calls);
        }
        return sb.toString();
    }

    private static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
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

    private JsonObject usage(Plan p) {
        JsonObject u = new JsonObject();
        u.addProperty("prompt_tokens", p.promptTokens());
        u.addProperty("completion_tokens", p.completionTokens());
        u.addProperty("total_tokens", p.promptTokens() + p.completionTokens());
        JsonObject cd = new JsonObject();
        cd.addProperty("reasoning_tokens", p.reasoningEmit());
        u.add("completion_tokens_details", cd);
        JsonObject pd = new JsonObject();
        pd.addProperty("cached_tokens", 0);
        u.add("prompt_tokens_details", pd);
        return u;
    }

    private void whole(HttpExchange ex, Req r, Plan p, String id, long created, MidFault fault, long deadline,
                       long interval, double jit, SplittableRandom jitter) throws IOException {
        if (interval > 0) {
            for (int i = 1; i < p.total(); i++) {
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
        Http.json(ex, 200, completionObject(r, p, id, created));
    }

    /** A whole (non-streamed) chat completion object. */
    private JsonObject completionObject(Req r, Plan p, String id, long created) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        if (p.reasoningEmit() > 0) {
            message.addProperty("reasoning_content", p.reasoning().join(p.reasoningEmit()));
        }
        if (p.toolName() != null) {
            message.add("content", com.google.gson.JsonNull.INSTANCE);
            JsonArray calls = new JsonArray();
            JsonObject call = new JsonObject();
            call.addProperty("id", p.toolCallId());
            call.addProperty("type", "function");
            JsonObject fn = new JsonObject();
            fn.addProperty("name", p.toolName());
            fn.addProperty("arguments", p.answer().join(p.answerEmit()));
            call.add("function", fn);
            calls.add(call);
            message.add("tool_calls", calls);
        } else {
            message.addProperty("content", p.answer().join(p.answerEmit()));
        }
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", message);
        choice.add("logprobs", com.google.gson.JsonNull.INSTANCE);
        choice.addProperty("finish_reason", p.finishReason());
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", "chat.completion");
        o.addProperty("created", created);
        o.addProperty("model", r.model());
        JsonArray choices = new JsonArray();
        choices.add(choice);
        o.add("choices", choices);
        o.add("usage", usage(p));
        return o;
    }

    private void stream(HttpExchange ex, Req r, Plan p, String id, long created, MidFault fault, int faultAt,
                        long deadline, long interval, double jit, SplittableRandom jitter) throws IOException {
        String head = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + Tokens.GSON.toJson(r.model()) + ",";
        byte[] prefix = ascii(head + "\"choices\":[{\"index\":0,\"delta\":{");
        sleepUntil(deadline);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Request-Id", id);
        ex.sendResponseHeaders(200, 0);
        SseWriter w = new SseWriter(ex.getResponseBody(), interval > 0);
        w.put(prefix);
        w.put(ascii("\"role\":\"assistant\",\"content\":\"\""));
        w.put(TOKEN_SUFFIX);
        int k = 0;
        for (int i = 0; i < p.reasoningEmit(); i++, k++) {
            deadline = pace(k, deadline, interval, jit, jitter);
            if (k == faultAt && fault != MidFault.NONE && midFault(ex, w, fault)) {
                return;
            }
            w.put(prefix);
            w.put(REASONING_KEY);
            w.put(p.reasoning().json(i));
            w.put(TOKEN_SUFFIX);
            w.endEvent();
        }
        if (p.toolName() != null) {
            w.put(prefix);
            w.put(ascii("\"tool_calls\":[{\"index\":0,\"id\":\"" + p.toolCallId()
                    + "\",\"type\":\"function\",\"function\":{\"name\":" + Tokens.GSON.toJson(p.toolName())
                    + ",\"arguments\":\"\"}}]"));
            w.put(TOKEN_SUFFIX);
        }
        byte[] argsKey = ascii("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":");
        byte[] argsEnd = ascii("}}]");
        for (int i = 0; i < p.answerEmit(); i++, k++) {
            deadline = pace(k, deadline, interval, jit, jitter);
            if (k == faultAt && fault != MidFault.NONE && midFault(ex, w, fault)) {
                return;
            }
            w.put(prefix);
            if (p.toolName() != null) {
                w.put(argsKey);
                w.put(p.answer().json(i));
                w.put(argsEnd);
            } else {
                w.put(CONTENT_KEY);
                w.put(p.answer().json(i));
            }
            w.put(TOKEN_SUFFIX);
            w.endEvent();
        }
        if (k <= faultAt && fault != MidFault.NONE && midFault(ex, w, fault)) {
            return;
        }
        w.put(ascii(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + p.finishReason()
                + "\"}]}\n\n"));
        if (r.includeUsage()) {
            w.put(ascii(head + "\"choices\":[],\"usage\":" + Tokens.GSON.toJson(usage(p)) + "}\n\n"));
        }
        w.put(DONE);
        w.flush();
        ex.close();
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
     * The answer to one provider batch line's {@code body}, without any latency or fault: a whole
     * completion (thinking allowed, as batch engines do), or a 400 body when the request is not valid.
     */
    Offline offline(JsonObject requestBody, String id, long created) {
        Req r;
        try {
            r = parse(Tokens.GSON.toJson(requestBody).getBytes(StandardCharsets.UTF_8));
        } catch (BadRequest e) {
            return new Offline(400, Http.errorBody(e.getMessage(), "invalid_request_error", e.param, e.code));
        }
        return new Offline(200, completionObject(r, plan(r, false), id, created));
    }
}
