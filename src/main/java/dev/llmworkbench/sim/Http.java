package dev.llmworkbench.sim;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Whole JSON responses and OpenAI-shaped error bodies. */
final class Http {
    private Http() {
    }

    static void json(HttpExchange ex, int status, JsonElement body) throws IOException {
        byte[] bytes = Tokens.GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code {"error":{"message","type","param","code"}}}, as OpenAI and DashScope send it. */
    static JsonObject errorBody(String message, String type, String param, String code) {
        JsonObject err = new JsonObject();
        err.addProperty("message", message);
        err.addProperty("type", type);
        err.add("param", param == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(param));
        err.add("code", code == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(code));
        JsonObject o = new JsonObject();
        o.add("error", err);
        return o;
    }

    static void error(HttpExchange ex, int status, String message, String type, String param, String code)
            throws IOException {
        json(ex, status, errorBody(message, type, param, code));
    }

    /**
     * An error with {@code Connection: close}, written and flushed but the exchange left open: closing it would read
     * (drain) the rest of a request body the server does not want. The caller then hangs up
     * ({@link ConnectionGuard.Hangup}).
     */
    static void errorBeforeHangup(HttpExchange ex, int status, String message, String type, String param,
                                  String code) throws IOException {
        byte[] bytes = Tokens.GSON.toJson(errorBody(message, type, param, code)).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Connection", "close");
        ex.sendResponseHeaders(status, bytes.length);
        OutputStream out = ex.getResponseBody();
        out.write(bytes);
        out.flush();
    }
}
