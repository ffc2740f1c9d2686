package dev.llmworkbench.client;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ChatRequest;
import dev.llmworkbench.domain.Dialect;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.domain.ResponseFormat;
import dev.llmworkbench.domain.Role;
import dev.llmworkbench.domain.ToolCall;
import dev.llmworkbench.domain.ToolSpec;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the JSON body of {@code POST /chat/completions}; the thinking switch in the profile's dialect
 * ({@link DialectMapper}).
 */
final class RequestBodies {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final Set<String> PROTECTED = Set.of("model", "messages");
    private static final Set<String> TOOL_CHOICE_WORDS = Set.of("auto", "none", "required");

    private RequestBodies() {
    }

    /** @throws IllegalArgumentException when a schema or tool parameter text is not JSON */
    static JsonObject chatBody(ProviderProfile profile, ChatRequest req) {
        return chatBody(profile, req, messages(req));
    }

    /**
     * The body with these {@code messages} in place of the request's: {@code model}, {@code messages}, then
     * the rest, which depends on the messages only where {@link DialectMapper#editsMessages} says so.
     */
    static JsonObject chatBody(ProviderProfile profile, ChatRequest req, JsonArray messages) {
        JsonObject o = new JsonObject();
        o.addProperty("model", req.model());
        o.add("messages", messages);
        if (req.temperature() != null) {
            o.addProperty("temperature", req.temperature());
        }
        if (req.topP() != null) {
            o.addProperty("top_p", req.topP());
        }
        if (req.maxTokens() != null) {
            o.addProperty("max_tokens", req.maxTokens());
        }
        if (!req.stop().isEmpty()) {
            JsonArray stop = new JsonArray();
            req.stop().forEach(stop::add);
            o.add("stop", stop);
        }
        if (req.seed() != null) {
            o.addProperty("seed", req.seed());
        }
        o.addProperty("stream", req.stream());
        if (req.stream() && req.includeUsage()) {
            JsonObject so = new JsonObject();
            so.addProperty("include_usage", true);
            o.add("stream_options", so);
        }
        DialectMapper.apply(o, dialectOf(profile), req.enableThinking(), req.thinkingBudget());
        if (req.responseFormat() != null) {
            o.add("response_format", responseFormat(req.responseFormat()));
        }
        if (!req.tools().isEmpty()) {
            JsonArray tools = new JsonArray();
            for (ToolSpec t : req.tools()) {
                tools.add(tool(t));
            }
            o.add("tools", tools);
        }
        if (req.toolChoice() != null && !req.toolChoice().isBlank()) {
            o.add("tool_choice", toolChoice(req.toolChoice().trim()));
        }
        addExtra(o, profile == null ? Map.of() : profile.extraBody());
        addExtra(o, req.extraBody());
        return o;
    }

    /** The request's messages as the body sends them. */
    static JsonArray messages(ChatRequest req) {
        JsonArray messages = new JsonArray();
        for (Message m : req.messages()) {
            messages.add(message(m));
        }
        return messages;
    }

    /** The profile's dialect; without a profile DashScope's (the embedded simulator speaks it). */
    static Dialect dialectOf(ProviderProfile profile) {
        return profile == null ? Dialect.DASHSCOPE : profile.dialect();
    }

    private static void addExtra(JsonObject o, Map<String, Object> extra) {
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (e.getKey() == null || PROTECTED.contains(e.getKey())) {
                continue;
            }
            o.add(e.getKey(), GSON.toJsonTree(e.getValue()));
        }
    }

    private static JsonObject message(Message m) {
        JsonObject o = new JsonObject();
        o.addProperty("role", m.role().wireName());
        o.addProperty("content", m.content());
        if (m.role() == Role.ASSISTANT && !m.toolCalls().isEmpty()) {
            JsonArray calls = new JsonArray();
            for (ToolCall c : m.toolCalls()) {
                JsonObject call = new JsonObject();
                if (c.id() != null) {
                    call.addProperty("id", c.id());
                }
                call.addProperty("type", c.type());
                JsonObject fn = new JsonObject();
                fn.addProperty("name", c.name());
                fn.addProperty("arguments", c.arguments());
                call.add("function", fn);
                calls.add(call);
            }
            o.add("tool_calls", calls);
        }
        if (m.role() == Role.TOOL && m.toolCallId() != null) {
            o.addProperty("tool_call_id", m.toolCallId());
        }
        return o;
    }

    private static JsonObject responseFormat(ResponseFormat f) {
        JsonObject o = new JsonObject();
        switch (f.type()) {
            case TEXT -> o.addProperty("type", "text");
            case JSON_OBJECT -> o.addProperty("type", "json_object");
            case JSON_SCHEMA -> {
                o.addProperty("type", "json_schema");
                JsonObject js = new JsonObject();
                js.addProperty("name", f.schemaName());
                js.add("schema", parseJson(f.schemaJson(), "response_format schema"));
                js.addProperty("strict", f.strict());
                o.add("json_schema", js);
            }
        }
        return o;
    }

    private static JsonObject tool(ToolSpec t) {
        JsonObject fn = new JsonObject();
        fn.addProperty("name", t.name());
        if (t.description() != null) {
            fn.addProperty("description", t.description());
        }
        if (t.parametersJson() != null && !t.parametersJson().isBlank()) {
            fn.add("parameters", parseJson(t.parametersJson(), "parameters of tool " + t.name()));
        }
        JsonObject o = new JsonObject();
        o.addProperty("type", "function");
        o.add("function", fn);
        return o;
    }

    private static JsonElement toolChoice(String choice) {
        String lower = choice.toLowerCase(Locale.ROOT);
        if (TOOL_CHOICE_WORDS.contains(lower)) {
            return new com.google.gson.JsonPrimitive(lower);
        }
        JsonObject fn = new JsonObject();
        fn.addProperty("name", choice);
        JsonObject o = new JsonObject();
        o.addProperty("type", "function");
        o.add("function", fn);
        return o;
    }

    private static JsonElement parseJson(String text, String what) {
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the " + what + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
