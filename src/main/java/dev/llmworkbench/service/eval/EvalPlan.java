package dev.llmworkbench.service.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an evaluation grid runs: its prompts and providers (each prompt × provider is a column, in that order:
 * prompt 0 on every provider, then prompt 1, ...), its test cases (the rows) with their checks, the judge model
 * of the judged checks, and the parts of the configuration it was read from that are not run (listed, never
 * silently dropped). Immutable; stored as JSON with the grid. Never holds a key: only the name of the environment
 * variable that holds it.
 */
public record EvalPlan(String title, List<Prompt> prompts, List<Provider> providers, List<Case> cases,
                       Provider judge, List<Unsupported> unsupported, List<String> warnings, Integer concurrency) {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    public EvalPlan {
        prompts = List.copyOf(prompts);
        providers = List.copyOf(providers);
        cases = List.copyOf(cases);
        unsupported = unsupported == null ? List.of() : List.copyOf(unsupported);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one prompt");
        }
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one provider");
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one test case");
        }
    }

    /**
     * A prompt version: its label ({@code prompt_label}) and its template, {@code {{var}}} placeholders filled from
     * each row's variables; a template that is a JSON array of {@code {role, content}} messages is a conversation.
     */
    public record Prompt(String label, String raw) {
        public Prompt {
            Objects.requireNonNull(raw, "raw");
            label = label == null || label.isBlank() ? raw : label;
        }
    }

    /**
     * A provider and its parameters: {@code id} as written ({@code openai:chat:MODEL}), an optional label, the model,
     * the base URL, the name of the key's environment variable (null: none, the server needs no key), and the
     * parameters sent with every request of its columns (null: the server's default).
     */
    public record Provider(String id, String label, String model, String baseUrl, String apiKeyEnv,
                           Double temperature, Integer maxTokens) {
        public Provider {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** The label when given, else the id: the {@code provider} of an output line. */
        public String name() {
            return label != null && !label.isBlank() ? label : id;
        }

        /** The parameters in words, for a column's heading ({@code temperature=0.2, max_tokens=64}), or "". */
        public String parameters() {
            List<String> p = new ArrayList<>();
            if (temperature != null) {
                p.add("temperature=" + temperature);
            }
            if (maxTokens != null) {
                p.add("max_tokens=" + maxTokens);
            }
            return String.join(", ", p);
        }
    }

    /**
     * A row: its variables, an optional description, text put before and after the prompt ({@code __prefix},
     * {@code __suffix}) and its checks (the default test's first, then its own).
     */
    public record Case(String description, Map<String, String> vars, String prefix, String suffix,
                       List<Check> checks) {
        public Case {
            vars = vars == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vars));
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    /**
     * A check, named as promptfoo names it ({@code contains}, {@code not-icontains}, {@code is-json}, ...; see
     * {@link EvalChecks#SUPPORTED}), its value with the row's variables filled in (null for checks without one), and
     * for a judged check ({@code llm-similar}, {@code llm-rubric}) the judge when it is not the grid's.
     */
    public record Check(String type, String value, Provider judge) {
        public Check {
            Objects.requireNonNull(type, "type");
        }

        public Check(String type, String value) {
            this(type, value, null);
        }
    }

    /** A part of the configuration that is not run: what it is, why, where (the first few places) and how often. */
    public record Unsupported(String what, String why, List<String> where, int count) {
        public Unsupported {
            where = where == null ? List.of() : List.copyOf(where);
        }

        /** One line: {@code javascript (JavaScript assertions are not run): 20 times, at tests.csv line 2, ...}. */
        public String describe() {
            return what + " (" + why + "): " + (count == 1 ? "once" : count + " times") + (where.isEmpty() ? ""
                    : ", at " + String.join(", ", where) + (count > where.size() ? ", ..." : ""));
        }
    }

    /** The number of columns: prompts × providers. */
    public int columnCount() {
        return prompts.size() * providers.size();
    }

    /** Column {@code col}'s prompt. */
    public Prompt promptOf(int col) {
        return prompts.get(col / providers.size());
    }

    /** Column {@code col}'s provider. */
    public Provider providerOf(int col) {
        return providers.get(col % providers.size());
    }

    /** Whether any check needs the judge. */
    public boolean judged() {
        return cases.stream().flatMap(c -> c.checks().stream()).anyMatch(ch -> EvalChecks.isJudged(ch.type()));
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static EvalPlan fromJson(String json) {
        return GSON.fromJson(json, EvalPlan.class);
    }
}
