package dev.llmworkbench.service.playground;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.Map;

/**
 * Whether an answer is valid JSON, and a basic check against a JSON schema: the type of each value,
 * {@code enum}, required properties, and nested objects and arrays. Not a full JSON Schema validator
 * (no formats, patterns, bounds, combinators or references), and its message says so.
 *
 * @param validJson   the text parses as one JSON value
 * @param schemaValid null when no schema was given
 * @param message     what is wrong, or "valid JSON" / "passes the basic schema check"
 */
public record JsonCheck(boolean validJson, Boolean schemaValid, String message) {

    /** Checks {@code text}; {@code schemaJson} may be null. */
    public static JsonCheck check(String text, String schemaJson) {
        JsonElement value;
        try {
            value = parseStrict(text);
        } catch (RuntimeException e) {
            return new JsonCheck(false, schemaJson == null ? null : false, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (schemaJson == null || schemaJson.isBlank()) {
            return new JsonCheck(true, null, "valid JSON");
        }
        JsonElement schema;
        try {
            schema = parseStrict(schemaJson);
        } catch (RuntimeException e) {
            return new JsonCheck(true, false, "the schema is not valid JSON");
        }
        String problem = validate(value, schema, "$");
        return problem == null ? new JsonCheck(true, true,
                "valid JSON, passes the basic schema check (types, enum, required properties)")
                : new JsonCheck(true, false, "valid JSON, but " + problem);
    }

    static JsonElement parseStrict(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        JsonElement e = JsonParser.parseReader(r);
        try {
            if (r.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("text after the JSON value");
            }
        } catch (java.io.IOException ex) {
            throw new IllegalArgumentException(ex.getMessage());
        }
        return e;
    }

    private static String validate(JsonElement v, JsonElement schema, String path) {
        if (!schema.isJsonObject()) {
            return null;
        }
        JsonObject s = schema.getAsJsonObject();
        if (s.has("type")) {
            JsonElement t = s.get("type");
            boolean ok = false;
            if (t.isJsonArray()) {
                for (JsonElement one : t.getAsJsonArray()) {
                    ok |= isType(v, one.getAsString());
                }
            } else {
                ok = isType(v, t.getAsString());
            }
            if (!ok) {
                return path + " should be " + t + " but is " + describe(v);
            }
        }
        if (s.has("enum") && s.get("enum").isJsonArray() && !s.getAsJsonArray("enum").contains(v)) {
            return path + " is not one of " + s.get("enum");
        }
        if (v.isJsonObject()) {
            JsonObject o = v.getAsJsonObject();
            if (s.has("required") && s.get("required").isJsonArray()) {
                for (JsonElement req : s.getAsJsonArray("required")) {
                    if (!o.has(req.getAsString())) {
                        return path + " lacks the required property \"" + req.getAsString() + "\"";
                    }
                }
            }
            if (s.has("properties") && s.get("properties").isJsonObject()) {
                for (Map.Entry<String, JsonElement> p : s.getAsJsonObject("properties").entrySet()) {
                    if (o.has(p.getKey())) {
                        String problem = validate(o.get(p.getKey()), p.getValue(), path + "." + p.getKey());
                        if (problem != null) {
                            return problem;
                        }
                    }
                }
            }
        }
        if (v.isJsonArray() && s.has("items")) {
            JsonArray a = v.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                String problem = validate(a.get(i), s.get("items"), path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static boolean isType(JsonElement v, String type) {
        return switch (type) {
            case "object" -> v.isJsonObject();
            case "array" -> v.isJsonArray();
            case "string" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            case "boolean" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
            case "null" -> v.isJsonNull();
            case "number" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
            case "integer" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && isInteger(v.getAsJsonPrimitive());
            default -> true;
        };
    }

    private static boolean isInteger(JsonPrimitive p) {
        try {
            return p.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(JsonElement v) {
        if (v.isJsonObject()) {
            return "an object";
        }
        if (v.isJsonArray()) {
            return "an array";
        }
        if (v.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isBoolean() ? "a boolean" : "a number";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
