package dev.llmworkbench.service.eval;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A promptfoo configuration's {@code tests}: a list of tests (objects with {@code vars}, {@code assert},
 * {@code description}, {@code options.prefix}/{@code suffix}) and {@code file://} paths, or one path: {@code .csv}
 * (columns are variables; {@code __expected}, {@code __expected1}, ... are checks in promptfoo's {@code type: value}
 * shorthand, a plain value meaning {@code equals}; {@code __description}, {@code __prefix}, {@code __suffix}),
 * {@code .jsonl}, {@code .json}, {@code .yaml}/{@code .yml}. Globs, test generators and spreadsheets are listed as not
 * read. And its {@code defaultTest}: its {@code assert} apply to every test, its {@code vars} are every test's
 * defaults, its {@code options.provider} is the judge of {@code llm-similar} and {@code llm-rubric}.
 */
final class PromptfooTests {
    /** A test as written: its checks' values not filled yet (they may name its variables and the defaults'). */
    record RawTest(String description, Map<String, String> vars, String prefix, String suffix,
                   List<EvalPlan.Check> checks) {
    }

    /** What {@code defaultTest} gives every test: the judge, default variables, checks (their values not filled). */
    record Defaults(EvalPlan.Provider judge, Map<String, String> vars, List<EvalPlan.Check> checks) {
        static final Defaults NONE = new Defaults(null, Map.of(), List.of());
    }

    private final PromptfooFiles files;
    private final PromptfooProviders providers;
    private final PromptfooChecks checks;

    /** @param providers reads the judges ({@code defaultTest.options.provider}, an assertion's {@code provider}) */
    PromptfooTests(PromptfooFiles files, PromptfooProviders providers) {
        this.files = files;
        this.checks = new PromptfooChecks(files, providers);
        this.providers = providers;
    }

    /**
     * The test cases: each test's variables over the defaults', the default checks then its own, their values
     * filled from its variables.
     */
    static List<EvalPlan.Case> cases(List<RawTest> tests, Defaults defaults) {
        List<EvalPlan.Case> cases = new ArrayList<>();
        for (RawTest t : tests) {
            Map<String, String> vars = new LinkedHashMap<>(defaults.vars());
            vars.putAll(t.vars());
            List<EvalPlan.Check> checks = new ArrayList<>();
            for (EvalPlan.Check c : defaults.checks()) {
                checks.add(PromptfooChecks.fill(c, vars));
            }
            for (EvalPlan.Check c : t.checks()) {
                checks.add(PromptfooChecks.fill(c, vars));
            }
            cases.add(new EvalPlan.Case(t.description(), vars, t.prefix(), t.suffix(), checks));
        }
        return cases;
    }

    /** The configuration's {@code defaultTest} (a mapping or a {@code file://} path); null: {@link Defaults#NONE}. */
    Defaults defaults(Object defaultTest) {
        if (defaultTest == null) {
            return Defaults.NONE;
        }
        Object dt = defaultTest instanceof String s && s.startsWith("file://")
                ? files.yaml(files.file(s, "defaultTest")) : defaultTest;
        if (!(dt instanceof Map<?, ?> d)) {
            throw files.problem("defaultTest must be a mapping");
        }
        EvalPlan.Provider judge = providers.defaultJudge(d);
        Map<String, String> vars = vars(d.get("vars"), "defaultTest.vars");
        // the default checks' values are filled per test (they may name its variables)
        for (Map.Entry<?, ?> en : d.entrySet()) {
            String k = String.valueOf(en.getKey());
            if (!Set.of("assert", "vars", "options").contains(k)) {
                files.unsupported("defaultTest." + k, "not run by this evaluation", "defaultTest");
            }
        }
        List<EvalPlan.Check> raw = d.get("assert") == null ? List.of()
                : checks.rawChecks(d.get("assert"), "defaultTest.assert");
        return new Defaults(judge, vars, raw);
    }

    /** The tests of the configuration's {@code tests} (one path or a list). */
    List<RawTest> tests(Object v) {
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
                throw files.problem(where + " is not a test (an object with vars and assert, or a file:// path)");
            }
        }
        return out;
    }

    /** The tests of a {@code file://} path. */
    List<RawTest> testFile(String s, String where) {
        if (!s.startsWith("file://")) {
            throw files.problem(where + ": tests are loaded from file:// paths, was '" + s + "'");
        }
        String rel = s.substring("file://".length());
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.contains("*") || lower.matches(".*\\.(js|cjs|mjs|ts|py)(:.*)?$") || lower.endsWith(".xlsx")) {
            files.unsupported("tests from " + s, "globs, test generators and spreadsheets are not read", where);
            return List.of();
        }
        Path f = files.file(s, where);
        if (lower.endsWith(".csv")) {
            return csvTests(f, rel);
        }
        List<RawTest> out = new ArrayList<>();
        if (lower.endsWith(".jsonl")) {
            String[] lines = files.text(f).split("\\R");
            for (int n = 0; n < lines.length; n++) {
                if (lines[n].isBlank()) {
                    continue;
                }
                // JSON is YAML: one reader, safe types
                Object o = PromptfooFiles.yamlText(lines[n], rel + " line " + (n + 1));
                if (!(o instanceof Map<?, ?> m)) {
                    throw new EvalConfigException(rel + " line " + (n + 1) + " is not a test object");
                }
                out.add(test(m, rel + " line " + (n + 1)));
            }
            return out;
        }
        Object o = files.yaml(f);
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
        List<EvalPlan.Check> raw = m.get("assert") == null ? List.of() : checks.rawChecks(m.get("assert"), where);
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
                                files.unsupported("a test's options." + ok, "not run by this evaluation", where);
                            }
                        }
                    }
                }
                default -> files.unsupported("a test's '" + k + "'", "not run by this evaluation", where);
            }
        }
        return new RawTest(description, vars, prefix, suffix, raw);
    }

    /** A test's (or {@code defaultTest}'s) variables, as text. */
    private Map<String, String> vars(Object v, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw files.problem(where + " must be a mapping of names to values");
        }
        for (Map.Entry<?, ?> en : m.entrySet()) {
            String k = String.valueOf(en.getKey());
            Object val = en.getValue();
            if (val instanceof List<?>) {
                files.unsupported("a list of values for a variable", "promptfoo runs each combination; this runs the "
                        + "list as one text", where + "." + k);
                out.put(k, String.valueOf(val));
            } else if (val instanceof String s && s.startsWith("file://")) {
                files.unsupported("a variable loaded from a file (" + s + ")", "the path is used as the value", where);
                out.put(k, s);
            } else {
                out.put(k, val == null ? "" : files.renderEnv(String.valueOf(val), where));
            }
        }
        return out;
    }

    // ---- CSV tests, as promptfoo reads them

    private List<RawTest> csvTests(Path f, String rel) {
        List<RawTest> out = new ArrayList<>();
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setTrim(false).get();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, fmt)) {
            List<String> header = p.getHeaderNames();
            for (CSVRecord rec : p) {
                out.add(csvTest(header, rec, rel + " row " + (rec.getRecordNumber() + 1)));
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new EvalConfigException("cannot read " + rel + " as CSV: " + PromptfooFiles.oneLine(e.getMessage()),
                    e);
        }
        return out;
    }

    /** One CSV row: its columns are variables, the {@code __} columns promptfoo's settings of the test. */
    private RawTest csvTest(List<String> header, CSVRecord rec, String where) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<EvalPlan.Check> expected = new ArrayList<>();
        String description = null;
        String prefix = null;
        String suffix = null;
        for (int c = 0; c < header.size(); c++) {
            String key = header.get(c).trim();
            String value = c < rec.size() ? rec.get(c) : "";
            if (key.startsWith("__expected")) {
                if (!value.trim().isEmpty()) {
                    EvalPlan.Check ch = checks.fromShorthand(value.trim(), where + " " + key);
                    if (ch != null) {
                        expected.add(ch);
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
                    files.unsupported("the CSV column " + key, "not run by this evaluation", where);
                }
            } else {
                vars.put(key, value);
            }
        }
        return new RawTest(description, vars, prefix, suffix, expected);
    }
}
