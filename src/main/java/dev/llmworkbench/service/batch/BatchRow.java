package dev.llmworkbench.service.batch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import dev.llmworkbench.domain.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * One valid input row as the engine sends it: the messages (templates filled), and the row's own model,
 * max tokens, temperature and priority (null: the command's), the expected answer and the checks.
 * Stored as JSON in the batch item ({@link #toJson()} / {@link #fromJson(String)}).
 */
public record BatchRow(List<Message> messages, String model, Integer maxTokens, Double temperature,
                       Priority priority, String expected, List<String> checks) {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public BatchRow {
        messages = List.copyOf(messages);
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** The last user message: what routing and history look at. */
    public String prompt() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return messages.get(i).content();
            }
        }
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1).content();
    }

    public boolean hasChecks() {
        return expected != null || !checks.isEmpty();
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        JsonArray ms = new JsonArray();
        for (Message m : messages) {
            JsonObject j = new JsonObject();
            j.addProperty("role", m.role().wireName());
            j.addProperty("content", m.content());
            ms.add(j);
        }
        o.add("messages", ms);
        if (model != null) {
            o.addProperty("model", model);
        }
        if (maxTokens != null) {
            o.addProperty("max_tokens", maxTokens);
        }
        if (temperature != null) {
            o.addProperty("temperature", temperature);
        }
        if (priority != null) {
            o.addProperty("priority", priority.wireName());
        }
        if (expected != null) {
            o.addProperty("expected", expected);
        }
        if (!checks.isEmpty()) {
            JsonArray cs = new JsonArray();
            checks.forEach(cs::add);
            o.add("checks", cs);
        }
        return GSON.toJson(o);
    }

    public static BatchRow fromJson(String json) {
        JsonObject o = GSON.fromJson(json, JsonObject.class);
        List<Message> ms = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("messages")) {
            JsonObject m = e.getAsJsonObject();
            ms.add(new Message(Role.fromWire(m.get("role").getAsString()), m.get("content").getAsString(),
                    List.of(), null));
        }
        List<String> checks = new ArrayList<>();
        if (o.has("checks")) {
            o.getAsJsonArray("checks").forEach(c -> checks.add(c.getAsString()));
        }
        return new BatchRow(ms, str(o, "model"), o.has("max_tokens") ? o.get("max_tokens").getAsInt() : null,
                o.has("temperature") ? o.get("temperature").getAsDouble() : null,
                o.has("priority") ? Priority.parse(o.get("priority").getAsString()) : null,
                str(o, "expected"), checks);
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) && !o.get(k).isJsonNull() ? o.get(k).getAsString() : null;
    }
}
