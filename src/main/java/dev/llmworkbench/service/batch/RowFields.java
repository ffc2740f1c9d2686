package dev.llmworkbench.service.batch;

import dev.llmworkbench.domain.Message;
import dev.llmworkbench.domain.Priority;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A row from its named values (CSV columns or JSONL fields), validated: the prompt and system prompt with
 * their {@code {{name}}} templates filled from the other columns, the numbers, the priority, the checks.
 */
final class RowFields {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

    private RowFields() {
    }

    /** A row from named values (CSV columns or JSONL fields) and their JSON ({@code raw}), validated. */
    static BatchInput.Row fromValues(int line, Map<String, Object> values, String raw) {
        String explicitId = BatchInput.blankToNull(str(values.get("request_id")));
        String prompt = str(values.get("prompt"));
        if (prompt == null || prompt.isBlank()) {
            return new BatchInput.Row(line, explicitId, null, raw, "prompt is empty");
        }
        Map<String, String> vars = new HashMap<>();
        List<String> checks = new ArrayList<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("check")) {
                Object v = e.getValue();
                List<String> specs = v instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : List.of(String.valueOf(v));
                for (String s : specs) {
                    if (s.isBlank()) {
                        continue;
                    }
                    String problem = Checks.problem(s);
                    if (problem != null) {
                        return new BatchInput.Row(line, explicitId, null, raw, problem);
                    }
                    checks.add(s.trim());
                }
            } else if (!BatchInput.reserved(k)) {
                vars.put(k, str(e.getValue()));
            }
        }
        String filledPrompt;
        String filledSystem;
        try {
            filledPrompt = fill(prompt, vars);
            String sys = BatchInput.blankToNull(str(values.get("system_prompt")));
            filledSystem = sys == null ? null : fill(sys, vars);
        } catch (IllegalArgumentException e) {
            return new BatchInput.Row(line, explicitId, null, raw, e.getMessage());
        }
        Integer maxTokens = null;
        String mt = BatchInput.blankToNull(str(values.get("max_tokens")));
        if (mt != null) {
            try {
                maxTokens = Integer.valueOf(mt.trim());
            } catch (NumberFormatException e) {
                return new BatchInput.Row(line, explicitId, null, raw, "max_tokens is not a whole number: " + BatchInput.quote(mt));
            }
            if (maxTokens < 1) {
                return new BatchInput.Row(line, explicitId, null, raw, "max_tokens must be at least 1, was " + maxTokens);
            }
        }
        Double temperature = null;
        String t = BatchInput.blankToNull(str(values.get("temperature")));
        if (t != null) {
            try {
                temperature = Double.valueOf(t.trim());
            } catch (NumberFormatException e) {
                return new BatchInput.Row(line, explicitId, null, raw, "temperature is not a number: " + BatchInput.quote(t));
            }
            if (temperature.isNaN() || temperature < 0 || temperature > 2) {
                return new BatchInput.Row(line, explicitId, null, raw, "temperature must be between 0 and 2, was " + BatchInput.clip(t));
            }
        }
        Priority priority = null;
        String p = BatchInput.blankToNull(str(values.get("priority")));
        if (p != null) {
            try {
                priority = Priority.parse(p);
            } catch (IllegalArgumentException e) {
                return new BatchInput.Row(line, explicitId, null, raw, e.getMessage());
            }
        }
        List<Message> messages = new ArrayList<>();
        if (filledSystem != null) {
            messages.add(Message.system(filledSystem));
        }
        messages.add(Message.user(filledPrompt));
        String model = BatchInput.blankToNull(str(values.get("model")));
        String expected = str(values.get("expected"));
        BatchRow row = new BatchRow(messages, model == null ? null : model.trim(), maxTokens, temperature, priority,
                expected == null || expected.isEmpty() ? null : expected, checks);
        String json = row.toJson();
        return new BatchInput.Row(line, explicitId, row, json, null);
    }

    /** Fills every {@code {{name}}} from {@code vars}; a name without a value is an error. */
    static String fill(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = vars.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no column for {{" + name + "}} in the prompt template");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String str(Object o) {
        return o == null ? null : o instanceof String s ? s : String.valueOf(o);
    }
}
