package dev.llmworkbench.sim;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.Dialect;

/**
 * How a server of each dialect reads the thinking switch and where it puts the reasoning ({@code sim --dialect D}),
 * written from the servers' own documentation, independently of the client's mapping, so that each tests the
 * other. Without a dialect the simulator answers as DashScope does.
 *
 * <ul>
 *   <li>{@code dashscope}: top-level {@code enable_thinking} (off when absent); reasoning in {@code reasoning_content};
 *       thinking needs streaming.</li>
 *   <li>{@code vllm}, {@code sglang}: {@code chat_template_kwargs.enable_thinking} (Qwen3's template thinks when it is
 *       absent); reasoning in {@code reasoning}.</li>
 *   <li>{@code llamacpp}: {@code chat_template_kwargs.enable_thinking} as vLLM; reasoning in {@code reasoning_content}
 *       (the server's default, {@code --reasoning-format auto} or {@code deepseek}, as a real llama-server answered:
 *       docs/COMPATIBILITY.md), inside the content between {@code <think>} and {@code </think>} when the request's
 *       {@code reasoning_format} is {@code none}.</li>
 *   <li>{@code ollama}, {@code lmstudio}, {@code openai}: {@code reasoning_effort} ({@code none} turns thinking off);
 *       reasoning in {@code reasoning} (Ollama), {@code reasoning_content} (LM Studio, which also never sends usage in a
 *       stream) or not at all (OpenAI: only its count, in the usage).</li>
 *   <li>{@code openrouter}: {@code reasoning: {enabled | effort | max_tokens}} (off when absent); reasoning in
 *       {@code reasoning}.</li>
 *   <li>{@code deepseek}: {@code thinking: {"type": "enabled"}} (off when absent); reasoning in
 *       {@code reasoning_content}.</li>
 *   <li>{@code generic}: no thinking parameter; Qwen3's soft switch, {@code /no_think} or {@code /think} at the end of
 *       the last user message (thinking when neither); reasoning inside the content in {@code <think>} tags.</li>
 * </ul>
 */
final class SimDialects {
    /** The reasoning goes inside the content, between {@code <think>} and {@code </think>}. */
    static final String IN_CONTENT = "<think>";
    /** The reasoning is not sent (only counted in the usage). */
    static final String HIDDEN = "";

    private SimDialects() {
    }

    /** Whether a request asks for thinking as a server of {@code d} reads it (null: DashScope's field). */
    static boolean thinking(Dialect d, JsonObject b, JsonArray messages, boolean enableThinking) {
        if (d == null) {
            return enableThinking;
        }
        return switch (d) {
            case DASHSCOPE -> enableThinking;
            case VLLM, SGLANG, LLAMACPP -> {
                JsonElement kw = b.get("chat_template_kwargs");
                JsonElement on = kw != null && kw.isJsonObject() ? kw.getAsJsonObject().get("enable_thinking") : null;
                yield on == null || !on.isJsonPrimitive() || on.getAsBoolean();
            }
            case OLLAMA, LMSTUDIO, OPENAI -> {
                JsonElement e = b.get("reasoning_effort");
                yield e == null || e.isJsonNull() || !"none".equals(e.getAsString());
            }
            case OPENROUTER -> {
                JsonElement r = b.get("reasoning");
                if (r == null || !r.isJsonObject()) {
                    yield false;
                }
                JsonObject o = r.getAsJsonObject();
                JsonElement enabled = o.get("enabled");
                yield enabled != null && enabled.isJsonPrimitive() ? enabled.getAsBoolean()
                        : o.has("effort") || o.has("max_tokens");
            }
            case DEEPSEEK -> {
                JsonElement t = b.get("thinking");
                yield t != null && t.isJsonObject() && t.getAsJsonObject().has("type")
                        && "enabled".equals(t.getAsJsonObject().get("type").getAsString());
            }
            case GENERIC -> {
                String last = lastUserText(messages).stripTrailing();
                yield !last.endsWith("/no_think");
            }
        };
    }

    /** The field the reasoning is sent in, {@link #IN_CONTENT} or {@link #HIDDEN}. */
    static String reasoningField(Dialect d, JsonObject b) {
        if (d == null) {
            return "reasoning_content";
        }
        return switch (d) {
            case DASHSCOPE, DEEPSEEK, LMSTUDIO -> "reasoning_content";
            case VLLM, SGLANG, OPENROUTER, OLLAMA -> "reasoning";
            case LLAMACPP -> {
                JsonElement f = b.get("reasoning_format");
                yield f != null && f.isJsonPrimitive() && "none".equals(f.getAsString()) ? IN_CONTENT
                        : "reasoning_content";
            }
            case OPENAI -> HIDDEN;
            case GENERIC -> IN_CONTENT;
        };
    }

    /** Whether a stream asked for its usage ({@code stream_options.include_usage}) gets it. */
    static boolean sendsStreamUsage(Dialect d) {
        return d != Dialect.LMSTUDIO;
    }

    /** Whether thinking is refused without streaming (DashScope's rule). */
    static boolean thinkingNeedsStreaming(Dialect d) {
        return d == null || d == Dialect.DASHSCOPE;
    }

    private static String lastUserText(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonElement m = messages.get(i);
            if (m.isJsonObject() && "user".equals(str(m.getAsJsonObject().get("role")))) {
                JsonElement c = m.getAsJsonObject().get("content");
                return c != null && c.isJsonPrimitive() ? c.getAsString() : "";
            }
        }
        return "";
    }

    private static String str(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }
}
