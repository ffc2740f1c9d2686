package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Null-tolerant reads of Gson trees (servers send {@code null} for absent fields). */
final class Json {
    private Json() {
    }

    static JsonElement get(JsonObject o, String name) {
        if (o == null) {
            return null;
        }
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e;
    }

    static String str(JsonObject o, String name) {
        JsonElement e = get(o, name);
        if (e == null) {
            return null;
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    static Integer integer(JsonObject o, String name) {
        JsonElement e = get(o, name);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        return (int) Math.round(e.getAsDouble());
    }

    static JsonObject obj(JsonObject o, String name) {
        JsonElement e = get(o, name);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    static JsonArray arr(JsonObject o, String name) {
        JsonElement e = get(o, name);
        return e != null && e.isJsonArray() ? e.getAsJsonArray() : null;
    }
}
