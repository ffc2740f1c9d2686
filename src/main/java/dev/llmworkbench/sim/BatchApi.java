package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The simulator's OpenAI-compatible Batch API: {@code POST /v1/files} (multipart, {@code purpose=batch}),
 * {@code GET /v1/files/{id}} and {@code /content}, {@code POST /v1/batches}, {@code GET /v1/batches}
 * ({@code limit}, {@code after}), {@code GET /v1/batches/{id}}, {@code POST /v1/batches/{id}/cancel}.
 *
 * {@code GET /v1/files} lists every file (uploads and results).
 *
 * <p>Accelerated time: a batch takes {@code batch-ms} (default 3000 ms) from creation: validating for the
 * first 10 %, in progress until 80 % (request counts growing evenly), finalizing, then completed. A batch
 * is observed lazily (on every GET), with the simulator's clock. Its input is validated when it is created
 * (reported once it leaves {@code validating}): bad JSON, a missing or repeated {@code custom_id}, a
 * method other than POST, a {@code url} other than the endpoint, a second model (and, in the dashscope
 * flavour, a second thinking mode), a line over the per-line limit, more lines than the limit: each an
 * entry of {@code errors.data} with its 1-based line. Faults (from {@code --faults} or {@code X-Sim-Faults}
 * at creation): {@code batch-line-fail=P} fails that share of lines (status 500 in the error file),
 * {@code batch-expire=1} expires the batch half way (the rest {@code batch_expired}), {@code batch-flavor}
 * {@code openai} (default) or {@code dashscope} chooses the published limits, {@code batch-max-lines=N}
 * overrides the line limit. Output and error lines are written in shuffled order.
 */
final class BatchApi {
    static final String ENDPOINT = "/v1/chat/completions";
    private static final long DEFAULT_BATCH_MS = 3000;
    private static final int MAX_ERRORS = 100;
    private static final Pattern DASHSCOPE_WINDOW = Pattern.compile("(\\d+)([hd])");

    /** A provider's published limits. */
    record Flavor(String name, int maxLines, long maxFileBytes, long maxLineBytes) {
        boolean acceptsWindow(String w) {
            if (w == null) {
                return false;
            }
            if (name.equals("openai")) {
                return w.equals("24h");
            }
            var m = DASHSCOPE_WINDOW.matcher(w);
            if (!m.matches()) {
                return false;
            }
            long n = Long.parseLong(m.group(1));
            return m.group(2).equals("h") ? n >= 24 && n <= 336 : n >= 1 && n <= 14;
        }
    }

    static final Flavor OPENAI = new Flavor("openai", 50_000, 200L * 1024 * 1024, 200L * 1024 * 1024);
    static final Flavor DASHSCOPE = new Flavor("dashscope", 50_000, 500L * 1024 * 1024, 6L * 1024 * 1024);

    /** Parses a {@code batch-flavor} value (for {@link FaultSpec}). */
    static String flavor(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.equals("openai") && !v.equals("dashscope")) {
            throw new IllegalArgumentException("fault spec: 'batch-flavor' must be openai or dashscope, was '"
                    + value + "'");
        }
        return v;
    }

    private final SimConfig config;
    private final ChatCompletions chat;
    private final LongSupplier clock;
    private final FileStore files = new FileStore();
    /** Every batch, oldest first. */
    private final List<SimBatch> batches = new CopyOnWriteArrayList<>();

    BatchApi(SimConfig config, ChatCompletions chat, LongSupplier nanoClock) {
        this.config = config;
        this.chat = chat;
        this.clock = nanoClock;
    }

    /** True for the paths this class answers. */
    static boolean handles(String path) {
        return path.equals("/v1/files") || path.startsWith("/v1/files/") || path.equals("/v1/batches")
                || path.startsWith("/v1/batches/");
    }

    void handle(HttpExchange ex, String method, String path, byte[] body, FaultSpec faults) throws IOException {
        String[] seg = path.substring(1).split("/");
        // seg[0] = v1, seg[1] = files | batches
        boolean filesPath = seg[1].equals("files");
        if (filesPath && seg.length == 2 && method.equals("POST")) {
            upload(ex, body, faults);
        } else if (filesPath && seg.length == 2 && method.equals("GET")) {
            JsonObject o = new JsonObject();
            o.addProperty("object", "list");
            JsonArray data = new JsonArray();
            files.all().forEach(f -> data.add(fileObject(f)));
            o.add("data", data);
            Http.json(ex, 200, o);
        } else if (filesPath && seg.length == 3 && method.equals("GET")) {
            FileStore.StoredFile f = files.get(seg[2]);
            if (f == null) {
                noFile(ex, seg[2]);
            } else {
                Http.json(ex, 200, fileObject(f));
            }
        } else if (filesPath && seg.length == 4 && seg[3].equals("content") && method.equals("GET")) {
            content(ex, seg[2]);
        } else if (!filesPath && seg.length == 2 && method.equals("POST")) {
            create(ex, body, faults);
        } else if (!filesPath && seg.length == 2 && method.equals("GET")) {
            list(ex);
        } else if (!filesPath && seg.length == 3 && method.equals("GET")) {
            SimBatch b = find(seg[2]);
            if (b == null) {
                noBatch(ex, seg[2]);
            } else {
                Http.json(ex, 200, b.json(clock.getAsLong()));
            }
        } else if (!filesPath && seg.length == 4 && seg[3].equals("cancel") && method.equals("POST")) {
            cancel(ex, seg[2]);
        } else {
            Http.error(ex, 404, "Unknown request URL: " + method + " " + path + ".", "invalid_request_error", null,
                    "unknown_url");
        }
    }

    private static Flavor flavorOf(FaultSpec faults) {
        Object f = faults.value("batch-flavor");
        Flavor base = "dashscope".equals(f) ? DASHSCOPE : OPENAI;
        Object max = faults.value("batch-max-lines");
        return max == null ? base : new Flavor(base.name(), (int) Math.min(Integer.MAX_VALUE, (Long) max),
                base.maxFileBytes(), base.maxLineBytes());
    }

    // ---- files

    private void upload(HttpExchange ex, byte[] body, FaultSpec faults) throws IOException {
        var parts = FileStore.parseMultipart(ex.getRequestHeaders().getFirst("Content-Type"), body);
        if (parts == null) {
            Http.error(ex, 400, "Expected a multipart/form-data body with 'file' and 'purpose'.",
                    "invalid_request_error", null, "invalid_multipart");
            return;
        }
        FileStore.Part purpose = parts.get("purpose");
        FileStore.Part file = parts.get("file");
        if (purpose == null || file == null) {
            Http.error(ex, 400, "'" + (purpose == null ? "purpose" : "file") + "' is a required field.",
                    "invalid_request_error", purpose == null ? "purpose" : "file", "missing_required_parameter");
            return;
        }
        if (!purpose.text().strip().equals("batch")) {
            Http.error(ex, 400, "The simulator accepts only purpose 'batch', got '" + purpose.text().strip() + "'.",
                    "invalid_request_error", "purpose", "invalid_value");
            return;
        }
        Flavor flavor = flavorOf(faults);
        if (file.data().length > flavor.maxFileBytes()) {
            Http.error(ex, 400, "File is too large: " + file.data().length + " bytes, the limit is "
                    + flavor.maxFileBytes() + " bytes.", "invalid_request_error", "file", "file_too_large");
            return;
        }
        FileStore.StoredFile f = files.put(file.filename() == null ? "upload.jsonl" : file.filename(), "batch",
                file.data());
        Http.json(ex, 200, fileObject(f));
    }

    private void content(HttpExchange ex, String id) throws IOException {
        FileStore.StoredFile f = files.get(id);
        if (f == null) {
            noFile(ex, id);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, f.bytes().length == 0 ? -1 : f.bytes().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(f.bytes());
        }
    }

    private static JsonObject fileObject(FileStore.StoredFile f) {
        JsonObject o = new JsonObject();
        o.addProperty("id", f.id());
        o.addProperty("object", "file");
        o.addProperty("bytes", f.bytes().length);
        o.addProperty("created_at", f.createdAt());
        o.addProperty("filename", f.filename());
        o.addProperty("purpose", f.purpose());
        return o;
    }

    private static void noFile(HttpExchange ex, String id) throws IOException {
        Http.error(ex, 404, "No such File object: " + id, "invalid_request_error", "id", "not_found");
    }

    private static void noBatch(HttpExchange ex, String id) throws IOException {
        Http.error(ex, 404, "No batch found with id '" + id + "'.", "invalid_request_error", "id", "not_found");
    }

    // ---- batches

    private SimBatch find(String id) {
        for (SimBatch b : batches) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        return null;
    }

    private void create(HttpExchange ex, byte[] body, FaultSpec faults) throws IOException {
        JsonObject req;
        try {
            JsonElement el = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            req = el.isJsonObject() ? el.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            req = null;
        }
        if (req == null) {
            Http.error(ex, 400, "The request body must be a JSON object.", "invalid_request_error", null,
                    "invalid_json");
            return;
        }
        String inputId = text(req, "input_file_id");
        String endpoint = text(req, "endpoint");
        String window = text(req, "completion_window");
        Flavor flavor = flavorOf(faults);
        if (!ENDPOINT.equals(endpoint)) {
            Http.error(ex, 400, "The endpoint must be " + ENDPOINT + ", got '" + endpoint + "'.",
                    "invalid_request_error", "endpoint", "invalid_value");
            return;
        }
        if (!flavor.acceptsWindow(window)) {
            Http.error(ex, 400, "Invalid completion_window '" + window + "': "
                    + (flavor == OPENAI || flavor.name().equals("openai") ? "only 24h is supported."
                    : "use 24h to 336h or 1d to 14d."), "invalid_request_error", "completion_window",
                    "invalid_value");
            return;
        }
        FileStore.StoredFile input = files.get(inputId);
        if (input == null) {
            Http.error(ex, 400, "Invalid input_file_id: no file '" + inputId + "'.", "invalid_request_error",
                    "input_file_id", "invalid_value");
            return;
        }
        JsonObject metadata = req.has("metadata") && req.get("metadata").isJsonObject()
                ? req.getAsJsonObject("metadata") : null;
        Object ms = faults.value("batch-ms");
        long durationNanos = TimeUnit.MILLISECONDS.toNanos(ms == null ? DEFAULT_BATCH_MS : (Long) ms);
        Object fail = faults.value("batch-line-fail");
        boolean expire = Boolean.TRUE.equals(faults.value("batch-expire"));
        String id = "batch_" + String.format(Locale.ROOT, "%016x",
                new SplittableRandom(config.randomSeed() + batches.size() * 7919L).nextLong() & Long.MAX_VALUE);
        SimBatch b = new SimBatch(id, input, endpoint, window, metadata, clock.getAsLong(), durationNanos,
                fail == null ? 0 : (Double) fail, expire);
        b.validate(flavor);
        batches.add(b);
        Http.json(ex, 200, b.json(clock.getAsLong()));
    }

    private void list(HttpExchange ex) throws IOException {
        int limit = 20;
        String after = null;
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equals("limit")) {
                    try {
                        limit = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        limit = -1;
                    }
                    if (limit < 1 || limit > 100) {
                        Http.error(ex, 400, "limit must be between 1 and 100.", "invalid_request_error", "limit",
                                "invalid_value");
                        return;
                    }
                } else if (k.equals("after")) {
                    after = v;
                }
            }
        }
        List<SimBatch> newestFirst = new ArrayList<>(batches);
        Collections.reverse(newestFirst);
        int from = 0;
        if (after != null) {
            from = newestFirst.size();
            for (int i = 0; i < newestFirst.size(); i++) {
                if (newestFirst.get(i).id.equals(after)) {
                    from = i + 1;
                    break;
                }
            }
        }
        int to = Math.min(newestFirst.size(), from + limit);
        long now = clock.getAsLong();
        JsonArray data = new JsonArray();
        for (SimBatch b : newestFirst.subList(from, to)) {
            data.add(b.json(now));
        }
        JsonObject o = new JsonObject();
        o.addProperty("object", "list");
        o.add("data", data);
        o.add("first_id", from < to ? new com.google.gson.JsonPrimitive(newestFirst.get(from).id) : JsonNull.INSTANCE);
        o.add("last_id", from < to ? new com.google.gson.JsonPrimitive(newestFirst.get(to - 1).id) : JsonNull.INSTANCE);
        o.addProperty("has_more", to < newestFirst.size());
        Http.json(ex, 200, o);
    }

    private void cancel(HttpExchange ex, String id) throws IOException {
        SimBatch b = find(id);
        if (b == null) {
            noBatch(ex, id);
            return;
        }
        long now = clock.getAsLong();
        if (!b.cancel(now)) {
            Http.error(ex, 400, "Cannot cancel a batch with status '" + b.status(now) + "'.",
                    "invalid_request_error", null, "invalid_state");
            return;
        }
        Http.json(ex, 200, b.json(now));
    }

    private static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    /** One batch: its validated input, the per-line fault dice, and its state as time passes. */
    private final class SimBatch {
        final String id;
        final FileStore.StoredFile input;
        final String endpoint;
        final String window;
        final JsonObject metadata;
        final long createdNanos;
        final long durationNanos;
        final double lineFail;
        final boolean expire;
        final long createdAt = System.currentTimeMillis() / 1000;
        final List<JsonObject> errors = new ArrayList<>();
        int total;
        /** failPrefix[i]: how many of the first i lines fail. */
        int[] failPrefix = new int[1];
        Long cancelNanos;
        int cancelProcessed;
        String finalStatus;
        int finalCompleted;
        int finalFailed;
        String outputFileId;
        String errorFileId;

        SimBatch(String id, FileStore.StoredFile input, String endpoint, String window, JsonObject metadata,
                 long createdNanos, long durationNanos, double lineFail, boolean expire) {
            this.id = id;
            this.input = input;
            this.endpoint = endpoint;
            this.window = window;
            this.metadata = metadata;
            this.createdNanos = createdNanos;
            this.durationNanos = durationNanos;
            this.lineFail = lineFail;
            this.expire = expire;
        }

        private void error(String code, String message, String param, int line) {
            if (errors.size() < MAX_ERRORS) {
                JsonObject e = new JsonObject();
                e.addProperty("code", code);
                e.addProperty("message", message);
                e.add("param", param == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(param));
                e.addProperty("line", line);
                errors.add(e);
            }
        }

        void validate(Flavor flavor) {
            Set<String> ids = new HashSet<>();
            String model = null;
            Boolean thinking = null;
            List<String> lines = lines();
            int n = 0;
            for (String raw : lines) {
                n++;
                if (n > flavor.maxLines()) {
                    error("too_many_lines", "The file has " + lines.size() + " lines; the limit is "
                            + flavor.maxLines() + ".", null, n);
                    break;
                }
                if (raw.getBytes(StandardCharsets.UTF_8).length > flavor.maxLineBytes()) {
                    error("line_too_large", "Line " + n + " is larger than " + flavor.maxLineBytes() + " bytes.",
                            null, n);
                    continue;
                }
                JsonObject o;
                try {
                    JsonElement el = JsonParser.parseString(raw);
                    o = el.isJsonObject() ? el.getAsJsonObject() : null;
                } catch (JsonParseException e) {
                    o = null;
                }
                if (o == null) {
                    error("invalid_json_line", "Line " + n + " is not a valid JSON object.", null, n);
                    continue;
                }
                String cid = text(o, "custom_id");
                if (cid == null || cid.isEmpty()) {
                    error("missing_custom_id", "Line " + n + " has no custom_id.", "custom_id", n);
                } else if (!ids.add(cid)) {
                    error("duplicate_custom_id", "The custom_id '" + cid + "' on line " + n + " is used before.",
                            "custom_id", n);
                }
                if (!"POST".equals(text(o, "method"))) {
                    error("invalid_method", "Line " + n + ": the method must be POST.", "method", n);
                }
                if (!endpoint.equals(text(o, "url"))) {
                    error("mismatched_url", "Line " + n + ": the url '" + text(o, "url")
                            + "' does not match the batch's endpoint " + endpoint + ".", "url", n);
                }
                JsonObject body = o.has("body") && o.get("body").isJsonObject() ? o.getAsJsonObject("body") : null;
                if (body == null) {
                    error("missing_body", "Line " + n + " has no body object.", "body", n);
                    continue;
                }
                String m = text(body, "model");
                if (model == null) {
                    model = m;
                } else if (m != null && !m.equals(model)) {
                    error("mismatched_model", "Line " + n + " uses model '" + m + "' but the file uses '" + model
                            + "': one model per file.", "body.model", n);
                }
                if (flavor.name().equals("dashscope")) {
                    boolean t = body.has("enable_thinking") && body.get("enable_thinking").isJsonPrimitive()
                            && body.get("enable_thinking").getAsBoolean();
                    if (thinking == null) {
                        thinking = t;
                    } else if (thinking != t) {
                        error("mismatched_thinking", "Line " + n + " sets enable_thinking " + t
                                + " unlike the lines before: one thinking mode per file.", "body.enable_thinking", n);
                    }
                }
            }
            total = errors.isEmpty() ? lines.size() : 0;
            failPrefix = new int[total + 1];
            for (int i = 0; i < total; i++) {
                failPrefix[i + 1] = failPrefix[i] + (fails(i) ? 1 : 0);
            }
        }

        private boolean fails(int index) {
            return lineFail > 0 && new SplittableRandom(config.randomSeed() ^ id.hashCode() * 31L + index)
                    .nextDouble() < lineFail;
        }

        private List<String> lines() {
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input.bytes()),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        /** The share of the work done at {@code now}, 0..1. */
        private double progress(long now) {
            if (durationNanos == 0) {
                return 1;
            }
            double start = durationNanos * 0.1;
            double span = durationNanos * 0.7;
            return Math.max(0, Math.min(1, (now - createdNanos - start) / span));
        }

        synchronized String status(long now) {
            observe(now);
            return current;
        }

        private String current;
        private int processed;

        /** Moves the batch on to {@code now}: sets {@link #current} and {@link #processed}. */
        private void observe(long now) {
            if (finalStatus != null) {
                current = finalStatus;
                return;
            }
            long elapsed = now - createdNanos;
            if (!errors.isEmpty()) {
                if (elapsed >= durationNanos * 0.1) {
                    finish("failed", 0);
                } else {
                    current = "validating";
                }
                return;
            }
            if (cancelNanos != null) {
                if (now - cancelNanos >= durationNanos * 0.1) {
                    finish("cancelled", cancelProcessed);
                } else {
                    current = "cancelling";
                    processed = cancelProcessed;
                }
                return;
            }
            double p = progress(now);
            if (expire && p >= 0.5) {
                finish("expired", total / 2);
                return;
            }
            processed = (int) Math.floor(total * p);
            if (elapsed < durationNanos * 0.1) {
                current = "validating";
            } else if (p < 1) {
                current = "in_progress";
            } else if (elapsed < durationNanos) {
                current = "finalizing";
            } else {
                finish("completed", total);
            }
        }

        synchronized boolean cancel(long now) {
            observe(now);
            if (RemoteTerminal.is(current) || current.equals("cancelling")) {
                return current.equals("cancelling");
            }
            cancelNanos = now;
            cancelProcessed = current.equals("validating") ? 0 : processed;
            observe(now);
            return true;
        }

        /** Runs the first {@code done} lines, writes the output and error files (shuffled), ends as {@code status}. */
        private void finish(String status, int done) {
            List<String> out = new ArrayList<>();
            List<String> err = new ArrayList<>();
            int completed = 0;
            int failed = 0;
            if (!status.equals("failed")) {
                List<String> lines = lines();
                for (int i = 0; i < lines.size(); i++) {
                    JsonObject line = JsonParser.parseString(lines.get(i)).getAsJsonObject();
                    String cid = text(line, "custom_id");
                    String reqId = String.format(Locale.ROOT, "batch_req_%s_%06d", id.substring(6, 14), i);
                    JsonObject o = new JsonObject();
                    o.addProperty("id", reqId);
                    o.addProperty("custom_id", cid);
                    if (i >= done) {
                        String code = status.equals("expired") ? "batch_expired" : "batch_cancelled";
                        JsonObject e = new JsonObject();
                        e.addProperty("code", code);
                        e.addProperty("message", status.equals("expired")
                                ? "This request could not be executed before the completion window expired."
                                : "This request was not executed because the batch was cancelled.");
                        o.add("response", JsonNull.INSTANCE);
                        o.add("error", e);
                        err.add(Tokens.GSON.toJson(o));
                        continue;
                    }
                    JsonObject resp = new JsonObject();
                    String requestId = "req_" + id.substring(6, 14) + Integer.toHexString(i);
                    if (fails(i)) {
                        resp.addProperty("status_code", 500);
                        resp.addProperty("request_id", requestId);
                        resp.add("body", Http.errorBody("The server had an error while processing your request. "
                                + "(simulated)", "server_error", null, "internal_error"));
                    } else {
                        ChatCompletions.Offline a = chat.offline(line.getAsJsonObject("body"), "chatcmpl-" + requestId,
                                createdAt);
                        resp.addProperty("status_code", a.status());
                        resp.addProperty("request_id", requestId);
                        resp.add("body", a.body());
                    }
                    o.add("response", resp);
                    o.add("error", JsonNull.INSTANCE);
                    if (resp.get("status_code").getAsInt() == 200) {
                        completed++;
                        out.add(Tokens.GSON.toJson(o));
                    } else {
                        failed++;
                        err.add(Tokens.GSON.toJson(o));
                    }
                }
                Random shuffle = new Random(config.randomSeed() ^ id.hashCode());
                Collections.shuffle(out, shuffle);
                Collections.shuffle(err, shuffle);
                outputFileId = out.isEmpty() ? null : files.put(id + "_output.jsonl", "batch_output", join(out)).id();
                errorFileId = err.isEmpty() ? null : files.put(id + "_error.jsonl", "batch_output", join(err)).id();
            }
            finalStatus = status;
            finalCompleted = completed;
            finalFailed = failed;
            current = status;
            processed = done;
        }

        private static byte[] join(List<String> lines) {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        synchronized JsonObject json(long now) {
            observe(now);
            JsonObject o = new JsonObject();
            o.addProperty("id", id);
            o.addProperty("object", "batch");
            o.addProperty("endpoint", endpoint);
            if (errors.isEmpty()) {
                o.add("errors", JsonNull.INSTANCE);
            } else {
                JsonObject es = new JsonObject();
                es.addProperty("object", "list");
                JsonArray data = new JsonArray();
                errors.forEach(data::add);
                es.add("data", data);
                o.add("errors", es);
            }
            o.addProperty("input_file_id", input.id());
            o.addProperty("completion_window", window);
            o.addProperty("status", current);
            o.add("output_file_id", outputFileId == null ? JsonNull.INSTANCE
                    : new com.google.gson.JsonPrimitive(outputFileId));
            o.add("error_file_id", errorFileId == null ? JsonNull.INSTANCE
                    : new com.google.gson.JsonPrimitive(errorFileId));
            o.addProperty("created_at", createdAt);
            JsonObject counts = new JsonObject();
            counts.addProperty("total", errors.isEmpty() ? total : 0);
            if (finalStatus != null) {
                counts.addProperty("completed", finalCompleted);
                counts.addProperty("failed", finalFailed);
            } else {
                counts.addProperty("completed", processed - failPrefix[processed]);
                counts.addProperty("failed", failPrefix[processed]);
            }
            o.add("request_counts", counts);
            o.add("metadata", metadata == null ? JsonNull.INSTANCE : metadata);
            return o;
        }
    }

    /** The terminal statuses. */
    private static final class RemoteTerminal {
        static boolean is(String status) {
            return switch (status) {
                case "completed", "failed", "expired", "cancelled" -> true;
                default -> false;
            };
        }
    }
}
