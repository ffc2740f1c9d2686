package dev.llmworkbench.service.batch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Role;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One JSONL line as a row: the workbench's own fields ({@code prompt}, {@code request_id}, ...) or an OpenAI
 * batch line ({@code custom_id}, {@code method}, {@code url}, {@code body}). Every field is read with its JSON
 * type checked: a value of the wrong type anywhere ({@code "method": null}, {@code "url": {}},
 * {@code "body": {"model": {}}}) makes the row invalid with the field named, never the whole file.
 */
final class JsonRows {
    /** A field of the wrong type or value: the row is invalid for this reason. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private JsonRows() {
    }

    /** The row of one non-blank, strictly decoded line. */
    static BatchInput.Row parse(int line, String text) {
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) {
            return new BatchInput.Row(line, idFromHead(text), null, null, "not valid JSON: "
                    + BatchInput.rootMessage(ex));
        }
        if (!e.isJsonObject()) {
            return new BatchInput.Row(line, null, null, null, "not a JSON object (" + kind(e) + ")");
        }
        JsonObject o = e.getAsJsonObject();
        String raw = BatchRow.GSON.toJson(o);
        boolean openAi = o.has("custom_id") || o.has("body");
        String id = null;
        try {
            id = openAi ? id(o, "custom_id") : id(o, "request_id");
            return openAi ? openAiBatch(line, id, raw, o) : RowFields.fromValues(line, values(o), raw);
        } catch (Problem p) {
            return new BatchInput.Row(line, id, null, raw, p.getMessage());
        }
    }

    /** The workbench's own fields, each of the type it must have; a null field counts as absent. */
    private static Map<String, Object> values(JsonObject o) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> f : o.entrySet()) {
            JsonElement v = f.getValue();
            String key = BatchInput.normalise(f.getKey());
            if (v.isJsonNull()) {
                continue;
            }
            switch (key) {
                case "prompt", "system_prompt", "model", "priority" -> values.put(key, string(v, key));
                case "request_id", "expected" -> values.put(key, scalar(v, key));
                case "max_tokens", "temperature" -> values.put(key, scalar(v, key));
                default -> {
                    if (key.startsWith("check")) {
                        values.put(key, checks(v, key));
                    } else {
                        // a template variable: text as is, any other JSON as its JSON text
                        values.put(key, v.isJsonPrimitive() ? v.getAsString() : v.toString());
                    }
                }
            }
        }
        return values;
    }

    private static Object checks(JsonElement v, String key) {
        if (!v.isJsonArray()) {
            return string(v, key);
        }
        List<String> cs = new ArrayList<>();
        JsonArray a = v.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
            cs.add(string(a.get(i), key + "[" + i + "]"));
        }
        return cs;
    }

    private static BatchInput.Row openAiBatch(int line, String id, String raw, JsonObject o) {
        if (id == null || id.isBlank()) {
            throw new Problem("OpenAI batch line without custom_id");
        }
        String method = optionalString(o, "method");
        if (o.has("method") && !"POST".equalsIgnoreCase(method)) {
            throw new Problem("method must be POST, was " + (method == null ? "null" : BatchInput.clip(method)));
        }
        String url = optionalString(o, "url");
        if (o.has("url") && (url == null || !url.endsWith("/chat/completions"))) {
            throw new Problem("only /v1/chat/completions is supported, url was "
                    + (url == null ? "null" : BatchInput.quote(url)));
        }
        JsonElement b = o.get("body");
        if (b == null || !b.isJsonObject()) {
            throw new Problem("OpenAI batch line without a body object" + (b == null ? "" : ", body is " + kind(b)));
        }
        JsonObject body = b.getAsJsonObject();
        JsonElement ms = body.get("messages");
        if (ms == null || !ms.isJsonArray() || ms.getAsJsonArray().isEmpty()) {
            throw new Problem("body has no messages" + (ms == null || ms.isJsonArray() ? "" : ", body.messages is "
                    + kind(ms)));
        }
        List<Message> messages = new ArrayList<>();
        JsonArray arr = ms.getAsJsonArray();
        for (int i = 0; i < arr.size(); i++) {
            messages.add(message(arr.get(i), "body.messages[" + i + "]"));
        }
        Integer max = optionalInt(body, body.has("max_tokens") ? "max_tokens" : "max_completion_tokens");
        if (max != null && max < 1) {
            throw new Problem("max_tokens must be at least 1, was " + max);
        }
        Double temp = optionalNumber(body, "temperature");
        if (temp != null && (temp < 0 || temp > 2)) {
            throw new Problem("temperature must be between 0 and 2, was " + temp);
        }
        String model = optionalString(body, "model", "body.model");
        BatchRow row = new BatchRow(messages, model == null || model.isBlank() ? null : model.trim(), max, temp, null,
                null, List.of());
        return new BatchInput.Row(line, id, row, row.toJson(), null);
    }

    private static Message message(JsonElement m, String where) {
        if (!m.isJsonObject()) {
            throw new Problem(where + " must be an object, was " + kind(m));
        }
        JsonObject mo = m.getAsJsonObject();
        String roleName = optionalString(mo, "role", where + ".role");
        if (roleName == null) {
            throw new Problem(where + " has no role");
        }
        Role role;
        try {
            role = "developer".equalsIgnoreCase(roleName.trim()) ? Role.SYSTEM : Role.fromWire(roleName);
        } catch (IllegalArgumentException e) {
            throw new Problem(where + ".role: unknown role " + BatchInput.quote(roleName));
        }
        JsonElement c = mo.get("content");
        String content;
        if (c == null || c.isJsonNull()) {
            content = "";
        } else if (c.isJsonArray()) {
            // content parts: only text can be sent from a batch file
            StringBuilder sb = new StringBuilder();
            JsonArray parts = c.getAsJsonArray();
            for (int i = 0; i < parts.size(); i++) {
                String w = where + ".content[" + i + "]";
                JsonElement p = parts.get(i);
                if (!p.isJsonObject()) {
                    throw new Problem(w + " must be an object, was " + kind(p));
                }
                String type = optionalString(p.getAsJsonObject(), "type", w + ".type");
                if (!"text".equals(type)) {
                    throw new Problem(w + ": only text parts are supported, was " + (type == null ? "no type"
                            : BatchInput.quote(type)));
                }
                String text = optionalString(p.getAsJsonObject(), "text", w + ".text");
                sb.append(text == null ? "" : text);
            }
            content = sb.toString();
        } else {
            content = string(c, where + ".content");
        }
        return new Message(role, content, List.of(), null);
    }

    /** An id: a string or a number (as written); absent or null: null. */
    private static String id(JsonObject o, String key) {
        JsonElement v = o.get(key);
        return v == null || v.isJsonNull() ? null : scalar(v, key);
    }

    private static String string(JsonElement v, String where) {
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
            return v.getAsString();
        }
        throw new Problem(where + " must be a string, was " + kind(v));
    }

    /** A string, a number or true/false, as text. */
    private static String scalar(JsonElement v, String where) {
        if (v.isJsonPrimitive()) {
            return v.getAsString();
        }
        throw new Problem(where + " must be a string or a number, was " + kind(v));
    }

    private static String optionalString(JsonObject o, String key) {
        return optionalString(o, key, key);
    }

    /** A string field: absent gives null; null or any other type is a problem. */
    private static String optionalString(JsonObject o, String key, String where) {
        JsonElement v = o.get(key);
        return v == null ? null : string(v, where);
    }

    private static Integer optionalInt(JsonObject o, String key) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return null;
        }
        BigDecimal d = number(v, "body." + key);
        try {
            return d.intValueExact();
        } catch (ArithmeticException e) {
            throw new Problem("body." + key + " must be a whole number, was " + BatchInput.quote(d.toString()));
        }
    }

    private static Double optionalNumber(JsonObject o, String key) {
        JsonElement v = o.get(key);
        return v == null || v.isJsonNull() ? null : number(v, "body." + key).doubleValue();
    }

    private static BigDecimal number(JsonElement v, String where) {
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
            try {
                return v.getAsBigDecimal();
            } catch (NumberFormatException e) {
                // falls through to the problem below
            }
        }
        throw new Problem(where + " must be a number, was " + kind(v));
    }

    /** A JSON value's type in words, for a reason: {@code null}, {@code an object}, {@code a string}, ... */
    static String kind(JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return "null";
        }
        if (v.isJsonObject()) {
            return "an object";
        }
        if (v.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "true/false";
    }

    /**
     * The {@code request_id} or {@code custom_id} of a line that is not a whole JSON object (cut off, broken
     * after its id, or over the limit), read with a streaming reader up to where the line breaks; null when
     * it does not come first enough to be read, or when it holds a replaced bad byte.
     */
    static String idFromHead(String text) {
        try (JsonReader r = new JsonReader(new StringReader(text))) {
            r.setStrictness(Strictness.STRICT);
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                return null;
            }
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                String key = name.trim().toLowerCase(Locale.ROOT);
                JsonToken t = r.peek();
                if ((key.equals("request_id") || key.equals("custom_id"))
                        && (t == JsonToken.STRING || t == JsonToken.NUMBER)) {
                    String id = r.nextString();
                    return id.isBlank() || id.indexOf('\uFFFD') >= 0 ? null : id;
                }
                r.skipValue();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
