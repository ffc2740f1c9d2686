package dev.llmworkbench.service.providers;

import dev.llmworkbench.domain.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A provider the settings and {@code profile add --preset} offer ready-made: its id (for the command line),
 * its display name, base URL, a sensible default model, whether it needs a key and the dialect it speaks.
 * {@link #SIMULATOR} is the embedded simulator (its URL is only known at run time).
 */
public record ProviderPreset(String id, String name, String baseUrl, String defaultModel, boolean needsKey,
                             Dialect dialect) {
    public static final String SIMULATOR = "Simulator (built in)";
    public static final String CUSTOM = "Custom";

    /** Every preset, in the order the settings list them. */
    public static final List<ProviderPreset> ALL = List.of(
            new ProviderPreset("simulator", SIMULATOR, "", "qwen3-235b-a22b", false, Dialect.DASHSCOPE),
            new ProviderPreset("dashscope-intl", "DashScope international",
                    "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "qwen3-235b-a22b", true,
                    Dialect.DASHSCOPE),
            new ProviderPreset("dashscope-cn", "DashScope China", "https://dashscope.aliyuncs.com/compatible-mode/v1",
                    "qwen3-235b-a22b", true, Dialect.DASHSCOPE),
            new ProviderPreset("holysheep", "HolySheep", "https://api.holysheep.ai/v1", "qwen3-235b", true,
                    Dialect.DASHSCOPE),
            new ProviderPreset("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o-mini", true, Dialect.OPENAI),
            new ProviderPreset("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", true,
                    Dialect.DEEPSEEK),
            new ProviderPreset("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "qwen/qwen3-235b-a22b", true,
                    Dialect.OPENROUTER),
            new ProviderPreset("ollama", "Ollama", "http://localhost:11434/v1", "qwen3:8b", false, Dialect.OLLAMA),
            new ProviderPreset("vllm", "vLLM", "http://localhost:8000/v1", "Qwen/Qwen3-8B", false, Dialect.VLLM),
            new ProviderPreset("sglang", "SGLang", "http://localhost:30000/v1", "Qwen/Qwen3-8B", false, Dialect.SGLANG),
            new ProviderPreset("lmstudio", "LM Studio", "http://localhost:1234/v1", "qwen3-8b", false,
                    Dialect.LMSTUDIO),
            new ProviderPreset("llamacpp", "llama.cpp server", "http://localhost:8080/v1", "qwen3", false,
                    Dialect.LLAMACPP),
            new ProviderPreset("custom", CUSTOM, "https://", "", true, Dialect.GENERIC));

    /** The preset of this id or display name (any case). */
    public static Optional<ProviderPreset> find(String idOrName) {
        String s = idOrName == null ? "" : idOrName.trim();
        return ALL.stream().filter(p -> p.id().equalsIgnoreCase(s) || p.name().equalsIgnoreCase(s)).findFirst();
    }

    /** Every preset id, comma separated, for messages. */
    public static String ids() {
        return ALL.stream().map(ProviderPreset::id).collect(Collectors.joining(", "));
    }

    /** Whether this base URL is a DashScope endpoint. */
    public static boolean isDashScope(String baseUrl) {
        return baseUrl != null && baseUrl.toLowerCase(Locale.ROOT).contains("dashscope");
    }
}
