package dev.llmworkbench.service.playground;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.llmworkbench.store.PromptStore;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The playground's prompt library: every save is a new version; reopen any; diff two versions line by line. */
public final class PromptLibraryService {
    private static final Gson GSON = new Gson();
    private static final Type STRING_MAP = new TypeToken<LinkedHashMap<String, String>>() { }.getType();

    /** One saved version: the prompts, the variables' values and the parameters (as strings). */
    public record SavedPrompt(String name, int version, String system, String user, Map<String, String> variables,
                              Map<String, String> parameters, Instant createdAt) {
        public SavedPrompt {
            variables = variables == null ? Map.of() : Map.copyOf(variables);
            parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        }

        /** "name v3". */
        public String label() {
            return name + " v" + version;
        }
    }

    /** One line of a diff: {@code ' '} same, {@code '-'} only in the older, {@code '+'} only in the newer. */
    public record DiffLine(char kind, String text) {
        @Override
        public String toString() {
            return kind + " " + text;
        }
    }

    private final PromptStore store;

    public PromptLibraryService(PromptStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Saves a new version of {@code name}. */
    public SavedPrompt save(String name, String system, String user, Map<String, String> variables,
                            Map<String, String> parameters) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("give the prompt a name");
        }
        return of(store.save(name.trim(), system == null ? "" : system, user == null ? "" : user,
                GSON.toJson(variables == null ? Map.of() : variables),
                GSON.toJson(parameters == null ? Map.of() : parameters)));
    }

    public List<String> names() {
        return store.names();
    }

    /** Every version of {@code name}, oldest first. */
    public List<SavedPrompt> versions(String name) {
        return store.versions(name).stream().map(PromptLibraryService::of).toList();
    }

    public Optional<SavedPrompt> get(String name, int version) {
        return store.get(name, version).map(PromptLibraryService::of);
    }

    /** What changed from {@code older} to {@code newer}: system prompt, user prompt, variables, parameters. */
    public static List<DiffLine> diff(SavedPrompt older, SavedPrompt newer) {
        return diffLines(render(older), render(newer));
    }

    static String render(SavedPrompt p) {
        StringBuilder sb = new StringBuilder("# system\n").append(p.system()).append("\n# user\n").append(p.user());
        sb.append("\n# variables\n");
        new java.util.TreeMap<>(p.variables()).forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        sb.append("# parameters\n");
        new java.util.TreeMap<>(p.parameters()).forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    /** A line diff (longest common subsequence). */
    public static List<DiffLine> diffLines(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int n = x.length;
        int m = y.length;
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<DiffLine> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (x[i].equals(y[j])) {
                out.add(new DiffLine(' ', x[i++]));
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(new DiffLine('-', x[i++]));
            } else {
                out.add(new DiffLine('+', y[j++]));
            }
        }
        while (i < n) {
            out.add(new DiffLine('-', x[i++]));
        }
        while (j < m) {
            out.add(new DiffLine('+', y[j++]));
        }
        return out;
    }

    private static SavedPrompt of(PromptStore.PromptVersion v) {
        Map<String, String> vars = parse(v.variablesJson());
        Map<String, String> params = parse(v.parametersJson());
        return new SavedPrompt(v.name(), v.version(), v.system(), v.user(), vars, params, v.createdAt());
    }

    private static Map<String, String> parse(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> m = GSON.fromJson(json, STRING_MAP);
            return m == null ? Map.of() : m;
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
