package dev.llmworkbench.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/** JSON output of the commands: nulls kept (a field is null, never missing), numbers plain. */
final class Json {
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    static final Gson PRETTY = new GsonBuilder().serializeNulls().disableHtmlEscaping().setPrettyPrinting().create();

    private Json() {
    }

    static JsonElement num(Number n) {
        return n == null ? JsonNull.INSTANCE : new JsonPrimitive(n);
    }

    /** A millisecond figure rounded to 3 decimals, or null. */
    static JsonElement ms(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return JsonNull.INSTANCE;
        }
        return new JsonPrimitive(BigDecimal.valueOf(Math.round(v * 1000.0) / 1000.0));
    }

    static JsonElement money(BigDecimal v) {
        return v == null ? JsonNull.INSTANCE : new JsonPrimitive(v.stripTrailingZeros().scale() < 0
                ? v.setScale(0) : v.stripTrailingZeros());
    }

    static JsonElement str(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonPrimitive(s);
    }

    /** Parses JSON text if it is valid, else keeps it as a string. */
    static JsonElement rawOrString(String text) {
        if (text == null) {
            return JsonNull.INSTANCE;
        }
        try {
            return JsonParser.parseString(text);
        } catch (RuntimeException e) {
            return new JsonPrimitive(text);
        }
    }

    static String print(JsonElement e) {
        return GSON.toJson(e);
    }

    static JsonObject obj() {
        return new JsonObject();
    }

    static JsonArray arr() {
        return new JsonArray();
    }
}
