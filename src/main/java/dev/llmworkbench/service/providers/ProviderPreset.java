package dev.llmworkbench.service.providers;

import java.util.List;
import java.util.Optional;

/**
 * A provider the settings offer ready-made: its name, base URL, a sensible default model and
 * whether it needs a key. {@link #SIMULATOR} is the embedded simulator (its URL is only known at run time).
 */
public record ProviderPreset(String name, String baseUrl, String defaultModel, boolean needsKey) {
    public static final String SIMULATOR = "Simulator (built in)";
    public static final String CUSTOM = "Custom";

    /** Every preset, in the order the settings list them. */
    public static final List<ProviderPreset> ALL = List.of(
            new ProviderPreset(SIMULATOR, "", "qwen3-235b-a22b", false),
            new ProviderPreset("DashScope international", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                    "qwen3-235b-a22b", true),
            new ProviderPreset("DashScope China", "https://dashscope.aliyuncs.com/compatible-mode/v1",
                    "qwen3-235b-a22b", true),
            new ProviderPreset("HolySheep", "https://api.holysheep.ai/v1", "qwen3-235b", true),
            new ProviderPreset("OpenAI", "https://api.openai.com/v1", "gpt-4o-mini", true),
            new ProviderPreset("DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", true),
            new ProviderPreset("OpenRouter", "https://openrouter.ai/api/v1", "qwen/qwen3-235b-a22b", true),
            new ProviderPreset("Ollama", "http://localhost:11434/v1", "qwen3:8b", false),
            new ProviderPreset("vLLM", "http://localhost:8000/v1", "Qwen/Qwen3-8B", false),
            new ProviderPreset("LM Studio", "http://localhost:1234/v1", "qwen3-8b", false),
            new ProviderPreset("llama.cpp server", "http://localhost:8080/v1", "qwen3", false),
            new ProviderPreset(CUSTOM, "https://", "", true));

    public static Optional<ProviderPreset> find(String name) {
        return ALL.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    /** Whether this preset is for a DashScope endpoint (thinking there needs streaming). */
    public static boolean isDashScope(String baseUrl) {
        return baseUrl != null && baseUrl.contains("dashscope");
    }
}
