package dev.llmworkbench.service.eval;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The files of a promptfoo configuration, read as promptfoo reads them: {@code file://} paths relative to the
 * configuration's folder, UTF-8 text (a byte order mark dropped), YAML with SnakeYAML's safe constructor (plain maps,
 * lists and scalars, never arbitrary types), and {@code {{ env.NAME }}} rendered from the configuration's own
 * {@code env} map, else the environment. What the reading notes on the way (the parts not run, the warnings) is kept
 * with it, in {@link ImportNotes}.
 */
final class PromptfooFiles {
    private static final Pattern ENV = Pattern.compile("\\{\\{\\s*env\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private final Path config;
    private final Path dir;
    private final Function<String, String> systemEnv;
    private final Map<String, String> configEnv = new HashMap<>();
    private final ImportNotes notes = new ImportNotes();

    /**
     * @param config the configuration (or tests file) read; its folder is where {@code file://} paths start
     * @param env    the environment ({@code System::getenv}, or a map's {@code get} in tests)
     */
    PromptfooFiles(Path config, Function<String, String> env) {
        this.config = config.toAbsolutePath().normalize();
        this.dir = this.config.getParent();
        this.systemEnv = env;
    }

    /** What this reading noted: the parts not run, the warnings. */
    ImportNotes notes() {
        return notes;
    }

    /** Notes a part of the configuration that is not run: what it is, why, and where it stands. */
    void unsupported(String what, String why, String where) {
        notes.unsupported(what, why, where);
    }

    /** The configuration (or tests file) read. */
    Path config() {
        return config;
    }

    /** The file name of the configuration, as messages name it. */
    String configName() {
        return name(config);
    }

    /** A problem of the configuration, its file name first. */
    EvalConfigException problem(String what) {
        return new EvalConfigException(configName() + ": " + what);
    }

    /** Takes the configuration's own {@code env} map: it comes before the environment. */
    void useConfigEnv(Map<?, ?> e) {
        e.forEach((k, v) -> configEnv.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    }

    /** The file a {@code file://} path names. @throws EvalConfigException when there is none */
    Path file(String url, String where) {
        String rel = url.substring("file://".length());
        int colon = rel.indexOf(':', 2); // a function name after the path (file://x.py:fn) is not a path
        if (colon > 0 && !rel.substring(0, colon).contains("/") && rel.substring(0, colon).contains(".")) {
            rel = rel.substring(0, colon);
        }
        Path f = dir.resolve(rel).normalize();
        if (!Files.isRegularFile(f)) {
            throw problem(where + ": no file " + f);
        }
        return f;
    }

    Object yaml(Path f) {
        return yamlText(text(f), name(f));
    }

    static Object yamlText(String text, String what) {
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

    String text(Path f) {
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
    String renderEnv(String s, String where) {
        Matcher m = ENV.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env(m.group(1));
            if (v == null) {
                notes.warn("the environment variable " + m.group(1) + " is not set (read as empty, at " + where
                        + ")");
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The variable's name when a text is only {@code {{ env.NAME }}} and the configuration's env map does not set it
     * (read from the environment when the run starts), else null.
     */
    String environmentOnly(String s) {
        Matcher m = ENV.matcher(s);
        return m.matches() && !configEnv.containsKey(m.group(1)) ? m.group(1) : null;
    }

    /** A variable: the configuration's env map, else the environment; null when unset. */
    String env(String name) {
        String v = configEnv.get(name);
        return v != null ? v : systemEnv.apply(name);
    }

    Number number(Object v, String where) {
        if (v instanceof Number n) {
            return n;
        }
        try {
            return Double.valueOf(renderEnv(String.valueOf(v), where).trim());
        } catch (NumberFormatException e) {
            throw problem(where + " must be a number, was '" + v + "'");
        }
    }

    static String name(Path f) {
        return f.getFileName() == null ? f.toString() : f.getFileName().toString();
    }

    static String oneLine(String s) {
        return s == null ? "unreadable" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
