package dev.llmworkbench.service.playground;

import dev.llmworkbench.domain.ResponseFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Playground's parameters as text, in the one form the prompt library, History's reopen and the desktop's form
 * share (the map's keys are written here only). A value left empty means the server's default.
 *
 * @param model          the model, or null to keep the form's
 * @param responseFormat {@code TEXT}, {@code JSON_OBJECT} or {@code JSON_SCHEMA}
 */
public record PlaygroundParameters(String model, String temperature, String topP, String maxTokens, boolean thinking,
                                   String thinkingBudget, String seed, boolean stream, ResponseFormat.Type responseFormat,
                                   String schema, String tools) {
    public PlaygroundParameters {
        temperature = orEmpty(temperature);
        topP = orEmpty(topP);
        maxTokens = orEmpty(maxTokens);
        thinkingBudget = orEmpty(thinkingBudget);
        seed = orEmpty(seed);
        responseFormat = responseFormat == null ? ResponseFormat.Type.TEXT : responseFormat;
        schema = orEmpty(schema);
        tools = orEmpty(tools);
    }

    /** As the prompt library keeps them; a null model is left out. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (model != null) {
            m.put("model", model);
        }
        m.put("temperature", temperature);
        m.put("top_p", topP);
        m.put("max_tokens", maxTokens);
        m.put("thinking", Boolean.toString(thinking));
        m.put("thinking_budget", thinkingBudget);
        m.put("seed", seed);
        m.put("stream", Boolean.toString(stream));
        m.put("response_format", responseFormat.name());
        m.put("schema", schema);
        m.put("tools", tools);
        return m;
    }

    /** From the library's map; what it lacks is the default (streaming on, thinking off, text), the model null. */
    public static PlaygroundParameters fromMap(Map<String, String> m) {
        ResponseFormat.Type format;
        try {
            format = ResponseFormat.Type.valueOf(m.getOrDefault("response_format", "TEXT"));
        } catch (IllegalArgumentException e) {
            format = ResponseFormat.Type.TEXT;
        }
        return new PlaygroundParameters(m.get("model"), m.get("temperature"), m.get("top_p"), m.get("max_tokens"),
                Boolean.parseBoolean(m.getOrDefault("thinking", "false")), m.get("thinking_budget"), m.get("seed"),
                Boolean.parseBoolean(m.getOrDefault("stream", "true")), format, m.get("schema"), m.get("tools"));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
