package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.RemoteBatch;
import dev.llmworkbench.domain.Timeouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.Okio;

/**
 * The OpenAI-compatible files and batches calls of a provider batch job: upload a {@code .jsonl}
 * ({@code POST /files}, multipart, {@code purpose=batch}), create, get, cancel and list batches, and
 * download a file's content. Blocking; every failure is an {@link ApiException} with the typed error the
 * chat client gives for the same status (401 auth, 404 not found, 429 with Retry-After, 5xx server, a
 * 400's message as the provider wrote it). Files are streamed from and to disk, never held in memory.
 * The key is sent only in {@code Authorization: Bearer}; every error message is redacted with it.
 */
public final class BatchClient {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final MediaType JSONL = MediaType.get("application/jsonl");
    private static final long ERROR_BODY_LIMIT = 64 * 1024;

    private final ProviderProfile profile;
    private final ApiKey key;
    private final OkHttpClient http;
    private final HttpUrl base;

    public BatchClient(ProviderProfile profile, ApiKey key, Timeouts timeouts, OkHttpClient http) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.key = key;
        Timeouts t = timeouts == null ? Timeouts.defaults() : timeouts;
        this.http = http != null ? http : HttpClients.create(profile, t);
        this.base = HttpUrl.get(profile.baseUrl() + "/");
    }

    /** {@code POST /files}: uploads {@code file} under {@code filename} with {@code purpose=batch}. */
    public RemoteBatch.File uploadFile(Path file, String filename) throws ApiException {
        RequestBody part = RequestBody.create(file.toFile(), JSONL);
        RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("purpose", "batch")
                .addFormDataPart("file", filename, part)
                .build();
        JsonObject o = call(new Request.Builder().url(url("files")).post(body));
        return new RemoteBatch.File(Json.str(o, "id"), longOf(o, "bytes"), Json.str(o, "filename"),
                Json.str(o, "purpose"));
    }

    /**
     * {@code GET /files?purpose=batch}: the provider's batch files (not one of the five calls of the Batch API,
     * but OpenAI and DashScope answer it); a provider without it answers 404 or 405, an {@link ApiException}.
     */
    public List<RemoteBatch.File> listFiles() throws ApiException {
        HttpUrl u = url("files").newBuilder().addQueryParameter("purpose", "batch").build();
        JsonObject o = call(new Request.Builder().url(u).get());
        JsonArray data = Json.arr(o, "data");
        List<RemoteBatch.File> out = new ArrayList<>();
        if (data != null) {
            for (JsonElement e : data) {
                if (e.isJsonObject()) {
                    JsonObject f = e.getAsJsonObject();
                    out.add(new RemoteBatch.File(Json.str(f, "id"), longOf(f, "bytes"), Json.str(f, "filename"),
                            Json.str(f, "purpose")));
                }
            }
        }
        return out;
    }

    /** {@code POST /batches}. */
    public RemoteBatch createBatch(String inputFileId, String endpoint, String completionWindow,
                                   Map<String, String> metadata) throws ApiException {
        JsonObject req = new JsonObject();
        req.addProperty("input_file_id", inputFileId);
        req.addProperty("endpoint", endpoint);
        req.addProperty("completion_window", completionWindow);
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach(m::addProperty);
            req.add("metadata", m);
        }
        return parseBatch(call(new Request.Builder().url(url("batches"))
                .post(RequestBody.create(req.toString(), JSON))));
    }

    /** {@code GET /batches/{id}}. */
    public RemoteBatch getBatch(String batchId) throws ApiException {
        return parseBatch(call(new Request.Builder().url(url("batches", batchId)).get()));
    }

    /** {@code POST /batches/{id}/cancel}. */
    public RemoteBatch cancelBatch(String batchId) throws ApiException {
        return parseBatch(call(new Request.Builder().url(url("batches", batchId, "cancel"))
                .post(RequestBody.create("", JSON))));
    }

    /** {@code GET /batches?limit=&after=}: one page, newest first as the provider lists them. */
    public RemoteBatch.Page listBatches(Integer limit, String after) throws ApiException {
        HttpUrl.Builder u = url("batches").newBuilder();
        if (limit != null) {
            u.addQueryParameter("limit", String.valueOf(limit));
        }
        if (after != null) {
            u.addQueryParameter("after", after);
        }
        JsonObject o = call(new Request.Builder().url(u.build()).get());
        JsonArray data = Json.arr(o, "data");
        List<RemoteBatch> list = new ArrayList<>();
        if (data != null) {
            for (JsonElement e : data) {
                if (e.isJsonObject()) {
                    list.add(parseBatch(e.getAsJsonObject()));
                }
            }
        }
        JsonElement more = Json.get(o, "has_more");
        String last = Json.str(o, "last_id");
        if (last == null && !list.isEmpty()) {
            last = list.get(list.size() - 1).id();
        }
        return new RemoteBatch.Page(list, more != null && more.getAsBoolean(), last);
    }

    /** {@code GET /files/{id}/content}, streamed into {@code target} (written whole or not at all). */
    public void downloadFile(String fileId, Path target) throws ApiException {
        Request req = authorized(new Request.Builder().url(url("files", fileId, "content")).get(),
                "application/octet-stream");
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        boolean reading = false;
        try (Response resp = http.newCall(req).execute()) {
            failUnlessOk(resp);
            reading = true;
            try (BufferedSink sink = Okio.buffer(Okio.sink(tmp))) {
                sink.writeAll(resp.body().source());
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw new ApiException(redact(Errors.fromIo(e, reading ? Errors.Phase.BODY
                    : Errors.Phase.WAITING_FOR_HEADERS)));
        }
    }

    private HttpUrl url(String... segments) {
        HttpUrl.Builder b = base.newBuilder();
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b.build();
    }

    private Request authorized(Request.Builder rb, String accept) {
        for (Map.Entry<String, String> h : profile.extraHeaders().entrySet()) {
            rb.header(h.getKey(), h.getValue());
        }
        if (key != null) {
            rb.header("Authorization", "Bearer " + key.reveal());
        }
        rb.header("Accept", accept);
        return rb.build();
    }

    private JsonObject call(Request.Builder rb) throws ApiException {
        boolean reading = false;
        try (Response resp = http.newCall(authorized(rb, "application/json")).execute()) {
            failUnlessOk(resp);
            reading = true;
            String text = resp.body().string();
            try {
                JsonElement el = JsonParser.parseString(text);
                if (el.isJsonObject()) {
                    return el.getAsJsonObject();
                }
            } catch (JsonParseException e) {
                // below
            }
            throw new ApiException(redact(new ApiError(ApiError.Kind.MALFORMED, resp.code(), "malformed",
                    "expected a JSON object: " + Errors.excerpt(text), false, null, null)));
        } catch (IOException e) {
            throw new ApiException(redact(Errors.fromIo(e, reading ? Errors.Phase.BODY
                    : Errors.Phase.WAITING_FOR_HEADERS)));
        }
    }

    private void failUnlessOk(Response resp) throws ApiException {
        if (!resp.isSuccessful()) {
            String body;
            try {
                body = resp.peekBody(ERROR_BODY_LIMIT).string();
            } catch (IOException e) {
                body = "";
            }
            throw new ApiException(redact(Errors.fromHttp(resp.code(), resp.headers(), body,
                    String.valueOf(resp.body().contentType()))));
        }
    }

    static RemoteBatch parseBatch(JsonObject o) {
        JsonObject counts = Json.obj(o, "request_counts");
        Map<String, String> meta = new LinkedHashMap<>();
        JsonObject m = Json.obj(o, "metadata");
        if (m != null) {
            for (Map.Entry<String, JsonElement> e : m.entrySet()) {
                if (!e.getValue().isJsonNull()) {
                    meta.put(e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString()
                            : e.getValue().toString());
                }
            }
        }
        List<RemoteBatch.ValidationError> errors = new ArrayList<>();
        JsonObject errs = Json.obj(o, "errors");
        JsonArray data = errs == null ? null : Json.arr(errs, "data");
        if (data != null) {
            for (JsonElement e : data) {
                if (e.isJsonObject()) {
                    JsonObject d = e.getAsJsonObject();
                    errors.add(new RemoteBatch.ValidationError(Json.str(d, "code"), Json.str(d, "message"),
                            Json.str(d, "param"), Json.integer(d, "line")));
                }
            }
        }
        return new RemoteBatch(Json.str(o, "id"), Json.str(o, "status"), Json.str(o, "input_file_id"),
                Json.str(o, "output_file_id"), Json.str(o, "error_file_id"), intOf(counts, "total"),
                intOf(counts, "completed"), intOf(counts, "failed"), meta, errors, Json.str(o, "completion_window"));
    }

    private static int intOf(JsonObject o, String name) {
        Integer v = Json.integer(o, name);
        return v == null ? 0 : v;
    }

    private static long longOf(JsonObject o, String name) {
        JsonElement e = Json.get(o, name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : 0;
    }

    private ApiError redact(ApiError e) {
        if (key == null) {
            return e;
        }
        return new ApiError(e.kind(), e.status(), key.redact(e.code()), key.redact(e.message()), e.retryable(),
                e.retryAfter(), key.redact(e.hint()));
    }

    @Override
    public String toString() {
        return "BatchClient[" + profile.name() + " " + profile.baseUrl() + (key == null ? ", no key" : ", key=***")
                + "]";
    }
}
