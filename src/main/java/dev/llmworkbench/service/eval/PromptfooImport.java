package dev.llmworkbench.service.eval;

import dev.llmworkbench.domain.ApiKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

    private final PromptfooFiles files;
    private final ImportNotes notes;
    private final PromptfooPrompts prompts;
    private final PromptfooProviders providers;
    private final PromptfooTests tests;

    private PromptfooImport(Path config, Function<String, String> env) {
        files = new PromptfooFiles(config, env);
        notes = files.notes();
        prompts = new PromptfooPrompts(files);
        providers = new PromptfooProviders(files);
        tests = new PromptfooTests(files, providers);
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
        String name = r.files.configName();
        List<EvalPlan.Case> cases = PromptfooTests.cases(r.tests.testFile("file://" + name, name),
                PromptfooTests.Defaults.NONE);
        PromptfooChecks.requireWellFormed(cases, name);
        if (cases.isEmpty()) {
            throw r.files.problem("no tests to run");
        }
        return new Tests(cases, r.notes.unsupported());
    }

    // ---- the configuration

    private Imported read() {
        Object root = files.yaml(files.config());
        if (!(root instanceof Map<?, ?> top)) {
            throw new EvalConfigException(files.configName() + " is not a promptfoo configuration (expected a mapping "
                    + "with prompts, providers and tests)");
        }
        if (top.get("env") instanceof Map<?, ?> e) {
            files.useConfigEnv(e);
        }
        String title = null;
        Integer concurrency = null;
        Object promptsValue = null;
        Object providersValue = null;
        Object testsValue = null;
        Object defaultTest = null;
        for (Map.Entry<?, ?> en : top.entrySet()) {
            String key = String.valueOf(en.getKey());
            Object v = en.getValue();
            switch (key) {
                case "description" -> title = v == null ? null : files.renderEnv(String.valueOf(v), key);
                case "prompts" -> promptsValue = v;
                case "providers", "targets" -> providersValue = v;
                case "tests" -> testsValue = v;
                case "defaultTest" -> defaultTest = v;
                case "env", "tags", "sharing", "metadata" -> {
                    // env is read above; tags, sharing and metadata change nothing of what is run
                }
                case "evaluateOptions" -> concurrency = evaluateOptions(v);
                case "outputPath" -> notes.unsupported("outputPath", "the command's --output is written instead", key);
                default -> notes.unsupported("the top-level key '" + key + "'", "not run by this evaluation", key);
            }
        }
        List<EvalPlan.Prompt> ps = prompts.prompts(require(promptsValue, "prompts"));
        List<EvalPlan.Provider> pv = providers.providers(require(providersValue, "providers"));
        PromptfooTests.Defaults defaults = tests.defaults(defaultTest);
        List<EvalPlan.Case> cases = PromptfooTests.cases(tests.tests(require(testsValue, "tests")), defaults);
        if (cases.isEmpty()) {
            throw files.problem("no tests to run");
        }
        boolean judged = cases.stream().flatMap(c -> c.checks().stream())
                .anyMatch(c -> EvalChecks.isJudged(c.type()) && c.judge() == null);
        if (judged && defaults.judge() == null) {
            throw files.problem("llm-similar and llm-rubric need a judge model: set defaultTest.options.provider "
                    + "(e.g. openai:chat:MODEL with config.apiBaseUrl)");
        }
        PromptfooChecks.requireWellFormed(cases, files.configName());
        return new Imported(new EvalPlan(title, ps, pv, cases, defaults.judge(), notes.unsupported(), notes.warnings(),
                concurrency), providers.literalKeys());
    }

    private Object require(Object v, String key) {
        if (v == null) {
            throw files.problem("'" + key + "' is missing");
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
                    notes.unsupported("evaluateOptions." + k, "not run by this evaluation", "evaluateOptions");
                }
            }
        }
        return concurrency;
    }
}
