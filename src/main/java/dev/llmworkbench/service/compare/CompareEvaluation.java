package dev.llmworkbench.service.compare;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.eval.EvalGrid;
import dev.llmworkbench.service.eval.EvalPlan;
import dev.llmworkbench.service.eval.EvalService;
import dev.llmworkbench.service.eval.PromptfooImport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A comparison turned into an evaluation grid, created through {@link EvalService} (so that it is an {@code eval}
 * run of the history and a grid of the Evaluation view): one prompt (the system prompt, the conversation and the
 * prompt as a conversation template, the variables left as placeholders), one test case row with the comparison's
 * variables, and one column per lane with its provider, model, temperature and max tokens.
 *
 * <p>An evaluation column sends a model, a temperature and max tokens only: a lane's top_p, thinking switch and
 * thinking budget and its profile's added headers are not carried; each one left out is said in the grid's warnings,
 * never dropped silently. The grid's cells are not run: running it (in the Evaluation view or {@code eval}) sends them.
 */
public final class CompareEvaluation {
    private CompareEvaluation() {
    }

    /** The grid's plan for a comparison. */
    public static EvalPlan plan(CompareSpec spec, String title) {
        List<EvalPlan.Provider> providers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < spec.lanes().size(); i++) {
            CompareSpec.Lane l = spec.lanes().get(i);
            providers.add(provider(l));
            List<String> dropped = new ArrayList<>();
            if (l.topP() != null) {
                dropped.add("top_p " + l.topP());
            }
            if (l.thinking()) {
                dropped.add("thinking on" + (l.thinkingBudget() == null ? "" : " (budget " + l.thinkingBudget() + ")"));
            }
            if (!l.profile().extraHeaders().isEmpty() || !l.profile().extraBody().isEmpty()) {
                dropped.add("the profile's added headers and body fields");
            }
            if (!dropped.isEmpty()) {
                warnings.add("lane " + (i + 1) + " (" + l.profile().name() + " · " + l.model() + "): "
                        + String.join(", ", dropped) + " not carried: an evaluation column sends the model, the"
                        + " temperature and max tokens only");
            }
        }
        EvalPlan.Prompt prompt = new EvalPlan.Prompt("compare prompt", conversationTemplate(spec));
        EvalPlan.Case row = new EvalPlan.Case(null, spec.variables(), null, null, List.of());
        return new EvalPlan(title, List.of(prompt), providers, List.of(row), null, List.of(), warnings, null);
    }

    /**
     * Creates the grid: its plan, stored through the service. {@code keys} gives a lane's profile key (looked up
     * off the UI thread: a keyring); the keys are kept in the service's memory for its runs, never stored.
     */
    public static EvalGrid save(EvalService evals, CompareSpec spec, String title,
                                Function<ProviderProfile, Optional<ApiKey>> keys) {
        EvalPlan plan = plan(spec, title);
        Map<EvalPlan.Provider, ApiKey> literal = new LinkedHashMap<>();
        for (int i = 0; i < spec.lanes().size(); i++) {
            EvalPlan.Provider pv = plan.providers().get(i);
            keys.apply(spec.lanes().get(i).profile()).ifPresent(k -> literal.put(pv, k));
        }
        return evals.create(new PromptfooImport.Imported(plan, literal), null);
    }

    /** A title for a comparison's grid: "compare: " and the prompt's start. */
    public static String title(CompareSpec spec) {
        String p = spec.prompt().strip().replaceAll("\\s+", " ");
        return "compare: " + (p.length() > 60 ? p.substring(0, 59) + "…" : p);
    }

    /** A lane as an evaluation provider: the profile's name and base URL (its key found by them), model, parameters. */
    static EvalPlan.Provider provider(CompareSpec.Lane l) {
        return new EvalPlan.Provider("openai:chat:" + l.model(), l.profile().name(), l.model(), l.profile().baseUrl(),
                null, l.temperature(), l.maxTokens());
    }

    /** The system prompt, conversation and prompt as a JSON array of {role, content}: the placeholders kept. */
    static String conversationTemplate(CompareSpec spec) {
        JsonArray a = new JsonArray();
        if (!spec.systemPrompt().isBlank()) {
            a.add(message("system", spec.systemPrompt()));
        }
        for (Message m : spec.conversation()) {
            a.add(message(m.role().wireName(), m.content()));
        }
        a.add(message("user", spec.prompt()));
        return a.toString();
    }

    private static JsonObject message(String role, String content) {
        JsonObject o = new JsonObject();
        o.addProperty("role", role);
        o.addProperty("content", content);
        return o;
    }
}
