package dev.llmworkbench.service.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A promptfoo configuration's {@code prompts}: strings, {@code file://} paths (a text file holding several prompts
 * separated by lines of {@code ---} gives one prompt each; a {@code .json} file is a chat conversation) or objects
 * with {@code raw} (or {@code id: file://...}) and {@code label}. Globs and JavaScript or Python prompts are listed as
 * not run.
 */
final class PromptfooPrompts {
    private final PromptfooFiles files;

    PromptfooPrompts(PromptfooFiles files) {
        this.files = files;
    }

    /** The prompts of the configuration's {@code prompts} (one or a list). @throws EvalConfigException when none */
    List<EvalPlan.Prompt> prompts(Object v) {
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
                    out.add(new EvalPlan.Prompt(label, files.renderEnv(String.valueOf(raw), where)));
                } else if (id != null) {
                    out.addAll(prompt(String.valueOf(id), label, where));
                } else {
                    throw files.problem(where + " has neither raw nor id");
                }
            } else {
                throw files.problem(where + " is not a prompt (a text, a file:// path or an object with raw and label)");
            }
        }
        if (out.isEmpty()) {
            throw files.problem("no prompt that can be run (see the unsupported parts)");
        }
        return out;
    }

    private List<EvalPlan.Prompt> prompt(String s, String label, String where) {
        if (!s.startsWith("file://")) {
            return List.of(new EvalPlan.Prompt(label, files.renderEnv(s, where)));
        }
        String rel = s.substring("file://".length());
        String lower = rel.toLowerCase(Locale.ROOT);
        if (rel.contains("*")) {
            files.unsupported("a prompt glob (" + s + ")", "globs are not expanded", where);
            return List.of();
        }
        if (lower.matches(".*\\.(js|cjs|mjs|ts|py)(:.*)?$")) {
            files.unsupported("a prompt function (" + s + ")", "JavaScript and Python prompts are not run", where);
            return List.of();
        }
        Path f = files.file(s, where);
        String text = files.renderEnv(files.text(f), where);
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
