package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import java.util.SplittableRandom;

/** A deterministic value that fits a (simple) JSON schema: objects, arrays, strings, numbers, enums. */
final class JsonFromSchema {
    private static final int MAX_DEPTH = 6;

    private JsonFromSchema() {
    }

    static JsonElement generate(JsonElement schema, SplittableRandom rnd, boolean chinese) {
        return gen(schema, rnd, chinese, 0);
    }

    private static JsonElement gen(JsonElement schemaEl, SplittableRandom rnd, boolean chinese, int depth) {
        if (schemaEl == null || !schemaEl.isJsonObject() || depth > MAX_DEPTH) {
            return new JsonPrimitive(Tokens.word(rnd, chinese));
        }
        JsonObject schema = schemaEl.getAsJsonObject();
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.has("enum") && schema.get("enum").isJsonArray() && !schema.getAsJsonArray("enum").isEmpty()) {
            JsonArray e = schema.getAsJsonArray("enum");
            return e.get(rnd.nextInt(e.size()));
        }
        for (String alt : new String[] {"anyOf", "oneOf", "allOf"}) {
            if (schema.has(alt) && schema.get(alt).isJsonArray() && !schema.getAsJsonArray(alt).isEmpty()) {
                return gen(schema.getAsJsonArray(alt).get(0), rnd, chinese, depth + 1);
            }
        }
        String type = typeOf(schema);
        switch (type) {
            case "object": {
                JsonObject o = new JsonObject();
                JsonElement props = schema.get("properties");
                if (props != null && props.isJsonObject()) {
                    for (Map.Entry<String, JsonElement> p : props.getAsJsonObject().entrySet()) {
                        o.add(p.getKey(), gen(p.getValue(), rnd, chinese, depth + 1));
                    }
                }
                return o;
            }
            case "array": {
                JsonArray a = new JsonArray();
                int n = 1 + rnd.nextInt(2);
                if (schema.has("minItems") && schema.get("minItems").isJsonPrimitive()) {
                    n = Math.max(n, Math.min(5, schema.get("minItems").getAsInt()));
                }
                for (int i = 0; i < n; i++) {
                    a.add(gen(schema.get("items"), rnd, chinese, depth + 1));
                }
                return a;
            }
            case "integer":
                return new JsonPrimitive(1 + rnd.nextInt(100));
            case "number":
                return new JsonPrimitive(Math.round(rnd.nextDouble() * 1000) / 10.0);
            case "boolean":
                return new JsonPrimitive(rnd.nextBoolean());
            case "null":
                return JsonNull.INSTANCE;
            default: {
                int words = 1 + rnd.nextInt(3);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < words; i++) {
                    if (i > 0 && !chinese) {
                        sb.append(' ');
                    }
                    sb.append(Tokens.word(rnd, chinese));
                }
                return new JsonPrimitive(sb.toString());
            }
        }
    }

    private static String typeOf(JsonObject schema) {
        JsonElement t = schema.get("type");
        if (t != null && t.isJsonPrimitive()) {
            return t.getAsString();
        }
        if (t != null && t.isJsonArray()) {
            for (JsonElement e : t.getAsJsonArray()) {
                if (e.isJsonPrimitive() && !"null".equals(e.getAsString())) {
                    return e.getAsString();
                }
            }
        }
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }
}
