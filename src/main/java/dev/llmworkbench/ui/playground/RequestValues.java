package dev.llmworkbench.ui.playground;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Pure helpers of the playground: tools from JSON, JSON for the inspector, durations. */
final class RequestValues {
    private RequestValues() { }

    /** Tools as a JSON array of {@code {"name","description","parameters"}} or OpenAI's {@code {"type":"function","function":{...}}}. */
    static List<ToolSpec> parseTools(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonElement root = JsonParser.parseString(json);
        JsonArray arr = root.isJsonArray() ? root.getAsJsonArray() : new JsonArray();
        if (root.isJsonObject()) {
            arr.add(root);
        }
        List<ToolSpec> out = new ArrayList<>();
        for (JsonElement e : arr) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("function")) {
                o = o.getAsJsonObject("function");
            }
            out.add(new ToolSpec(o.get("name").getAsString(),
                    o.has("description") ? o.get("description").getAsString() : null,
                    o.has("parameters") ? o.get("parameters").toString() : null));
        }
        return out;
    }

    static String formatToolCalls(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return "";
        }
        JsonArray arr = new JsonArray();
        for (ToolCall t : calls) {
            JsonObject o = new JsonObject();
            o.addProperty("id", t.id());
            o.addProperty("name", t.name());
            try {
                o.add("arguments", JsonParser.parseString(t.arguments()));
            } catch (RuntimeException ex) {
                o.addProperty("arguments", t.arguments());
            }
            arr.add(o);
        }
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr);
    }

    static String pretty(String json) {
        try {
            return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(JsonParser.parseString(json));
        } catch (RuntimeException e) {
            return json;
        }
    }

    static String ms(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
    }
}
