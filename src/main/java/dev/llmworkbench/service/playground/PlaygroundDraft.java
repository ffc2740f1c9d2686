package dev.llmworkbench.service.playground;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the Playground held when it sent a run: the prompt templates with their {@code {{variables}}} and
 * values, the parameters as the form shows them (the prompt library's map), and the conversation before the
 * prompt, and that conversation with its branches ({@code tree}, null when not known: its path is
 * {@code conversation}). Kept with the run, so that reopening it from the History restores the Playground as it
 * was and a Run sends the same request again.
 */
public record PlaygroundDraft(String systemTemplate, String userTemplate, Map<String, String> variables,
                              Map<String, String> parameters, List<Message> conversation, ConversationTree tree) {
    /** A draft whose conversation has no branches. */
    public PlaygroundDraft(String systemTemplate, String userTemplate, Map<String, String> variables,
                           Map<String, String> parameters, List<Message> conversation) {
        this(systemTemplate, userTemplate, variables, parameters, conversation, null);
    }

    public PlaygroundDraft {
        systemTemplate = systemTemplate == null ? "" : systemTemplate;
        userTemplate = userTemplate == null ? "" : userTemplate;
        variables = variables == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        parameters = parameters == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        conversation = conversation == null ? List.of() : List.copyOf(conversation);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("system_template", systemTemplate);
        o.addProperty("user_template", userTemplate);
        o.add("variables", map(variables));
        o.add("parameters", map(parameters));
        JsonArray turns = new JsonArray();
        for (Message m : conversation) {
            JsonObject t = new JsonObject();
            t.addProperty("role", m.role().name().toLowerCase(Locale.ROOT));
            t.addProperty("content", m.content());
            turns.add(t);
        }
        o.add("conversation", turns);
        if (tree != null) {
            o.add("tree", tree.toJson());
        }
        return o;
    }

    /** The draft {@link #toJson()} wrote; null when {@code o} is not one. */
    public static PlaygroundDraft fromJson(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            return null;
        }
        JsonObject o = e.getAsJsonObject();
        List<Message> turns = new ArrayList<>();
        if (o.has("conversation") && o.get("conversation").isJsonArray()) {
            for (JsonElement t : o.getAsJsonArray("conversation")) {
                JsonObject m = t.getAsJsonObject();
                Role role = Role.valueOf(m.get("role").getAsString().toUpperCase(Locale.ROOT));
                turns.add(new Message(role, m.get("content").isJsonNull() ? "" : m.get("content").getAsString(),
                        List.of(), null));
            }
        }
        ConversationTree tree = ConversationTree.fromJson(o.get("tree"));
        if (tree != null && !tree.messages().equals(turns)) {
            tree = null; // not the conversation that was sent: the sent one wins
        }
        return new PlaygroundDraft(str(o, "system_template"), str(o, "user_template"), map(o, "variables"),
                map(o, "parameters"), turns, tree);
    }

    private static JsonObject map(Map<String, String> m) {
        JsonObject o = new JsonObject();
        m.forEach(o::addProperty);
        return o;
    }

    private static Map<String, String> map(JsonObject o, String name) {
        Map<String, String> m = new LinkedHashMap<>();
        if (o.has(name) && o.get(name).isJsonObject()) {
            for (Map.Entry<String, JsonElement> en : o.getAsJsonObject(name).entrySet()) {
                m.put(en.getKey(), en.getValue().isJsonNull() ? null : en.getValue().getAsString());
            }
        }
        return m;
    }

    private static String str(JsonObject o, String name) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : null;
    }
}
