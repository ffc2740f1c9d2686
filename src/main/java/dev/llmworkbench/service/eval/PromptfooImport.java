package dev.llmworkbench.service.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.llmworkbench.domain.ApiKey;
import dev.llmworkbench.domain.ProviderProfile;
import dev.llmworkbench.service.playground.PromptTemplates;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a promptfoo configuration ({@code promptfooconfig.yaml}) into an {@link EvalPlan}, as promptfoo reads it:
 * <ul>
 *   <li>{@code prompts}: strings, {@code file://} paths (relative to the configuration's folder; a text file holding
 *       several prompts separated by lines of {@code ---} gives one prompt each; a {@code .json} file is a chat
 *       conversation) or objects with {@code raw} (or {@code id: file://...}) and {@code label};</li>
 *   <li>{@code providers}: {@code openai:chat:MODEL} (or {@code openai:MODEL}) as strings or objects with
 *       {@code id}, {@code label} and {@code config} ({@code apiBaseUrl}, {@code apiKey}, {@code apiKeyEnvar},
 *       {@code temperature}, {@code max_tokens}); without {@code apiBaseUrl}, {@code OPENAI_BASE_URL} (or
 *       {@code OPENAI_API_BASE_URL}), else {@code https://api.openai.com/v1}; the key from {@code apiKeyEnvar}, else
 *       {@code apiKey}, else {@code OPENAI_API_KEY} (none is sent when it is not set);</li>
 *   <li>{@code tests}: a list of tests (objects with {@code vars}, {@code assert}, {@code description},
 *       {@code options.prefix}/{@code suffix}) and {@code file://} paths, or one path: {@code .csv} (columns are
 *       variables; {@code __expected}, {@code __expected1}, ... are checks in promptfoo's {@code type: value}
 *       shorthand, a plain value meaning {@code equals}; {@code __description}, {@code __prefix}, {@code __suffix}),
 *       {@code .jsonl}, {@code .json}, {@code .yaml}/{@code .yml};</li>
 *   <li>{@code defaultTest}: its {@code assert} apply to every test, its {@code vars} are every test's defaults, its
 *       {@code options.provider} is the judge of {@code llm-similar} and {@code llm-rubric};</li>
 *   <li>{@code {{ env.NAME }}} anywhere in the configuration: the configuration's own {@code env} map, else the
 *       environment; {@code evaluateOptions.maxConcurrency}: the requests in flight.</li>
 * </ul>
 * Everything else (JavaScript and Python checks, {@code similar} (embeddings), other providers' settings,
 * {@code scenarios}, thresholds, weights, ...) is listed in {@link EvalPlan#unsupported()}, not silently dropped. The
 * YAML is read with SnakeYAML's safe constructor: plain maps, lists and scalars, never arbitrary types.
 */
public final class PromptfooImport {
    /** A plan, and the keys written literally in the configuration (kept in memory only, never stored). */
    public record Imported(EvalPlan plan, Map<EvalPlan.Provider, ApiKey> literalKeys) {
        public Imported {
            literalKeys = Map.copyOf(literalKeys);
        }
    }

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

    private static final Pattern ENV = Pattern.compile("\\{\\{\\s*env\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
    private static final Set<String> CHAT_KINDS_NOT = Set.of("completion", "embedding", "embeddings", "image",
            "moderation", "assistant", "realtime", "responses", "transcription", "speech");
    private static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    private static final int WHERE_SHOWN = 3;

    private final Path config;
    private final Path dir;
    private final Function<String, String> systemEnv;
    private final Map<String, String> configEnv = new HashMap<>();
    private final Map<String, Unsupported> unsupported = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<EvalPlan.Provider, ApiKey> literalKeys = new LinkedHashMap<>();

    private static final class Unsupported {
        final String what;
        final String why;
        final List<String> where = new ArrayList<>();
        int count;

        Unsupported(String what, String why) {
            this.what = what;
            this.why = why;
        }
    }

    private PromptfooImport(Path config, Function<String, String> env) {
        this.config = config.toAbsolutePath().normalize();
        this.dir = this.config.getParent();
        this.systemEnv = env;
    }

    /**
     * Reads the configuration.
     *
     * @param env the environment ({@code System::getenv}, or a map's {@code get} in tests)
     * @throws EvalConfigException when it cannot be run (missing or broken file, unknown provider id, nothing left)
     */
    public static Imported read(Path config, Function<String, String> env) {
        return new PromptfooImport(config, env).read();
    }

    /** The test cases of a tests file, and the parts of it that are not run (listed, as for a configuration). */
    public record Tests(List<EvalPlan.Case> cases, List<EvalPlan.Unsupported> unsupported) {
        public Tests {
            cases = List.copyOf(cases);
            unsupported = List.copyOf(unsupported);
        }
    }

    /**
     * Reads a tests file alone ({@code .csv}, {@code .jsonl}, {@code .json}, {@code .yaml}) as a configuration's
     * {@code tests: file://...} is read: the desktop's grid builder takes its rows from one.
     *
     * @throws EvalConfigException when it cannot be read, has no test, or a check is malformed
     */
    public static Tests readTests(Path tests, Function<String, String> env) {
        PromptfooImport r = new PromptfooImport(tests, env);
        List<EvalPlan.Case> cases = new ArrayList<>();
        for (RawTest t : r.testFile("file://" + name(r.config), name(r.config))) {
            List<EvalPlan.Check> checks = t.checks.stream().map(c -> r.fill(c, t.vars)).toList();
            for (EvalPlan.Check ch : checks) {
                String problem = EvalChecks.problem(ch);
                if (problem != null) {
                    throw new EvalConfigException(name(r.config) + ": " + problem);
                }
            }
            cases.add(new EvalPlan.Case(t.description, t.vars, t.prefix, t.suffix, checks));
        }
        if (cases.isEmpty()) {
            throw new EvalConfigException(name(r.config) + ": no tests to run");
        }
        List<EvalPlan.Unsupported> un = new ArrayList<>();
        for (Unsupported u : r.unsupported.values()) {
            un.add(new EvalPlan.Unsupported(u.what, u.why, u.where, u.count));
        }
        return new Tests(cases, un);
    }

    // ---- the configuration

    private Imported read() {
        Object root = yaml(config);
        if (!(root instanceof Map<?, ?> top)) {
            throw new EvalConfigException(name(config) + " is not a promptfoo configuration (expected a mapping with "
                    + "prompts, providers and tests)");
        }
        if (top.get("env") instanceof Map<?, ?> e) {
            e.forEach((k, v) -> configEnv.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        String title = null;
        Integer concurrency = null;
        Object prompts = null;
        Object providers = null;
        Object tests = null;
        Object defaultTest = null;
        for (Map.Entry<?, ?> en : top.entrySet()) {
            String key = String.valueOf(en.getKey());
            Object v = en.getValue();
            switch (key) {
                case "description" -> title = v == null ? null : renderEnv(String.valueOf(v), key);
                case "prompts" -> prompts = v;
                case "providers", "targets" -> providers = v;
                case "tests" -> tests = v;
                case "defaultTest" -> defaultTest = v;
                case "env", "tags", "sharing", "metadata" -> {
                    // env is read above; tags, sharing and metadata change nothing of what is run
                }
                case "evaluateOptions" -> concurrency = evaluateOptions(v);
                case "outputPath" -> unsupported("outputPath", "the command's --output is written instead", key);
                default -> unsupported("the top-level key '" + key + "'", "not run by this evaluation", key);
            }
        }
        List<EvalPlan.Prompt> ps = prompts(require(prompts, "prompts"));
        List<EvalPlan.Provider> pv = providers(require(providers, "providers"));
        EvalPlan.Provider judge = null;
        List<EvalPlan.Check> defaultChecks = new ArrayList<>();
        Map<String, String> defaultVars = new LinkedHashMap<>();
        if (defaultTest != null) {
            Object dt = defaultTest instanceof String s && s.startsWith("file://") ? yaml(file(s, "defaultTest"))
                    : defaultTest;
            if (!(dt instanceof Map<?, ?> d)) {
                throw new EvalConfigException(name(config) + ": defaultTest must be a mapping");
            }
            judge = defaultJudge(d);
            defaultVars.putAll(vars(d.get("vars"), "defaultTest.vars"));
            // the default checks' values are filled per test (they may name its variables)
            for (Map.Entry<?, ?> en : d.entrySet()) {
                String k = String.valueOf(en.getKey());
                if (!Set.of("assert", "vars", "options").contains(k)) {
                    unsupported("defaultTest." + k, "not run by this evaluation", "defaultTest");
                }
            }
            if (d.get("assert") != null) {
                defaultChecks.addAll(rawChecks(d.get("assert"), "defaultTest.assert"));
            }
        }
        List<EvalPlan.Case> cases = new ArrayList<>();
        for (RawTest t : tests(require(tests, "tests"))) {
            Map<String, String> vars = new LinkedHashMap<>(defaultVars);
            vars.putAll(t.vars);
            List<EvalPlan.Check> checks = new ArrayList<>();
            for (EvalPlan.Check c : defaultChecks) {
                checks.add(fill(c, vars));
            }
            for (EvalPlan.Check c : t.checks) {
                checks.add(fill(c, vars));
            }
            cases.add(new EvalPlan.Case(t.description, vars, t.prefix, t.suffix, checks));
        }
        if (cases.isEmpty()) {
            throw new EvalConfigException(name(config) + ": no tests to run");
        }
        boolean judged = cases.stream().flatMap(c -> c.checks().stream())
                .anyMatch(c -> EvalChecks.isJudged(c.type()) && c.judge() == null);
        if (judged && judge == null) {
            throw new EvalConfigException(name(config) + ": llm-similar and llm-rubric need a judge model: set "
                    + "defaultTest.options.provider (e.g. openai:chat:MODEL with config.apiBaseUrl)");
        }
        for (EvalPlan.Case c : cases) {
            for (EvalPlan.Check ch : c.checks()) {
                String problem = EvalChecks.problem(ch);
                if (problem != null) {
                    throw new EvalConfigException(name(config) + ": " + problem);
                }
            }
        }
        List<EvalPlan.Unsupported> un = new ArrayList<>();
        for (Unsupported u : unsupported.values()) {
            un.add(new EvalPlan.Unsupported(u.what, u.why, u.where, u.count));
        }
        return new Imported(new EvalPlan(title, ps, pv, cases, judge, un, warnings, concurrency), literalKeys);
    }

    private Object require(Object v, String key) {
        if (v == null) {
            throw new EvalConfigException(name(config) + ": '" + key + "' is missing");
        }
        return v;
    }

    private Integer evaluateOptions(Object v) {
        Integer concurrency = null;
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> en : m.entrySet()) {
                String k = String.valueOf(en.getKey());
                if (k.equals("maxConcurrency") && en.getValue() instanceof Number n && n.intValue() >= 1) {
                    concurrency = n.intValue();
                } else {
                    unsupported("evaluateOptions." + k, "not run by this evaluation", "evaluateOptions");
                }
            }
        }
        return concurrency;
    }

    // ---- prompts

    private List<EvalPlan.Prompt> prompts(Object v) {
        List<EvalPlan.Prompt> out = new ArrayList<>();
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < items.size(); i++) {
            Object p = items.get(i);
            String where = "prompts[" + i + "]";
            if (p instanceof String s) {
                out.addAll(prompt(s, null, where));
            } else if (p instanceof Map<?, ?> m) {
                Object raw = m.get("raw");
                Object id = m.get("id");
                String label = m.get("label") == null ? null : String.valueOf(m.get("label"));
                if (raw != null) {
                    out.add(new EvalPlan.Prompt(label, renderEnv(String.valueOf(raw), where)));
                } else if (id != null) {
                    out.addAll(prompt(String.valueOf(id), label, where));
                } else {
                    throw new EvalConfigException(name(config) + ": " + where + " has neither raw nor id");
                }
            } else {
                throw new EvalConfigException(name(config) + ": " + where + " is not a prompt (a text, a file:// path "
                        + "or an object with raw and label)");
            }
        }
        if (out.isEmpty()) {
            throw new EvalConfigException(name(config) + ": no prompt that can be run (see the unsupported parts)");
        }
        return out;
    }

    private List<EvalPlan.Prompt> prompt(String s, String label, String where) {
        if (!s.startsWith("file://")) {
            return List.of(new EvalPlan.Prompt(label, renderEnv(s, where)));
        }
        String rel = s.substring("file://".length());
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.contains("*")) {
            unsupported("a prompt glob (" + s + ")", "globs are not expanded", where);
            return List.of();
        }
        if (lower.matches(".*\\.(js|cjs|mjs|ts|py)(:.*)?$")) {
            unsupported("a prompt function (" + s + ")", "JavaScript and Python prompts are not run", where);
            return List.of();
        }
        Path f = file(s, where);
        String text = renderEnv(text(f), where);
        if (lower.endsWith(".json")) {
            return List.of(new EvalPlan.Prompt(label != null ? label : rel, text));
        }
        List<EvalPlan.Prompt> out = new ArrayList<>();
        String[] parts = text.split("(?m)^---\\s*$");
        for (int k = 0; k < parts.length; k++) {
            String part = parts[k].strip();
            if (part.isEmpty()) {
                continue;
            }
            String l = label != null ? label : rel;
            out.add(new EvalPlan.Prompt(parts.length > 1 ? l + " #" + (k + 1) : l, part));
        }
        return out;
    }

    // ---- providers

    private List<EvalPlan.Provider> providers(Object v) {
        List<EvalPlan.Provider> out = new ArrayList<>();
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < items.size(); i++) {
            out.add(provider(items.get(i), "providers[" + i + "]"));
        }
        return out;
    }

    /** A provider as a string id, an object with id/label/config, or a one-key mapping {@code {ID: {config...}}}. */
    private EvalPlan.Provider provider(Object p, String where) {
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
                    unsupported(where + "." + k, "not used for the provider", where);
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
            throw new EvalConfigException(name(config) + ": " + where + " is not a provider (expected an id such as "
                    + "openai:chat:MODEL, or an object with id and config)");
        }
        id = renderEnv(id, where);
        String model = chatModel(id);
        if (model == null) {
            throw new EvalConfigException(name(config) + ": unknown provider id '" + id + "' at " + where
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
                case "apiBaseUrl" -> baseUrl = renderEnv(String.valueOf(val), at);
                case "apiKeyEnvar" -> keyEnv = String.valueOf(val);
                case "apiKey" -> {
                    String raw = String.valueOf(val).trim();
                    Matcher m = ENV.matcher(raw);
                    if (m.matches() && !configEnv.containsKey(m.group(1))) {
                        keyEnv = m.group(1); // read from the environment when the run starts: never stored
                    } else {
                        literalKey = renderEnv(raw, at);
                    }
                }
                case "temperature" -> temperature = number(val, at).doubleValue();
                case "max_tokens", "max_completion_tokens" -> {
                    Number n = number(val, at);
                    if (n.intValue() < 1) {
                        throw new EvalConfigException(name(config) + ": " + at + " must be at least 1");
                    }
                    maxTokens = n.intValue();
                }
                default -> unsupported("provider setting '" + k + "'", "not sent", where);
            }
        }
        if (baseUrl == null) {
            String e = env("OPENAI_BASE_URL");
            e = e == null || e.isBlank() ? env("OPENAI_API_BASE_URL") : e;
            baseUrl = e == null || e.isBlank() ? DEFAULT_BASE_URL : e;
        }
        String problem = ProviderProfile.baseUrlProblem(baseUrl);
        if (problem != null) {
            throw new EvalConfigException(name(config) + ": " + where + ": " + problem);
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

    private EvalPlan.Provider defaultJudge(Map<?, ?> d) {
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
                unsupported("defaultTest.options." + k, "not run by this evaluation", "defaultTest.options");
            }
        }
        return judge;
    }

    // ---- tests

    private record RawTest(String description, Map<String, String> vars, String prefix, String suffix,
                           List<EvalPlan.Check> checks) {
    }

    private List<RawTest> tests(Object v) {
        List<RawTest> out = new ArrayList<>();
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        for (int i = 0; i < items.size(); i++) {
            Object t = items.get(i);
            String where = "tests[" + i + "]";
            if (t instanceof String s) {
                out.addAll(testFile(s, where));
            } else if (t instanceof Map<?, ?> m) {
                out.add(test(m, where));
            } else {
                throw new EvalConfigException(name(config) + ": " + where + " is not a test (an object with vars and "
                        + "assert, or a file:// path)");
            }
        }
        return out;
    }

    private List<RawTest> testFile(String s, String where) {
        if (!s.startsWith("file://")) {
            throw new EvalConfigException(name(config) + ": " + where + ": tests are loaded from file:// paths, was '"
                    + s + "'");
        }
        String rel = s.substring("file://".length());
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.contains("*") || lower.matches(".*\\.(js|cjs|mjs|ts|py)(:.*)?$") || lower.endsWith(".xlsx")) {
            unsupported("tests from " + s, "globs, test generators and spreadsheets are not read", where);
            return List.of();
        }
        Path f = file(s, where);
        if (lower.endsWith(".csv")) {
            return csvTests(f, rel);
        }
        List<RawTest> out = new ArrayList<>();
        if (lower.endsWith(".jsonl")) {
            String[] lines = text(f).split("\\R");
            for (int n = 0; n < lines.length; n++) {
                if (lines[n].isBlank()) {
                    continue;
                }
                Object o = yamlText(lines[n], rel + " line " + (n + 1)); // JSON is YAML: one reader, safe types
                if (!(o instanceof Map<?, ?> m)) {
                    throw new EvalConfigException(rel + " line " + (n + 1) + " is not a test object");
                }
                out.add(test(m, rel + " line " + (n + 1)));
            }
            return out;
        }
        Object o = yaml(f);
        List<?> list = o instanceof List<?> l ? l : List.of(o);
        for (int n = 0; n < list.size(); n++) {
            if (!(list.get(n) instanceof Map<?, ?> m)) {
                throw new EvalConfigException(rel + ": test " + (n + 1) + " is not a test object");
            }
            out.add(test(m, rel + " test " + (n + 1)));
        }
        return out;
    }

    private RawTest test(Map<?, ?> m, String where) {
        Map<String, String> vars = vars(m.get("vars"), where + ".vars");
        String description = m.get("description") == null ? null : String.valueOf(m.get("description"));
        String prefix = null;
        String suffix = null;
        List<EvalPlan.Check> checks = m.get("assert") == null ? List.of() : rawChecks(m.get("assert"), where);
        for (Map.Entry<?, ?> en : m.entrySet()) {
            String k = String.valueOf(en.getKey());
            switch (k) {
                case "vars", "description", "assert" -> {
                }
                case "options" -> {
                    if (en.getValue() instanceof Map<?, ?> o) {
                        for (Map.Entry<?, ?> oe : o.entrySet()) {
                            String ok = String.valueOf(oe.getKey());
                            if (ok.equals("prefix")) {
                                prefix = String.valueOf(oe.getValue());
                            } else if (ok.equals("suffix")) {
                                suffix = String.valueOf(oe.getValue());
                            } else {
                                unsupported("a test's options." + ok, "not run by this evaluation", where);
                            }
                        }
                    }
                }
                default -> unsupported("a test's '" + k + "'", "not run by this evaluation", where);
            }
        }
        return new RawTest(description, vars, prefix, suffix, checks);
    }

    private Map<String, String> vars(Object v, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new EvalConfigException(name(config) + ": " + where + " must be a mapping of names to values");
        }
        for (Map.Entry<?, ?> en : m.entrySet()) {
            String k = String.valueOf(en.getKey());
            Object val = en.getValue();
            if (val instanceof List<?>) {
                unsupported("a list of values for a variable", "promptfoo runs each combination; this runs the "
                        + "list as one text", where + "." + k);
                out.put(k, String.valueOf(val));
            } else if (val instanceof String s && s.startsWith("file://")) {
                unsupported("a variable loaded from a file (" + s + ")", "the path is used as the value", where);
                out.put(k, s);
            } else {
                out.put(k, val == null ? "" : renderEnv(String.valueOf(val), where));
            }
        }
        return out;
    }

    private List<EvalPlan.Check> rawChecks(Object v, String where) {
        if (!(v instanceof List<?> list)) {
            throw new EvalConfigException(name(config) + ": " + where + ".assert must be a list");
        }
        List<EvalPlan.Check> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ".assert[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> a) || a.get("type") == null) {
                throw new EvalConfigException(name(config) + ": " + at + " is not an assertion (an object with type)");
            }
            String type = String.valueOf(a.get("type"));
            Object value = a.get("value");
            EvalPlan.Provider judge = null;
            for (Object k : a.keySet()) {
                String key = String.valueOf(k);
                switch (key) {
                    case "type", "value" -> {
                    }
                    case "provider" -> judge = provider(a.get("provider"), at + ".provider");
                    default -> unsupported("an assertion's '" + key + "'", "not used", at);
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
            unsupported(type, why(type), where);
            return null;
        }
        String base = EvalChecks.base(type);
        if ((base.equals("is-json") || base.equals("contains-json")) && value != null
                && !String.valueOf(value).isBlank()) {
            unsupported(type + " with a JSON schema", "schemas are not checked", where);
            return null;
        }
        String v;
        if (value == null) {
            v = null;
        } else if (value instanceof List<?> l) {
            v = String.join(",", l.stream().map(String::valueOf).toList());
        } else if (value instanceof Map<?, ?>) {
            unsupported(type + " with an object value", "only text values are compared", where);
            return null;
        } else {
            v = renderEnv(String.valueOf(value), where);
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

    // ---- CSV tests, as promptfoo reads them

    private List<RawTest> csvTests(Path f, String rel) {
        List<RawTest> out = new ArrayList<>();
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setTrim(false).get();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, fmt)) {
            List<String> header = p.getHeaderNames();
            for (CSVRecord rec : p) {
                String where = rel + " row " + (rec.getRecordNumber() + 1);
                Map<String, String> vars = new LinkedHashMap<>();
                List<EvalPlan.Check> checks = new ArrayList<>();
                String description = null;
                String prefix = null;
                String suffix = null;
                for (int c = 0; c < header.size(); c++) {
                    String key = header.get(c).trim();
                    String value = c < rec.size() ? rec.get(c) : "";
                    if (key.startsWith("__expected")) {
                        if (!value.trim().isEmpty()) {
                            EvalPlan.Check ch = fromShorthand(value.trim(), where + " " + key);
                            if (ch != null) {
                                checks.add(ch);
                            }
                        }
                    } else if (key.equals("__description")) {
                        description = value;
                    } else if (key.equals("__prefix")) {
                        prefix = value;
                    } else if (key.equals("__suffix")) {
                        suffix = value;
                    } else if (key.startsWith("__metadata") || key.startsWith("__config:") || key.equals("__metric")
                            || key.equals("__threshold") || key.equals("__providerOutput")) {
                        if (!value.isBlank()) {
                            unsupported("the CSV column " + key, "not run by this evaluation", where);
                        }
                    } else {
                        vars.put(key, value);
                    }
                }
                out.add(new RawTest(description, vars, prefix, suffix, checks));
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new EvalConfigException("cannot read " + rel + " as CSV: " + oneLine(e.getMessage()), e);
        }
        return out;
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
            unsupported("javascript", why("javascript"), where);
            return null;
        }
        if (expected.startsWith("grade:")) {
            return new EvalPlan.Check("llm-rubric", expected.substring("grade:".length()).trim());
        }
        if (expected.startsWith("python:") || expected.startsWith("file://") && lower.matches(".*\\.py(:.*)?$")) {
            unsupported("python", why("python"), where);
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
            unsupported(type + "(" + m.group(3) + ")", "a threshold is not used", where);
            return null;
        }
        if (base.equals("is-json") || base.equals("contains-json")) {
            return check(type, value == null || value.isEmpty() ? null : value, where);
        }
        return check(type, value == null ? null : value.trim(), where);
    }

    private EvalPlan.Check fill(EvalPlan.Check c, Map<String, String> vars) {
        return c.value() == null ? c : new EvalPlan.Check(c.type(), PromptTemplates.fill(c.value(), vars), c.judge());
    }

    // ---- files, YAML, env

    private Path file(String url, String where) {
        String rel = url.substring("file://".length());
        int colon = rel.indexOf(':', 2); // a function name after the path (file://x.py:fn) is not a path
        if (colon > 0 && !rel.substring(0, colon).contains("/") && rel.substring(0, colon).contains(".")) {
            rel = rel.substring(0, colon);
        }
        Path f = dir.resolve(rel).normalize();
        if (!Files.isRegularFile(f)) {
            throw new EvalConfigException(name(config) + ": " + where + ": no file " + f);
        }
        return f;
    }

    private Object yaml(Path f) {
        return yamlText(text(f), name(f));
    }

    private static Object yamlText(String text, String what) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new EvalConfigException("cannot read " + what + " as YAML: " + oneLine(e.getMessage()), e);
        }
    }

    private String text(Path f) {
        try {
            byte[] bytes = Files.readAllBytes(f);
            String s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (NoSuchFileException e) {
            throw new EvalConfigException("no file " + f);
        } catch (CharacterCodingException e) {
            throw new EvalConfigException(name(f) + " is not UTF-8 text");
        } catch (IOException e) {
            throw new EvalConfigException("cannot read " + f + ": " + oneLine(e.getMessage()), e);
        }
    }

    /** {@code {{ env.NAME }}} replaced: the configuration's env map, else the environment; unset is empty (said once). */
    private String renderEnv(String s, String where) {
        Matcher m = ENV.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env(m.group(1));
            if (v == null) {
                String w = "the environment variable " + m.group(1) + " is not set (read as empty, at " + where + ")";
                if (!warnings.contains(w)) {
                    warnings.add(w);
                }
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String env(String name) {
        String v = configEnv.get(name);
        return v != null ? v : systemEnv.apply(name);
    }

    private Number number(Object v, String where) {
        if (v instanceof Number n) {
            return n;
        }
        try {
            return Double.valueOf(renderEnv(String.valueOf(v), where).trim());
        } catch (NumberFormatException e) {
            throw new EvalConfigException(name(config) + ": " + where + " must be a number, was '" + v + "'");
        }
    }

    private void unsupported(String what, String why, String where) {
        Unsupported u = unsupported.computeIfAbsent(what + "\u0000" + why, k -> new Unsupported(what, why));
        u.count++;
        if (u.where.size() < WHERE_SHOWN) {
            u.where.add(where);
        }
    }

    private static String name(Path f) {
        return f.getFileName() == null ? f.toString() : f.getFileName().toString();
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Whether a text parses as a JSON array (a conversation prompt). */
    static boolean isJsonArray(String s) {
        String t = s.strip();
        if (!t.startsWith("[")) {
            return false;
        }
        try {
            JsonElement e = JsonParser.parseString(t);
            return e.isJsonArray();
        } catch (JsonParseException e) {
            return false;
        }
    }
}
