package dev.llmworkbench.service.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The checks of an evaluation grid, as promptfoo defines them, each optionally negated with {@code not-}:
 * {@code equals} (the whole output, exactly), {@code contains}, {@code icontains} (ignoring case),
 * {@code contains-any}, {@code contains-all}, {@code icontains-any}, {@code icontains-all} (a list of texts),
 * {@code starts-with}, {@code regex} (found anywhere in the output), {@code is-json} (the whole output parses as
 * JSON), {@code contains-json} (a JSON object or array appears in it); and two judged by a model:
 * {@code llm-similar} (ours: does the output say the same as the expected text) and {@code llm-rubric} (does it
 * meet the rubric), run by {@link Judge}. Pure functions.
 */
public final class EvalChecks {
    /** The checks run without a model (with or without {@code not-}). */
    public static final Set<String> DETERMINISTIC = Set.of("equals", "contains", "icontains", "contains-any",
            "contains-all", "icontains-any", "icontains-all", "starts-with", "regex", "is-json", "contains-json");

    /** The checks a judge model decides. */
    public static final Set<String> JUDGED = Set.of("llm-similar", "llm-rubric");

    /** Every check type run, as written (the negations included). */
    public static final Set<String> SUPPORTED;

    static {
        java.util.HashSet<String> s = new java.util.HashSet<>();
        for (String t : DETERMINISTIC) {
            s.add(t);
            s.add("not-" + t);
        }
        s.addAll(JUDGED);
        SUPPORTED = Set.copyOf(s);
    }

    /** One check's verdict, as an output line writes it: {@code {type, value, pass, reason}}. */
    public record Result(String type, String value, boolean pass, String reason) {
    }

    private EvalChecks() {
    }

    public static boolean isSupported(String type) {
        return SUPPORTED.contains(type);
    }

    public static boolean isJudged(String type) {
        return JUDGED.contains(type);
    }

    /** Whether the check needs a value; {@code is-json} and {@code contains-json} take none. */
    static boolean needsValue(String type) {
        String base = base(type);
        return !base.equals("is-json") && !base.equals("contains-json");
    }

    /** Why a check cannot be run as written (a bad regex, a missing value), or null. */
    public static String problem(EvalPlan.Check c) {
        if (!isSupported(c.type())) {
            return "not a supported check: " + c.type();
        }
        if (needsValue(c.type()) && (c.value() == null || c.value().isEmpty())) {
            return c.type() + " needs a value";
        }
        if (base(c.type()).equals("regex")) {
            try {
                Pattern.compile(c.value());
            } catch (PatternSyntaxException e) {
                return "bad regex '" + c.value() + "': " + e.getDescription();
            }
        }
        return null;
    }

    /** Runs a check that needs no model on an output. */
    public static Result evaluate(EvalPlan.Check c, String output) {
        String problem = problem(c);
        if (problem != null) {
            return new Result(c.type(), c.value(), false, problem);
        }
        if (isJudged(c.type())) {
            throw new IllegalArgumentException(c.type() + " is decided by the judge model");
        }
        String text = output == null ? "" : output;
        boolean inverse = c.type().startsWith("not-");
        String base = base(c.type());
        String v = c.value();
        boolean hit = switch (base) {
            case "equals" -> text.equals(v);
            case "contains" -> text.contains(v);
            case "icontains" -> lower(text).contains(lower(v));
            case "contains-any" -> items(v).stream().anyMatch(text::contains);
            case "contains-all" -> items(v).stream().allMatch(text::contains);
            case "icontains-any" -> items(v).stream().anyMatch(i -> lower(text).contains(lower(i)));
            case "icontains-all" -> items(v).stream().allMatch(i -> lower(text).contains(lower(i)));
            case "starts-with" -> text.startsWith(v);
            case "regex" -> Pattern.compile(v).matcher(text).find();
            case "is-json" -> isJson(text);
            case "contains-json" -> containsJson(text);
            default -> throw new IllegalStateException(base);
        };
        boolean pass = hit != inverse;
        return new Result(c.type(), c.value(), pass, pass ? "passed" : reason(base, inverse, v));
    }

    private static String reason(String base, boolean inverse, String v) {
        String shown = v == null ? "" : abbreviate(v);
        return switch (base) {
            case "equals" -> inverse ? "the output equals '" + shown + "'" : "the output is not '" + shown + "'";
            case "contains", "icontains" -> inverse ? "the output contains '" + shown + "'"
                    : "the output does not contain '" + shown + "'";
            case "contains-any", "icontains-any" -> inverse ? "the output contains one of '" + shown + "'"
                    : "the output contains none of '" + shown + "'";
            case "contains-all", "icontains-all" -> inverse ? "the output contains all of '" + shown + "'"
                    : "the output lacks one of '" + shown + "'";
            case "starts-with" -> inverse ? "the output starts with '" + shown + "'"
                    : "the output does not start with '" + shown + "'";
            case "regex" -> inverse ? "the output matches /" + shown + "/" : "the output does not match /" + shown + "/";
            case "is-json" -> inverse ? "the output is JSON" : "the output is not JSON";
            case "contains-json" -> inverse ? "the output contains JSON" : "the output contains no JSON";
            default -> "failed";
        };
    }

    /** The type without {@code not-}. */
    static String base(String type) {
        return type.startsWith("not-") ? type.substring(4) : type;
    }

    /** The texts of a {@code -any}/{@code -all} check: its value split at commas, each trimmed (as promptfoo reads a CSV cell). */
    static List<String> items(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.trim().isEmpty()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** The whole text is one JSON value (strict: no trailing text). */
    static boolean isJson(String text) {
        String t = text.trim();
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

    /** A JSON object or array appears somewhere in the text (from an opening brace to a closing one that parses). */
    static boolean containsJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char open = text.charAt(i);
            if (open != '{' && open != '[') {
                continue;
            }
            char close = open == '{' ? '}' : ']';
            for (int j = text.indexOf(close, i); j >= 0; j = text.indexOf(close, j + 1)) {
                if (isJson(text.substring(i, j + 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    // ---- the judge's request and its verdict

    /** The JSON schema the judge answers in: {@code {"pass": boolean, "reason": string}}. */
    static final String VERDICT_SCHEMA = """
            {"type":"object","properties":{"pass":{"type":"boolean"},"reason":{"type":"string"}},\
            "required":["pass","reason"],"additionalProperties":false}""";

    /** What the judge is asked for a check on an output (system, then user). */
    static List<String> judgePrompt(EvalPlan.Check c, String output) {
        String system = "You grade the output of another model. Answer only with a JSON object "
                + "{\"pass\": true or false, \"reason\": \"one short sentence\"}.";
        String user = c.type().equals("llm-rubric")
                ? "Rubric:\n" + c.value() + "\n\nOutput:\n" + output + "\n\nDoes the output meet the rubric?"
                : "Expected:\n" + c.value() + "\n\nOutput:\n" + output
                + "\n\nDoes the output say the same as the expected text (the same meaning; wording may differ)?";
        return List.of(system, user);
    }

    /** The judge's answer as a verdict on the check; an answer that is not a verdict fails it, saying so. */
    static Result verdict(EvalPlan.Check c, String judgeAnswer) {
        String t = judgeAnswer == null ? "" : judgeAnswer.trim();
        if (t.startsWith("```")) {
            t = t.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        try {
            JsonElement e = JsonParser.parseString(t);
            if (e.isJsonObject()) {
                JsonObject o = e.getAsJsonObject();
                JsonElement p = o.get("pass");
                if (p != null && p.isJsonPrimitive() && p.getAsJsonPrimitive().isBoolean()) {
                    JsonElement r = o.get("reason");
                    String why = r != null && r.isJsonPrimitive() ? r.getAsString() : "";
                    return new Result(c.type(), c.value(), p.getAsBoolean(), "judge: " + abbreviate(why));
                }
            }
        } catch (RuntimeException e) {
            // not JSON: said below
        }
        return new Result(c.type(), c.value(), false, "the judge's answer is not a verdict: '" + abbreviate(t) + "'");
    }
}
