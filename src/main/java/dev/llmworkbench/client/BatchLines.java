package dev.llmworkbench.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiError;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.Completion;
import java.util.Map;
import okhttp3.Headers;

/**
 * The line formats of the OpenAI Batch API (and of {@code vllm run-batch}): a request line
 * {@code {"custom_id","method","url","body"}} and a result line {@code {"id","custom_id","response":
 * {"status_code","request_id","body"} | null,"error":{"code","message"} | null}}. The chat body itself is
 * {@link OpenAiClient#requestJson}'s, and a result's body is read as the client reads a whole completion.
 */
public final class BatchLines {
    public static final String ENDPOINT = "/v1/chat/completions";

    private BatchLines() {
    }

    /** One request line (no newline): {@code req} as the profile's dialect sends it, never streamed. */
    public static String requestLine(ProviderProfile profile, String customId, ChatRequest req) {
        JsonObject o = new JsonObject();
        o.addProperty("custom_id", customId);
        o.addProperty("method", "POST");
        o.addProperty("url", ENDPOINT);
        JsonObject body = RequestBodies.chatBody(profile, req);
        body.addProperty("stream", false);
        body.remove("stream_options");
        o.add("body", body);
        return RequestBodies.GSON.toJson(o);
    }

    /**
     * One result line read.
     *
     * @param statusCode the response's status, or null when the line never ran
     * @param completion the answer of a 200 response, else null
     * @param error      why it failed (the body's error as for a live call) or did not run ({@code code}
     *                   {@code batch_expired}, {@code batch_cancelled}, ...), else null
     */
    public record Result(String customId, String requestId, Integer statusCode, Completion completion,
                         ApiError error) {
        /** True when the request was never run (no response at all). */
        public boolean notRun() {
            return statusCode == null;
        }
    }

    /** Reads one result line; a line that is not one gives an {@link IllegalArgumentException}. */
    public static Result readResult(String line) {
        JsonObject o;
        try {
            JsonElement el = JsonParser.parseString(line);
            if (!el.isJsonObject()) {
                throw new IllegalArgumentException("not a JSON object: " + Errors.excerpt(line));
            }
            o = el.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not JSON: " + Errors.excerpt(line), e);
        }
        String customId = Json.str(o, "custom_id");
        if (customId == null) {
            throw new IllegalArgumentException("no custom_id: " + Errors.excerpt(line));
        }
        JsonObject resp = Json.obj(o, "response");
        if (resp == null) {
            JsonObject err = Json.obj(o, "error");
            String code = err == null ? "not_run" : Json.str(err, "code");
            String msg = err == null ? "no response" : Json.str(err, "message");
            return new Result(customId, null, null, null, new ApiError(ApiError.Kind.CANCELLED, null, code,
                    msg == null ? code : msg, false, null, null));
        }
        Integer status = Json.integer(resp, "status_code");
        String requestId = Json.str(resp, "request_id");
        JsonObject body = Json.obj(resp, "body");
        if (status == null || status != 200) {
            int s = status == null ? 500 : status;
            String text = body == null ? "" : body.toString();
            return new Result(customId, requestId, s, null, Errors.fromHttp(s, Headers.of(), text,
                    "application/json"));
        }
        if (body == null || Json.arr(body, "choices") == null) {
            return new Result(customId, requestId, status, null, new ApiError(ApiError.Kind.MALFORMED, status,
                    "malformed", "no choices in the batch response: " + Errors.excerpt(String.valueOf(body)),
                    false, null, null));
        }
        StreamAccumulator acc = new StreamAccumulator();
        acc.onWhole(body, 0);
        Completion c = acc.snapshot(null, null, status, Map.of(), 0, 0, false);
        return new Result(customId, requestId, status, c, null);
    }
}
