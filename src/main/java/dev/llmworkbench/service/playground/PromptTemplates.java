package dev.llmworkbench.service.playground;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code {{variable}}} placeholders in prompts: find them, and fill them in. Pure functions. */
public final class PromptTemplates {
    /** A placeholder: two braces, a name of letters, digits, {@code _ . -}, two braces. */
    public static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

    /** Where a placeholder sits in a text (start inclusive, end exclusive). */
    public record Span(int start, int end, String name) { }

    private PromptTemplates() {
    }

    /** The variables' names in order of first appearance across the texts. */
    public static List<String> variables(String... texts) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String t : texts) {
            if (t != null) {
                Matcher m = VARIABLE.matcher(t);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return List.copyOf(names);
    }

    /** Every placeholder's position, for highlighting. */
    public static List<Span> spans(String text) {
        java.util.ArrayList<Span> out = new java.util.ArrayList<>();
        if (text != null) {
            Matcher m = VARIABLE.matcher(text);
            while (m.find()) {
                out.add(new Span(m.start(), m.end(), m.group(1)));
            }
        }
        return out;
    }

    /** The text with each known variable replaced by its value; unknown ones stay as written. */
    public static String fill(String text, Map<String, String> values) {
        if (text == null) {
            return "";
        }
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
