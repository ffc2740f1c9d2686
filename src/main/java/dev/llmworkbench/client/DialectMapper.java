package dev.llmworkbench.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.llmworkbench.domain.Dialect;

/**
 * The one place that turns (dialect, thinking on / off / the model's default, budget) into request body
 * fields. Every body the client sends, the inspector shows and "View code" prints is made by
 * {@link RequestBodies}, which calls this. Thinking null and no budget: nothing is sent (the model's
 * default). A budget a dialect cannot express per request is left out ({@link Dialect#takesBudget}).
 */
public final class DialectMapper {
    /** Qwen3's soft switches, appended to the last user message by {@link Dialect#GENERIC}. */
    public static final String THINK = "/think";
    public static final String NO_THINK = "/no_think";

    private DialectMapper() {
    }

    /** Adds the dialect's thinking fields to {@code body} (for {@code generic}: edits its last user message). */
    static void apply(JsonObject body, Dialect dialect, Boolean thinking, Integer budget) {
        if (editsMessages(dialect, thinking)) {
            appendToLastUserMessage(body, thinking ? THINK : NO_THINK);
            return;
        }
        JsonObject f = fields(dialect, thinking, budget); // none for generic
        for (var e : f.entrySet()) {
            body.add(e.getKey(), e.getValue());
        }
    }

    /** Whether {@link #apply} edits the messages for this setting (the generic dialect's soft switch). */
    static boolean editsMessages(Dialect dialect, Boolean thinking) {
        return dialect == Dialect.GENERIC && thinking != null;
    }

    /** The top-level fields the dialect sends for this setting (empty for {@code generic}: it edits a message). */
    static JsonObject fields(Dialect dialect, Boolean thinking, Integer budget) {
        JsonObject o = new JsonObject();
        boolean off = Boolean.FALSE.equals(thinking);
        Integer b = off || !dialect.takesBudget() ? null : budget;
        switch (dialect) {
            case DASHSCOPE -> {
                if (thinking != null) {
                    o.addProperty("enable_thinking", thinking);
                }
                if (b != null) {
                    o.addProperty("thinking_budget", b);
                }
            }
            case VLLM, SGLANG, LLAMACPP -> {
                if (thinking != null) {
                    JsonObject kwargs = new JsonObject();
                    kwargs.addProperty("enable_thinking", thinking);
                    o.add("chat_template_kwargs", kwargs);
                    if (dialect == Dialect.LLAMACPP && thinking) {
                        o.addProperty("reasoning_format", "deepseek");
                    }
                }
            }
            case OPENAI, OLLAMA, LMSTUDIO -> {
                if (off) {
                    o.addProperty("reasoning_effort", "none");
                } else if (b != null) {
                    o.addProperty("reasoning_effort", effortFor(b));
                } else if (thinking != null) {
                    o.addProperty("reasoning_effort", "medium");
                }
            }
            case OPENROUTER -> {
                if (thinking != null || b != null) {
                    JsonObject r = new JsonObject();
                    r.addProperty("enabled", !off);
                    if (b != null) {
                        r.addProperty("max_tokens", b);
                    }
                    o.add("reasoning", r);
                }
            }
            case DEEPSEEK -> {
                if (thinking != null) {
                    JsonObject t = new JsonObject();
                    t.addProperty("type", thinking ? "enabled" : "disabled");
                    o.add("thinking", t);
                }
            }
            case GENERIC -> {
                // a soft switch in the prompt, no field
            }
        }
        return o;
    }

    /** The {@code reasoning_effort} nearest a token budget: under 2048 low, under 16384 medium, else high. */
    static String effortFor(int budget) {
        return budget < 2048 ? "low" : budget < 16384 ? "medium" : "high";
    }

    /**
     * What the dialect sends for this setting, in one line for a person: {@code chat_template_kwargs:
     * {"enable_thinking":false}}, {@code "/no_think" appended to the last user message}, or {@code nothing
     * (the model's default)}.
     */
    public static String describe(Dialect dialect, Boolean thinking, Integer budget) {
        if (dialect == Dialect.GENERIC) {
            return thinking == null ? "nothing (the model's default)"
                    : "\"" + (thinking ? THINK : NO_THINK) + "\" appended to the last user message";
        }
        JsonObject f = fields(dialect, thinking, budget);
        if (f.isEmpty()) {
            return "nothing (the model's default)";
        }
        StringBuilder sb = new StringBuilder();
        for (var e : f.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(": ").append(RequestBodies.GSON.toJson(e.getValue()));
        }
        return sb.toString();
    }

    /**
     * The thinking setting a body sent in any dialect says (null: none), for reopening a request: top-level
     * {@code enable_thinking}, {@code chat_template_kwargs.enable_thinking}, {@code reasoning.enabled},
     * {@code thinking.type}, {@code reasoning_effort} ({@code none} = off), or a soft switch ending the last
     * user message.
     */
    public static Boolean thinkingOf(JsonObject body) {
        Boolean top = bool(body, "enable_thinking");
        if (top != null) {
            return top;
        }
        Boolean kw = bool(Json.obj(body, "chat_template_kwargs"), "enable_thinking");
        if (kw != null) {
            return kw;
        }
        Boolean or = bool(Json.obj(body, "reasoning"), "enabled");
        if (or != null) {
            return or;
        }
        String type = Json.str(Json.obj(body, "thinking"), "type");
        if (type != null) {
            return "enabled".equals(type);
        }
        String effort = Json.str(body, "reasoning_effort");
        if (effort != null) {
            return !"none".equals(effort);
        }
        String last = lastUserText(body);
        if (last != null) {
            if (last.endsWith(" " + NO_THINK)) {
                return false;
            }
            if (last.endsWith(" " + THINK)) {
                return true;
            }
        }
        return null;
    }

    /** A user message's text without the soft switch {@link Dialect#GENERIC} appended to it. */
    public static String withoutSoftSwitch(String text) {
        if (text == null) {
            return null;
        }
        for (String s : new String[] {" " + NO_THINK, " " + THINK}) {
            if (text.endsWith(s)) {
                return text.substring(0, text.length() - s.length());
            }
        }
        return text;
    }

    private static Boolean bool(JsonObject o, String name) {
        JsonElement e = Json.get(o, name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() ? e.getAsBoolean() : null;
    }

    private static JsonObject lastUser(JsonObject body) {
        JsonArray messages = Json.arr(body, "messages");
        if (messages == null) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonElement m = messages.get(i);
            if (m.isJsonObject() && "user".equals(Json.str(m.getAsJsonObject(), "role"))) {
                return m.getAsJsonObject();
            }
        }
        return null;
    }

    private static String lastUserText(JsonObject body) {
        JsonObject m = lastUser(body);
        JsonElement c = m == null ? null : Json.get(m, "content");
        return c != null && c.isJsonPrimitive() ? c.getAsString() : null;
    }

    private static void appendToLastUserMessage(JsonObject body, String word) {
        JsonObject m = lastUser(body);
        String text = lastUserText(body);
        if (m != null && text != null) {
            m.add("content", new JsonPrimitive(text + " " + word));
        }
    }
}
