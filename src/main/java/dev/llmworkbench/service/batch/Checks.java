package dev.llmworkbench.service.batch;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The answer checks of a batch row, as promptfoo users write them: {@code expected} (exact match, ends
 * trimmed) and check specs {@code contains:TEXT}, {@code regex:PATTERN} (found anywhere), {@code json}
 * (the answer parses as JSON) and {@code max_chars:N}.
 */
public final class Checks {
    /** The verdict on one answer: pass or not, and why not. */
    public record Verdict(boolean passed, String detail) {
    }

    private Checks() {
    }

    /** Why a check spec is not understood, or null when it is fine. */
    public static String problem(String spec) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("json")) {
            return null;
        }
        if (lower.startsWith("contains:")) {
            return s.length() > "contains:".length() ? null : "contains: needs a text";
        }
        if (lower.startsWith("regex:")) {
            try {
                Pattern.compile(s.substring("regex:".length()));
                return null;
            } catch (PatternSyntaxException e) {
                return "bad regex in check '" + s + "': " + e.getDescription();
            }
        }
        if (lower.startsWith("max_chars:")) {
            try {
                int n = Integer.parseInt(s.substring("max_chars:".length()).trim());
                return n < 0 ? "max_chars must not be negative" : null;
            } catch (NumberFormatException e) {
                return "max_chars needs a whole number, was '" + s.substring("max_chars:".length()) + "'";
            }
        }
        return "unknown check '" + s + "' (expected contains:TEXT, regex:PATTERN, json or max_chars:N)";
    }

    /** Runs every check on an answer; null when the row has none. */
    public static Verdict evaluate(String expected, List<String> checks, String answer) {
        if (expected == null && checks.isEmpty()) {
            return null;
        }
        String text = answer == null ? "" : answer;
        if (expected != null && !expected.trim().equals(text.trim())) {
            return new Verdict(false, "expected '" + abbreviate(expected) + "'");
        }
        for (String spec : checks) {
            String s = spec.trim();
            String lower = s.toLowerCase(Locale.ROOT);
            boolean ok;
            if (lower.equals("json")) {
                ok = isJson(text);
            } else if (lower.startsWith("contains:")) {
                ok = text.contains(s.substring("contains:".length()));
            } else if (lower.startsWith("regex:")) {
                ok = Pattern.compile(s.substring("regex:".length())).matcher(text).find();
            } else if (lower.startsWith("max_chars:")) {
                ok = text.codePointCount(0, text.length())
                        <= Integer.parseInt(s.substring("max_chars:".length()).trim());
            } else {
                ok = false;
            }
            if (!ok) {
                return new Verdict(false, "failed " + s);
            }
        }
        return new Verdict(true, null);
    }

    private static boolean isJson(String text) {
        String t = text.trim();
        if (t.startsWith("```")) {
            t = t.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        if (t.isEmpty()) {
            return false;
        }
        try (JsonReader r = new JsonReader(new StringReader(t))) {
            r.setStrictness(Strictness.STRICT);
            JsonParser.parseReader(r);
            return r.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
