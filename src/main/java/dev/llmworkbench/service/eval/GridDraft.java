package dev.llmworkbench.service.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.playground.PromptLibraryService.SavedPrompt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A grid built from choices rather than a configuration (the desktop's grid builder): the rows of a tests file, the
 * prompt versions of the library, and targets (a provider profile, a model and its parameters). Each prompt version ×
 * target is a column, as for a configuration. Keys are never part of the plan: the profiles' keys are kept in
 * memory by the service ({@link EvalService#useKeys}), matched by profile name and base URL.
 */
public final class GridDraft {
    /** A column's provider: a profile, a model and the parameters sent (null: the server's default). */
    public record Target(ProviderProfile profile, String model, Double temperature, Integer maxTokens) {
        public Target {
            Objects.requireNonNull(profile, "profile");
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("choose a model for " + profile.name());
            }
            model = model.strip();
            if (temperature != null && (temperature < 0 || temperature > 2)) {
                throw new IllegalArgumentException("the temperature must be between 0 and 2, was " + temperature);
            }
            if (maxTokens != null && maxTokens < 1) {
                throw new IllegalArgumentException("max tokens must be at least 1, was " + maxTokens);
            }
        }

        /** The plan's provider: labelled with the profile's name (its prices and its key follow the name). */
        public EvalPlan.Provider provider() {
            return new EvalPlan.Provider("openai:chat:" + model, profile.name(), model, profile.baseUrl(), null,
                    temperature, maxTokens);
        }

        /** One line: {@code Simulator (built in) · qwen-turbo (temperature=0.2)}. */
        public String describe() {
            String p = provider().parameters();
            return profile.name() + " · " + model + (p.isEmpty() ? "" : " (" + p + ")");
        }
    }

    private GridDraft() {
    }

    /**
     * A library version as a grid's prompt, labelled {@code name vN}: its user prompt as the template, or, with a
     * system prompt, the conversation of both ({@code {{var}}} filled from each row in either).
     */
    public static EvalPlan.Prompt prompt(SavedPrompt p) {
        if (p.system() == null || p.system().isBlank()) {
            return new EvalPlan.Prompt(p.label(), p.user());
        }
        JsonArray a = new JsonArray();
        a.add(message("system", p.system()));
        a.add(message("user", p.user()));
        return new EvalPlan.Prompt(p.label(), EvalPlan.GSON.toJson(a));
    }

    private static JsonObject message(String role, String content) {
        JsonObject o = new JsonObject();
        o.addProperty("role", role);
        o.addProperty("content", content == null ? "" : content);
        return o;
    }

    /**
     * The plan of the choices, with the keys of its targets' profiles.
     *
     * @param judge the judge of {@code llm-similar} and {@code llm-rubric} checks (null: none; then such checks
     *              without a judge of their own are refused)
     * @param keys  a profile's key, if it has one
     * @throws IllegalArgumentException when a choice is missing
     */
    public static PromptfooImport.Imported build(String title, PromptfooImport.Tests tests, List<EvalPlan.Prompt> prompts,
                                                 List<Target> targets, Target judge,
                                                 Function<ProviderProfile, Optional<ApiKey>> keys) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("choose at least one prompt version");
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("add at least one model");
        }
        boolean needsJudge = tests.cases().stream().flatMap(c -> c.checks().stream())
                .anyMatch(c -> EvalChecks.isJudged(c.type()) && c.judge() == null);
        if (needsJudge && judge == null) {
            throw new IllegalArgumentException("the tests have llm-similar or llm-rubric checks: choose a judge model");
        }
        List<Target> all = new ArrayList<>(targets);
        if (judge != null) {
            all.add(judge);
        }
        Map<EvalPlan.Provider, ApiKey> found = new LinkedHashMap<>();
        for (Target t : all) {
            keys.apply(t.profile()).ifPresent(k -> found.put(t.provider(), k));
        }
        EvalPlan plan = new EvalPlan(title, prompts, targets.stream().map(Target::provider).distinct().toList(),
                tests.cases(), judge == null ? null : judge.provider(), tests.unsupported(), List.of(), null);
        return new PromptfooImport.Imported(plan, found);
    }

    /**
     * The keys of a stored plan's providers that are saved profiles (same name and base URL): a grid reopened from
     * the history runs with its profiles' keys, and a key never goes to another server than its profile's.
     */
    public static Map<EvalPlan.Provider, ApiKey> keysFor(EvalPlan plan, List<ProviderProfile> profiles,
                                                         Function<ProviderProfile, Optional<ApiKey>> keys) {
        List<EvalPlan.Provider> all = new ArrayList<>(plan.providers());
        if (plan.judge() != null) {
            all.add(plan.judge());
        }
        all.addAll(plan.cases().stream().flatMap(c -> c.checks().stream()).map(EvalPlan.Check::judge)
                .filter(Objects::nonNull).toList());
        Map<EvalPlan.Provider, ApiKey> out = new LinkedHashMap<>();
        for (EvalPlan.Provider pv : all) {
            if (pv.apiKeyEnv() != null || pv.label() == null) {
                continue; // a configuration's provider: its own key
            }
            for (ProviderProfile p : profiles) {
                if (p.name().equals(pv.label()) && sameUrl(p.baseUrl(), pv.baseUrl())) {
                    keys.apply(p).ifPresent(k -> out.put(pv, k));
                }
            }
        }
        return out;
    }

    private static boolean sameUrl(String a, String b) {
        return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
