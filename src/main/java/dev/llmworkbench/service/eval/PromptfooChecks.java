package dev.llmworkbench.service.eval;

import dev.llmworkbench.service.playground.PromptTemplates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A promptfoo configuration's checks: its {@code assert} lists (objects with {@code type}, {@code value} and an
 * optional judge {@code provider}) and a CSV's {@code __expected} shorthand. The checks this evaluation does not run
 * (JavaScript and Python, {@code similar} (embeddings), other model-graded ones, JSON schemas, thresholds, ...) are
 * listed with the reason, not silently dropped.
 */
final class PromptfooChecks {
    /** promptfoo's assertion types (its {@code BaseAssertionTypes}), for reading a CSV's shorthand as promptfoo does. */
    static final List<String> PROMPTFOO_TYPES = List.of("answer-relevance", "bleu", "classifier", "contains-all",
            "contains-any", "contains-html", "contains-json", "contains-sql", "contains-xml", "contains",
            "context-faithfulness", "context-recall", "context-relevance", "conversation-relevance", "cost", "equals",
            "factuality", "finish-reason", "g-eval", "gleu", "guardrails", "icontains-all", "icontains-any",
            "icontains", "is-html", "is-json", "is-refusal", "is-sql", "is-valid-function-call",
            "is-valid-openai-function-call", "is-valid-openai-tools-call", "is-xml", "javascript", "latency",
            "levenshtein", "llm-rubric", "meteor", "model-graded-closedqa", "model-graded-factuality", "moderation",
            "perplexity-score", "perplexity", "pi", "python", "regex", "rouge-n", "ruby", "select-best", "similar",
            "starts-with", "webhook", "llm-similar");

    private static final Pattern SHORTHAND;

    static {
        List<String> longestFirst = new ArrayList<>(PROMPTFOO_TYPES);
        longestFirst.sort((a, b) -> b.length() - a.length());
        SHORTHAND = Pattern.compile("^(not-)?(" + String.join("|", longestFirst.stream().map(Pattern::quote).toList())
                + ")(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$");
    }

    private final PromptfooFiles files;
    private final PromptfooProviders providers;

    /** @param providers reads an assertion's own judge ({@code provider}) */
    PromptfooChecks(PromptfooFiles files, PromptfooProviders providers) {
        this.files = files;
        this.providers = providers;
    }

    /** The checks of an {@code assert} list; their values are filled per test ({@link #fill}). */
    List<EvalPlan.Check> rawChecks(Object v, String where) {
        if (!(v instanceof List<?> list)) {
            throw files.problem(where + ".assert must be a list");
        }
        List<EvalPlan.Check> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ".assert[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> a) || a.get("type") == null) {
                throw files.problem(at + " is not an assertion (an object with type)");
            }
            String type = String.valueOf(a.get("type"));
            Object value = a.get("value");
            EvalPlan.Provider judge = null;
            for (Object k : a.keySet()) {
                String key = String.valueOf(k);
                switch (key) {
                    case "type", "value" -> {
                    }
                    case "provider" -> judge = providers.provider(a.get("provider"), at + ".provider");
                    default -> files.unsupported("an assertion's '" + key + "'", "not used", at);
                }
            }
            EvalPlan.Check c = check(type, value, at);
            if (c != null) {
                out.add(judge == null ? c : new EvalPlan.Check(c.type(), c.value(), judge));
            }
        }
        return out;
    }

    /** A check from an assertion object's type and value; null (listed) when it is not supported. */
    private EvalPlan.Check check(String type, Object value, String where) {
        if (!EvalChecks.isSupported(type)) {
            files.unsupported(type, why(type), where);
            return null;
        }
        String base = EvalChecks.base(type);
        if ((base.equals("is-json") || base.equals("contains-json")) && value != null
                && !String.valueOf(value).isBlank()) {
            files.unsupported(type + " with a JSON schema", "schemas are not checked", where);
            return null;
        }
        String v;
        if (value == null) {
            v = null;
        } else if (value instanceof List<?> l) {
            v = String.join(",", l.stream().map(String::valueOf).toList());
        } else if (value instanceof Map<?, ?>) {
            files.unsupported(type + " with an object value", "only text values are compared", where);
            return null;
        } else {
            v = files.renderEnv(String.valueOf(value), where);
        }
        return new EvalPlan.Check(type, v);
    }

    private static String why(String type) {
        String base = EvalChecks.base(type);
        return switch (base) {
            case "javascript", "python", "ruby", "webhook" -> "code checks are not run";
            case "similar" -> "promptfoo's similar compares embeddings; use llm-similar (a judge model) instead";
            case "factuality", "model-graded-closedqa", "model-graded-factuality", "g-eval", "answer-relevance",
                 "context-faithfulness", "context-recall", "context-relevance", "select-best", "classifier",
                 "moderation", "conversation-relevance", "pi", "guardrails", "is-refusal" ->
                    "this model-graded check is not implemented (llm-rubric and llm-similar are)";
            default -> "not implemented";
        };
    }

    /**
     * A check from promptfoo's {@code __expected} shorthand ({@code type: value}, {@code not-type: value},
     * {@code type(threshold): value}, {@code grade:}/{@code llm-rubric:}, {@code javascript:}/{@code fn:}/{@code eval:},
     * {@code python:}, {@code file://x.js}/{@code .py}), a plain value meaning {@code equals}; its value trimmed
     * except for {@code is-json} and {@code contains-json}. Null (listed) when it is not supported.
     */
    EvalPlan.Check fromShorthand(String expected, String where) {
        String lower = expected.toLowerCase(Locale.ROOT);
        if (expected.startsWith("javascript:") || expected.startsWith("fn:") || expected.startsWith("eval:")
                || expected.startsWith("file://") && lower.matches(".*\\.(js|cjs|mjs|ts)(:.*)?$")) {
            files.unsupported("javascript", why("javascript"), where);
            return null;
        }
        if (expected.startsWith("grade:")) {
            return new EvalPlan.Check("llm-rubric", expected.substring("grade:".length()).trim());
        }
        if (expected.startsWith("python:") || expected.startsWith("file://") && lower.matches(".*\\.py(:.*)?$")) {
            files.unsupported("python", why("python"), where);
            return null;
        }
        Matcher m = SHORTHAND.matcher(expected);
        if (!m.matches()) {
            return new EvalPlan.Check("equals", expected);
        }
        String type = (m.group(1) == null ? "" : "not-") + m.group(2);
        String value = m.group(4);
        String base = m.group(2);
        if (m.group(3) != null && EvalChecks.isSupported(type)) {
            files.unsupported(type + "(" + m.group(3) + ")", "a threshold is not used", where);
            return null;
        }
        if (base.equals("is-json") || base.equals("contains-json")) {
            return check(type, value == null || value.isEmpty() ? null : value, where);
        }
        return check(type, value == null ? null : value.trim(), where);
    }

    /** A check with its value's {@code {{var}}} placeholders filled from a test's variables. */
    static EvalPlan.Check fill(EvalPlan.Check c, Map<String, String> vars) {
        return c.value() == null ? c : new EvalPlan.Check(c.type(), PromptTemplates.fill(c.value(), vars), c.judge());
    }

    /** Each case's checks can be run as written (see {@link EvalChecks#problem}). @throws EvalConfigException if not */
    static void requireWellFormed(List<EvalPlan.Case> cases, String fileName) {
        for (EvalPlan.Case c : cases) {
            for (EvalPlan.Check ch : c.checks()) {
                String problem = EvalChecks.problem(ch);
                if (problem != null) {
                    throw new EvalConfigException(fileName + ": " + problem);
                }
            }
        }
    }
}
