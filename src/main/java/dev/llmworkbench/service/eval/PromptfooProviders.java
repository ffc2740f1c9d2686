package dev.llmworkbench.service.eval;

import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A promptfoo configuration's providers (and judges): {@code openai:chat:MODEL} (or {@code openai:MODEL}) as strings or
 * objects with {@code id}, {@code label} and {@code config} ({@code apiBaseUrl}, {@code apiKey}, {@code apiKeyEnvar},
 * {@code temperature}, {@code max_tokens}); without {@code apiBaseUrl}, {@code OPENAI_BASE_URL} (or
 * {@code OPENAI_API_BASE_URL}), else {@code https://api.openai.com/v1}; the key from {@code apiKeyEnvar}, else
 * {@code apiKey}, else {@code OPENAI_API_KEY}. Keys written literally are kept apart, in memory only.
 */
final class PromptfooProviders {
    private static final Set<String> CHAT_KINDS_NOT = Set.of("completion", "embedding", "embeddings", "image",
            "moderation", "assistant", "realtime", "responses", "transcription", "speech");
    private static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final PromptfooFiles files;
    private final Map<EvalPlan.Provider, ApiKey> literalKeys = new LinkedHashMap<>();

    PromptfooProviders(PromptfooFiles files) {
        this.files = files;
    }

    /** The keys written literally in the configuration, by provider (never stored). */
    Map<EvalPlan.Provider, ApiKey> literalKeys() {
        return literalKeys;
    }

    /** The providers of the configuration's {@code providers} (one or a list). */
    List<EvalPlan.Provider> providers(Object v) {
        List<EvalPlan.Provider> out = new ArrayList<>();
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < items.size(); i++) {
            out.add(provider(items.get(i), "providers[" + i + "]"));
        }
        return out;
    }

    /** A provider as a string id, an object with id/label/config, or a one-key mapping {@code {ID: {config...}}}. */
    EvalPlan.Provider provider(Object p, String where) {
        String id;
        String label = null;
        Map<?, ?> cfg = Map.of();
        if (p instanceof String s) {
            id = s;
        } else if (p instanceof Map<?, ?> m && m.get("id") != null) {
            id = String.valueOf(m.get("id"));
            label = m.get("label") == null ? null : String.valueOf(m.get("label"));
            if (m.get("config") instanceof Map<?, ?> c) {
                cfg = c;
            }
            for (Object k : m.keySet()) {
                if (!Set.of("id", "label", "config").contains(String.valueOf(k))) {
                    files.unsupported(where + "." + k, "not used for the provider", where);
                }
            }
        } else if (p instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> only = m.entrySet().iterator().next();
            id = String.valueOf(only.getKey());
            if (only.getValue() instanceof Map<?, ?> o) {
                label = o.get("label") == null ? null : String.valueOf(o.get("label"));
                if (o.get("config") instanceof Map<?, ?> c) {
                    cfg = c;
                }
            }
        } else {
            throw files.problem(where + " is not a provider (expected an id such as openai:chat:MODEL, or an object "
                    + "with id and config)");
        }
        id = files.renderEnv(id, where);
        String model = chatModel(id);
        if (model == null) {
            throw files.problem("unknown provider id '" + id + "' at " + where
                    + " (expected openai:chat:MODEL, an OpenAI-compatible chat API)");
        }
        String baseUrl = null;
        String keyEnv = null;
        String literalKey = null;
        Double temperature = null;
        Integer maxTokens = null;
        for (Map.Entry<?, ?> en : cfg.entrySet()) {
            String k = String.valueOf(en.getKey());
            Object val = en.getValue();
            String at = where + ".config." + k;
            switch (k) {
                case "apiBaseUrl" -> baseUrl = files.renderEnv(String.valueOf(val), at);
                case "apiKeyEnvar" -> keyEnv = String.valueOf(val);
                case "apiKey" -> {
                    String raw = String.valueOf(val).trim();
                    String variable = files.environmentOnly(raw);
                    if (variable != null) {
                        keyEnv = variable; // read from the environment when the run starts: never stored
                    } else {
                        literalKey = files.renderEnv(raw, at);
                    }
                }
                case "temperature" -> temperature = files.number(val, at).doubleValue();
                case "max_tokens", "max_completion_tokens" -> {
                    Number n = files.number(val, at);
                    if (n.intValue() < 1) {
                        throw files.problem(at + " must be at least 1");
                    }
                    maxTokens = n.intValue();
                }
                default -> files.unsupported("provider setting '" + k + "'", "not sent", where);
            }
        }
        if (baseUrl == null) {
            String e = files.env("OPENAI_BASE_URL");
            e = e == null || e.isBlank() ? files.env("OPENAI_API_BASE_URL") : e;
            baseUrl = e == null || e.isBlank() ? DEFAULT_BASE_URL : e;
        }
        String problem = ProviderProfile.baseUrlProblem(baseUrl);
        if (problem != null) {
            throw files.problem(where + ": " + problem);
        }
        if (keyEnv == null && literalKey == null) {
            keyEnv = "OPENAI_API_KEY"; // promptfoo's default; nothing is sent when it is not set
        }
        EvalPlan.Provider out = new EvalPlan.Provider(id, label, model, baseUrl, literalKey != null ? null : keyEnv,
                temperature, maxTokens);
        ApiKey key = ApiKey.ofNullable(literalKey);
        if (key != null) {
            literalKeys.put(out, key);
        }
        return out;
    }

    /** The model of an OpenAI chat provider id ({@code openai:chat:MODEL} or {@code openai:MODEL}), else null. */
    static String chatModel(String id) {
        if (id.startsWith("openai:chat:")) {
            String m = id.substring("openai:chat:".length()).trim();
            return m.isEmpty() ? null : m;
        }
        if (id.startsWith("openai:")) {
            String rest = id.substring("openai:".length()).trim();
            int colon = rest.indexOf(':');
            if (rest.isEmpty() || colon >= 0 && CHAT_KINDS_NOT.contains(rest.substring(0, colon))
                    || CHAT_KINDS_NOT.contains(rest)) {
                return null;
            }
            return colon >= 0 ? null : rest;
        }
        return null;
    }

    /** The judge of {@code defaultTest.options.provider}, else null; the other options are listed as not run. */
    EvalPlan.Provider defaultJudge(Map<?, ?> d) {
        if (!(d.get("options") instanceof Map<?, ?> o)) {
            return null;
        }
        EvalPlan.Provider judge = null;
        for (Map.Entry<?, ?> en : o.entrySet()) {
            String k = String.valueOf(en.getKey());
            if (k.equals("provider")) {
                Object p = en.getValue();
                // promptfoo also takes {text: ..., embedding: ...}: the text grader is the judge
                if (p instanceof Map<?, ?> m && m.get("id") == null && m.get("text") != null) {
                    p = m.get("text");
                }
                judge = provider(p, "defaultTest.options.provider");
            } else {
                files.unsupported("defaultTest.options." + k, "not run by this evaluation", "defaultTest.options");
            }
        }
        return judge;
    }
}
