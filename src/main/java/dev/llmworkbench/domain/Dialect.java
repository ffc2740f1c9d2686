package dev.llmworkbench.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a provider spells the thinking switch (and where it puts reasoning): the one list of the dialects
 * the client speaks. The body fields each one gets are made in one place, the client's dialect mapper;
 * here is what a person reads about them.
 *
 * <ul>
 *   <li>{@code dashscope}: top-level {@code enable_thinking} and {@code thinking_budget}; thinking only
 *       when streaming (a non-streamed request with thinking on is refused with 400).</li>
 *   <li>{@code vllm}, {@code sglang}: {@code chat_template_kwargs: {"enable_thinking": …}}; reasoning in
 *       {@code reasoning} (older versions {@code reasoning_content}).</li>
 *   <li>{@code llamacpp}: {@code chat_template_kwargs} as vLLM, and {@code reasoning_format: "deepseek"} when
 *       thinking is on so that the reasoning comes apart from the answer.</li>
 *   <li>{@code ollama}, {@code lmstudio}, {@code openai}: {@code reasoning_effort} ({@code none} turns it off).</li>
 *   <li>{@code openrouter}: {@code reasoning: {"enabled": …, "max_tokens": budget}}; reasoning in
 *       {@code reasoning} / {@code reasoning_details}.</li>
 *   <li>{@code deepseek}: {@code thinking: {"type": "enabled" | "disabled"}} (older models think by choice of
 *       model: {@code deepseek-reasoner}).</li>
 *   <li>{@code generic}: no thinking parameter; Qwen3's soft switch {@code /think} or {@code /no_think} is
 *       appended to the last user message.</li>
 * </ul>
 */
public enum Dialect {
    DASHSCOPE("dashscope", "top-level enable_thinking and thinking_budget (thinking needs streaming)"),
    VLLM("vllm", "chat_template_kwargs.enable_thinking"),
    SGLANG("sglang", "chat_template_kwargs.enable_thinking"),
    LLAMACPP("llamacpp", "chat_template_kwargs.enable_thinking and reasoning_format"),
    OLLAMA("ollama", "reasoning_effort (none turns thinking off)"),
    OPENROUTER("openrouter", "reasoning: {enabled, max_tokens}"),
    DEEPSEEK("deepseek", "thinking: {type: enabled|disabled}"),
    OPENAI("openai", "reasoning_effort (none turns thinking off)"),
    LMSTUDIO("lmstudio", "reasoning_effort (none turns thinking off)"),
    GENERIC("generic", "no thinking parameter: /think or /no_think appended to the last user message");

    private final String wireName;
    private final String thinkingSwitch;

    Dialect(String wireName, String thinkingSwitch) {
        this.wireName = wireName;
        this.thinkingSwitch = thinkingSwitch;
    }

    /** The name on the command line and in the database: {@code dashscope}, {@code vllm}, ... */
    public String wireName() {
        return wireName;
    }

    /** How this dialect switches thinking, in a few words for a person. */
    public String thinkingSwitch() {
        return thinkingSwitch;
    }

    /** Whether a request with thinking on must stream (DashScope refuses it otherwise). */
    public boolean thinkingNeedsStreaming() {
        return this == DASHSCOPE;
    }

    /**
     * Whether a thinking budget is sent: as tokens ({@code dashscope}, {@code openrouter}) or as the nearest
     * {@code reasoning_effort} ({@code openai}, {@code ollama}, {@code lmstudio}: under 2048 tokens low, under
     * 16384 medium, else high); the other dialects cannot say it per request and leave it out.
     */
    public boolean takesBudget() {
        return this == DASHSCOPE || this == OPENROUTER || usesReasoningEffort();
    }

    /**
     * Whether the server takes {@code min_tokens} (vLLM, SGLang): with {@code max_tokens} the same, an answer of
     * exactly that length, for benchmarks.
     */
    public boolean takesMinTokens() {
        return this == VLLM || this == SGLANG;
    }

    /** Whether the server takes {@code ignore_eos} (vLLM, SGLang, llama.cpp): generate until {@code max_tokens}. */
    public boolean takesIgnoreEos() {
        return this == VLLM || this == SGLANG || this == LLAMACPP;
    }

    /** Whether the switch is {@code reasoning_effort}. */
    public boolean usesReasoningEffort() {
        return this == OPENAI || this == OLLAMA || this == LMSTUDIO;
    }

    /** Every wire name, comma separated, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(Dialect::wireName).collect(Collectors.joining(", "));
    }

    /** The dialect of a wire name (any case); IllegalArgumentException naming the allowed ones otherwise. */
    public static Dialect parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (d.wireName.equals(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dialect '" + s + "' (expected one of " + names() + ")");
    }

    /**
     * The dialect a base URL most likely speaks, for a profile saved before profiles had one and for a bare
     * {@code --base-url}: known hosts (DashScope, OpenRouter, DeepSeek, OpenAI) and the usual local ports
     * (Ollama 11434, vLLM 8000, SGLang 30000, LM Studio 1234, llama.cpp 8080); anything else is {@code generic}.
     */
    public static Dialect guess(String baseUrl) {
        String u = baseUrl == null ? "" : baseUrl.toLowerCase(Locale.ROOT);
        String host;
        int port;
        try {
            java.net.URI uri = new java.net.URI(u.trim());
            host = uri.getHost() == null ? "" : uri.getHost();
            port = uri.getPort();
        } catch (java.net.URISyntaxException e) {
            return GENERIC;
        }
        if (host.contains("dashscope") || host.contains("holysheep")) {
            return DASHSCOPE;
        }
        if (host.endsWith("openrouter.ai")) {
            return OPENROUTER;
        }
        if (host.endsWith("deepseek.com")) {
            return DEEPSEEK;
        }
        if (host.endsWith("openai.com")) {
            return OPENAI;
        }
        return switch (port) {
            case 11434 -> OLLAMA;
            case 8000 -> VLLM;
            case 30000 -> SGLANG;
            case 1234 -> LMSTUDIO;
            case 8080 -> LLAMACPP;
            default -> GENERIC;
        };
    }
}
